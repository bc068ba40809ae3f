"""Benchmark of the command line's start-up: wall time and peak memory of short commands.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--dir DIR]

Each command runs ``--runs`` times as a fresh process (after one untimed warm-up run that
fills the operating system's file cache); the table gives the median wall time and the
median peak resident set size (``ru_maxrss`` of the child). The baseline is
``python -c "import typer"``: the floor any Typer CLI pays. Measured:

* ``regencord --help``;
* ``regencord trial show BENCH --db sqlite:///…`` on a database made by ``regencord init``
  and ``regencord trial create`` (not timed): a simple read from the store;
* ``regencord classify examples/exams.json``: a command that needs the engine.

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


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and median peak RSS (MB) of ``command`` over ``runs`` runs."""
    subprocess.run(command, check=True, capture_output=True)  # warm-up, not timed
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {shlex.join(command)}")
        peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
    return statistics.median(times), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where the database goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        url = f"sqlite:///{Path(work) / 'bench.db'}"
        for setup in (["init"], ["trial", "create", "BENCH", "--title", "Start-up"]):
            subprocess.run([REGENCORD, *setup, "--db", url], capture_output=True, check=True)
        commands = {
            "python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "regencord --help": [REGENCORD, "--help"],
            "regencord trial show BENCH": [REGENCORD, "trial", "show", "BENCH", "--db", url],
            "regencord classify examples/exams.json": [
                REGENCORD,
                "classify",
                str(ROOT / "examples" / "exams.json"),
            ],
        }
        print(f"{'command':<42} {'median s':>9} {'peak MB':>8}   (runs: {args.runs})")
        baseline = None
        for label, command in commands.items():
            seconds, peak = measure(command, args.runs)
            baseline = baseline or seconds
            ratio = f"{seconds / baseline:5.1f}x typer"
            print(f"{label:<42} {seconds:9.3f} {peak:8.1f}   {ratio}")
        print(f"\ncommand: {shlex.join([sys.executable, *sys.argv])}")


if __name__ == "__main__":
    main()
