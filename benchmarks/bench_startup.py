"""Benchmark of the command line's start-up: wall time and peak memory of short commands.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--dir DIR] [--baseline-src DIR]

Each command runs ``--runs`` times as a fresh process (after one untimed warm-up run that
fills the operating system's file cache); the table gives the median wall time and the
median peak resident set size (``ru_maxrss`` of the child). The baseline is
``python -c "import typer"``: the floor any Typer CLI pays. Measured:

* ``regencord --help``;
* ``regencord trial show BENCH --db sqlite:///…`` on a database made by ``regencord init``
  and ``regencord trial create`` (not timed): a simple read from the store;
* ``regencord classify examples/exams.json``: a command that needs the engine.

``--baseline-src DIR`` also measures another source tree of regencord in the same run (put
first on ``PYTHONPATH``), e.g. an earlier commit: ``git archive COMMIT src | tar -x -C
/tmp/base`` and ``--baseline-src /tmp/base/src``. Its database is made by its own code.

Target: ``--help`` and the store read within a few tenths of a second.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REGENCORD = str(BIN / "regencord")


def measure(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall time (s) and median peak RSS (MB) of ``command`` over ``runs`` runs."""
    subprocess.run(command, check=True, capture_output=True, env=env)  # warm-up, not timed
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {shlex.join(command)}")
        peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    return statistics.median(times), statistics.median(peaks)


def regencord_commands(work: Path, label: str, env: dict[str, str]) -> dict[str, list[str]]:
    """The regencord commands to time, on a database made (not timed) in ``work``."""
    url = f"sqlite:///{work / 'bench.db'}"
    for setup in (["init"], ["trial", "create", "BENCH", "--title", "Start-up"]):
        subprocess.run([REGENCORD, *setup, "--db", url], capture_output=True, check=True, env=env)
    exams = str(ROOT / "examples" / "exams.json")
    return {
        f"{label}regencord --help": [REGENCORD, "--help"],
        f"{label}regencord trial show BENCH": [REGENCORD, "trial", "show", "BENCH", "--db", url],
        f"{label}regencord classify examples/exams.json": [REGENCORD, "classify", exams],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go")
    parser.add_argument("--baseline-src", type=Path, default=None, help="another src/ to time")
    args = parser.parse_args()
    current = dict(os.environ)
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        runs: list[tuple[str, list[str], dict[str, str]]] = [
            ("python -c 'import typer'", [sys.executable, "-c", "import typer"], current)
        ]
        if args.baseline_src is not None:
            baseline = current | {"PYTHONPATH": str(args.baseline_src.resolve())}
            (Path(work) / "baseline").mkdir()
            for label, command in regencord_commands(
                Path(work) / "baseline", "baseline: ", baseline
            ).items():
                runs.append((label, command, baseline))
        for label, command in regencord_commands(Path(work), "", current).items():
            runs.append((label, command, current))
        width = max(len(label) for label, _, _ in runs)
        print(f"{'command':<{width}} {'median s':>9} {'peak MB':>8}   (runs: {args.runs})")
        floor = None
        for label, command, env in runs:
            seconds, peak = measure(command, args.runs, env)
            floor = floor or seconds
            print(f"{label:<{width}} {seconds:9.3f} {peak:8.1f}   {seconds / floor:5.1f}x typer")
        print(f"\ncommand: {shlex.join([sys.executable, *sys.argv])}")


if __name__ == "__main__":
    main()
