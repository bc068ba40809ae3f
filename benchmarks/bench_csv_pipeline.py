"""End-to-end benchmark of ``regencord classify big.csv -o out.csv`` (read + classify + write).

    .venv/bin/python benchmarks/bench_csv_pipeline.py [--rows 200000 2000000] [--repeats 3]
        [--distinct 10000] [--seed 1] [--format csv] [--dir DIR] [--keep] [--json FILE]
        [--profile FILE]

For each size in ``--rows`` an exam CSV file is generated first (not timed): ``--distinct``
synthetic exams (:func:`regencord.isncsci.synthetic.generate_exams`, 3% NT cells, 2% non-SCI
tags) tiled to the size, each row with its own id. Then ``--repeats`` times, a fresh Python
process runs the command in-process (the Typer app, as the console script does) and reports:

- the run's wall time, from the call to the command's return (imports excluded) → exams/s,
  and the CPU time of the process meanwhile (all threads; less sensitive to a busy machine);
- how much of it went to reading (:func:`iter_csv_batches`, timed batch by batch: the
  conversion, and waiting for pyarrow, which parses ahead in a thread of its own),
  classifying (:func:`classify_batch`) and writing (:class:`ResultWriter`);
- its peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``), and the RSS after the imports, so
  the run's own memory shows. One process per run: runs do not share memory. (Files are
  generated in a process of their own too: Linux carries a parent's peak RSS over into a
  child's ``ru_maxrss``.)

Files of more than 32 MiB are classified in a worker process (see
:func:`regencord.isncsci.batch.pipeline._classified_in_worker`), whose fork server first
imports the program's main module: this script imports the command line application at
its top, as the ``regencord`` console script does, so that the worker starts as late as
it does for a user (the first batches are classified in the main process meanwhile).

The report gives the median of the repeats. Memory flat in the number of rows shows as the
same peak RSS for every size. ``--profile FILE`` runs the smallest size once more under
cProfile and writes its statistics to FILE (``python -m pstats FILE``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

# As the console script does (see the module documentation): imported by the worker
# process's fork server too.
import regencord.cli.app  # noqa: F401

T = TypeVar("T")
BENCHMARK = Path(__file__).resolve()


# --------------------------------------------------------------------------- input


def write_exam_csv(path: Path, rows: int, *, distinct: int, seed: int) -> None:
    """An exam CSV file of ``rows`` rows: ``distinct`` synthetic exams, tiled."""
    from regencord.isncsci import Exam
    from regencord.isncsci.io import EXAM_COLUMNS, exam_row
    from regencord.isncsci.synthetic import generate_exams

    exams = generate_exams(distinct, seed=seed, nt_rate=0.03, tag_rate=0.02)
    bodies: list[str] = []
    for index, praxis in enumerate(exams, 1):
        row = exam_row(Exam.from_praxis(praxis, index=index))
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow([row[c] for c in EXAM_COLUMNS[1:]])
        bodies.append(line.getvalue())
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(EXAM_COLUMNS) + "\n")
        for start in range(0, rows, 100_000):
            stop = min(start + 100_000, rows)
            f.write("".join(f"SYN-{i:08},{bodies[i % distinct]}" for i in range(start, stop)))


# --------------------------------------------------------------------------- one run


def _rss_mib() -> float:
    """Peak RSS of this process so far, in MiB (``ru_maxrss`` is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def child(source: Path, output: Path, fmt: str, profile: Path | None) -> dict[str, Any]:
    """Run the command once in this process; time its parts."""
    from regencord.cli.app import app
    from regencord.cli.commands import classify as command
    from regencord.isncsci.batch import classify_batch, csv_io

    spent = {"read": 0.0, "classify": 0.0, "write": 0.0}

    def timed(part: str, fn: Callable[..., T]) -> Callable[..., T]:
        def wrapper(*args: Any, **kwargs: Any) -> T:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - start

        return wrapper

    def timed_batches(*args: Any, **kwargs: Any) -> Iterator[Any]:
        batches = iter_csv_batches(*args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                batch = next(batches)
            except StopIteration:
                return
            finally:
                spent["read"] += time.perf_counter() - start
            yield batch

    iter_csv_batches = csv_io.iter_csv_batches
    setattr(command, "iter_csv_batches", timed_batches)  # noqa: B010
    setattr(command, "classify_batch", timed("classify", classify_batch))  # noqa: B010
    setattr(csv_io.ResultWriter, "write", timed("write", csv_io.ResultWriter.write))  # noqa: B010

    rss_before = _rss_mib()
    args = ["classify", str(source), "-o", str(output), "--format", fmt]
    start, cpu_start = time.perf_counter(), time.process_time()
    if profile is not None:
        import cProfile

        cProfile.runctx("app(args, standalone_mode=False)", globals(), locals(), str(profile))
    else:
        app(args, standalone_mode=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        **spent,
        "rss_before_mib": rss_before,
        "peak_rss_mib": _rss_mib(),
    }


def run_once(source: Path, output: Path, fmt: str, profile: Path | None = None) -> dict[str, Any]:
    """One run in a fresh process."""
    command = [sys.executable, str(BENCHMARK), "--child", str(source), str(output), fmt]
    if profile is not None:
        command.append(str(profile))
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return result


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Row:
    rows: int
    file_mib: float
    seconds: float
    exams_per_s: float
    cpu_s: float
    read_s: float
    classify_s: float
    write_s: float
    rss_before_mib: float
    peak_rss_mib: float


def measure(rows: int, args: argparse.Namespace, folder: Path) -> Row:
    source = folder / f"exams-{rows}.csv"
    if not source.exists():
        print(f"generating {rows:,} rows -> {source}", file=sys.stderr, flush=True)
        generate = [sys.executable, str(BENCHMARK), "--generate", str(source), str(rows)]
        generate += [str(args.distinct), str(args.seed)]
        subprocess.run(generate, check=True)
    output = folder / f"results-{rows}.{args.format}"
    runs = []
    for repeat in range(args.repeats):
        runs.append(run_once(source, output, args.format))
        print(f"  {rows:,} rows, run {repeat + 1}: {runs[-1]['seconds']:.2f} s", file=sys.stderr)
    if not args.keep:
        output.unlink(missing_ok=True)

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    seconds = median("seconds")
    parts = {k: median(k) for k in ("read", "classify", "write")}
    return Row(
        rows=rows,
        file_mib=source.stat().st_size / 2**20,
        seconds=seconds,
        exams_per_s=rows / seconds,
        cpu_s=median("cpu_s"),
        read_s=parts["read"],
        classify_s=parts["classify"],
        write_s=parts["write"],
        rss_before_mib=median("rss_before_mib"),
        peak_rss_mib=median("peak_rss_mib"),
    )


def report(rows: list[Row]) -> str:
    head = (
        f"{'rows':>10} {'file MiB':>9} {'time s':>7} {'exams/s':>9} {'CPU s':>6} "
        f"{'read':>12} {'classify':>12} {'write':>12} {'RSS MiB':>15}"
    )
    lines = [head]
    for r in rows:

        def part(seconds: float, r: Row = r) -> str:
            return f"{seconds:6.2f} {100 * seconds / r.seconds:3.0f}% "

        lines.append(
            f"{r.rows:>10,} {r.file_mib:>9.0f} {r.seconds:>7.2f} {r.exams_per_s:>9,.0f} "
            f"{r.cpu_s:>6.2f} "
            f"{part(r.read_s)}{part(r.classify_s)}{part(r.write_s)}"
            f"{r.rss_before_mib:>6.0f} -> {r.peak_rss_mib:>5.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--generate"]:
        path, size, distinct, seed = argv[1:]
        write_exam_csv(Path(path), int(size), distinct=int(distinct), seed=int(seed))
        return 0
    if argv[:1] == ["--child"]:
        source, output, fmt, *rest = argv[1:]
        profile = Path(rest[0]) if rest else None
        print(json.dumps(child(Path(source), Path(output), fmt, profile)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--dir", type=Path, help="where the files go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="cProfile the smallest size into FILE")
    args = parser.parse_args(argv)

    temporary = None if args.dir is not None else tempfile.TemporaryDirectory()
    folder = args.dir if args.dir is not None else Path(temporary.name)  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        rows = [measure(n, args, folder) for n in sorted(args.rows)]
        if args.profile is not None:
            smallest = min(args.rows)
            profiled = folder / f"exams-{smallest}.csv"
            run_once(profiled, folder / f"profiled.{args.format}", args.format, args.profile)
            print(f"profile of {smallest:,} rows -> {args.profile}", file=sys.stderr)
    finally:
        if temporary is not None and not args.keep:
            temporary.cleanup()
    print(
        f"regencord classify big.csv -o out.{args.format}: median of {args.repeats} runs, "
        f"one process each; Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(report(rows))
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
