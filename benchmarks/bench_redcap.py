"""End-to-end benchmark of classifying a REDCap export (read + classify + write):

    regencord classify records.csv --input-format redcap --format redcap -o results.csv \\
        --differences differences.csv

    .venv/bin/python benchmarks/bench_redcap.py [--rows 200000 1000000] [--repeats 3]
        [--distinct 5000] [--seed 1] [--dir DIR] [--keep] [--json FILE]

For each size in ``--rows`` a REDCap flat CSV export of the ``isncsci_exam`` instrument is
generated first (not timed, in a process of its own): ``--distinct`` synthetic exams
(:func:`regencord.isncsci.synthetic.generate_exams`, 3% NT cells, 2% non-SCI tags with
both ``_considernormal`` values, non-key muscles; written with
:mod:`regencord.interop.redcap.mapping`) tiled to the size, four rows per record over
three events (one repeating), two data access groups, every field of the layout that
regencord reads and writes plus the stored results (1 row in 100 with a stored AIS an
older calculator would give, so the difference report has work to do).

Then ``--repeats`` times a fresh Python process runs the command in-process (the Typer
app, as the console script does) and reports its wall time from the call to the return
(imports excluded) → rows/s, its CPU time, and its peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``) and RSS after the imports. The export is
classified in the one process (pyarrow parses ahead in threads of its own, counted in the
CPU time). The report gives the median of the repeats; memory flat in
the number of rows shows as the same peak RSS for every size.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import regencord.cli.app  # noqa: F401  (imported before the timed call, as the script does)

BENCHMARK = Path(__file__).resolve()
SLOTS = (
    ("baseline_arm_1", "", ""),
    ("week_12_arm_1", "", ""),
    ("follow_up_arm_1", "isncsci_exam", "1"),
    ("follow_up_arm_1", "isncsci_exam", "2"),
)


def write_export(path: Path, rows: int, *, distinct: int, seed: int) -> None:
    """A REDCap export of ``rows`` exam rows (see the module documentation)."""
    from regencord.interop.redcap.fields import (
        DAG_FIELD,
        EXAM_DATE,
        EXAMINER,
        EXPORT_COLUMNS,
        IDENTITY_FIELDS,
        NON_KEY_MUSCLE_CHOICES,
    )
    from regencord.interop.redcap.mapping import complete_field, exam_fields, result_fields
    from regencord.isncsci import Exam, classify
    from regencord.isncsci.exam import NKM_KEY
    from regencord.isncsci.io import result_row
    from regencord.isncsci.levels import Level
    from regencord.isncsci.synthetic import generate_exams

    rng = random.Random(seed)
    tails = []
    rest = EXPORT_COLUMNS[len(IDENTITY_FIELDS) + 1 :]
    exams = generate_exams(distinct, seed=seed, nt_rate=0.03, tag_rate=0.02, non_key_rate=0.3)
    for exam in exams:
        exam.pop("id", None)
        for side in ("right", "left"):
            level = exam[side].get(NKM_KEY)
            if level is not None and Level.parse(level) not in NON_KEY_MUSCLE_CHOICES:
                del exam[side][NKM_KEY]
        fields, _ = exam_fields("bench", exam, {})
        fields |= result_fields(result_row(classify(Exam.from_praxis(exam))))
        fields |= complete_field() | {EXAM_DATE: "2024-03-01", EXAMINER: "Examiner One"}
        stale = dict(fields)
        stale["asia_impairment_scale"] = "E" if fields["asia_impairment_scale"] != "E" else "A"
        line = io.StringIO()
        writer = csv.writer(line, lineterminator="\n")
        writer.writerow([fields.get(c, "") for c in rest])
        tails.append(line.getvalue())
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow([stale.get(c, "") for c in rest])
        tails.append(line.getvalue())
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join([*IDENTITY_FIELDS, DAG_FIELD, *rest]) + "\n")
        for i in range(rows):
            event, instrument, instance = SLOTS[i % len(SLOTS)]
            record = 100_000 + i // len(SLOTS)
            which = 2 * rng.randrange(distinct) + (1 if i % 100 == 99 else 0)
            dag = "site_a" if record % 2 else "site_b"
            f.write(f"{record},{event},{instrument},{instance},{dag},{tails[which]}")


def _rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def child(source: Path, output: Path) -> dict[str, Any]:
    """One run of the command in this process (see the module documentation)."""
    from regencord.cli.app import app

    rss_imports = _rss_mib()
    args = [
        "classify", str(source), "--input-format", "redcap", "--format", "redcap",
        "-o", str(output), "--differences", str(output.with_suffix(".differences.csv")),
    ]  # fmt: skip
    cpu0, t0 = time.process_time(), time.perf_counter()
    app(args, standalone_mode=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mib": _rss_mib(),
        "rss_after_imports_mib": rss_imports,
    }


def run_once(source: Path, output: Path) -> dict[str, Any]:
    command = [sys.executable, str(BENCHMARK), "--child", str(source), str(output)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"run failed:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def measure(rows: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    source = folder / f"redcap-{rows}.csv"
    generate = [sys.executable, str(BENCHMARK), "--generate", str(source), str(rows),
                str(args.distinct), str(args.seed)]  # fmt: skip
    subprocess.run(generate, check=True)
    runs = [run_once(source, folder / f"results-{rows}.csv") for _ in range(args.repeats)]
    lines = sum(1 for _ in (folder / f"results-{rows}.csv").open()) - 1
    assert lines == rows, f"{lines} result rows for {rows} exam rows"
    seconds = statistics.median(r["seconds"] for r in runs)
    out = {
        "rows": rows,
        "file_mib": round(source.stat().st_size / 2**20, 1),
        "median_seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_rss_mib": round(statistics.median(r["peak_rss_mib"] for r in runs), 1),
        "rss_after_imports_mib": round(
            statistics.median(r["rss_after_imports_mib"] for r in runs), 1
        ),
        "runs_seconds": [round(r["seconds"], 2) for r in runs],
    }
    if not args.keep:
        source.unlink()
    return out


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    if sys.argv[1:2] == ["--generate"]:
        path, rows, distinct, seed = sys.argv[2:6]
        write_export(Path(path), int(rows), distinct=int(distinct), seed=int(seed))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    command = " ".join([Path(sys.executable).name, "benchmarks/bench_redcap.py", *sys.argv[1:]])
    print(f"$ {command}")
    print(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-redcap-"))
    results = []
    for rows in args.rows:
        result = measure(rows, args, folder)
        results.append(result)
        print(
            f"{rows:>9,} rows ({result['file_mib']} MiB): {result['median_seconds']} s "
            f"median of {args.repeats} {result['runs_seconds']}, {result['rows_per_second']:,} "
            f"rows/s, CPU {result['median_cpu_seconds']} s, peak RSS "
            f"{result['peak_rss_mib']} MiB (after imports {result['rss_after_imports_mib']})",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps({"command": command, "results": results}, indent=2))


if __name__ == "__main__":
    main()
