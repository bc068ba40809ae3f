"""Speed of regencord's engines against the reference classifier (npm ``isncsci`` 2.0.6),
side by side in one run on the same generated exams.

    .venv/bin/python benchmarks/bench_reference.py [--n 20000] [--repeats 5] [--seed 1]
        [--scalar-n 2000]

Data sets: ``no NT`` (the ``plain`` category of tests/isncsci/reference/generator.py: no NT,
no tag, a lowest non-key muscle on 15% of sides) and ``with NT`` (``mixed``: about 3% NT
cells and 2% tagged cells). Per data set and repeat:

- the reference: one node process classifies all exams (``classify.cjs``); its own time for
  the classification loop (``process.hrtime``; node start-up, JSON parsing and writing
  excluded), and the whole subprocess call seen from Python (start-up, JSON both ways);
- ``classify_batch`` on arrays already built (``ExamBatch.from_praxis`` not timed), and end
  to end from the Praxis dicts (``from_praxis`` + ``classify_batch`` + ``to_praxis``);
- the scalar engine: per-exam latency of ``classify`` (exam already validated) and of
  ``classify(Exam.from_praxis(d)).to_praxis()``, on the first ``--scalar-n`` exams.

Figures are medians over the repeats. The reference and the batch engine are timed
interleaved, repeat by repeat; a ratio batch/reference is the median of the repeats' ratios
(the speed-up: reference time over batch time). Garbage collection is off while timing
Python.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The oracle's runner and the generator live with the tests (test-only code).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.isncsci.reference.generator import generate
from tests.isncsci.reference.oracle import (
    ORACLE_VERSION,
    reference_unavailable,
    run_script,
)

from bench_classify import text_table, time_each
from regencord.isncsci import ENGINE_VERSION, Exam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch

DATASETS: tuple[tuple[str, str], ...] = (("no NT", "plain"), ("with NT", "mixed"))
"""(data set, generator category)."""
TARGETS = {"no NT": 60.0, "with NT": 15.0}
"""The batch engine's speed targets as a multiple of the reference's (issue 9)."""


@dataclass(frozen=True)
class Row:
    dataset: str
    what: str
    exams: int
    us_per_exam: float
    """Median over repeats of the mean time per exam (per-exam rows: median latency)."""

    @property
    def exams_per_s(self) -> float:
        return 1e6 / self.us_per_exam


def _quiet(fn: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


@dataclass(frozen=True)
class Timings:
    """Per repeat, seconds for all exams."""

    reference_inside: list[float]
    """The reference's classification loop, measured inside node."""
    reference_call: list[float]
    """The whole node call seen from Python (start-up, JSON both ways)."""
    batch_built: list[float]
    """``classify_batch`` on arrays already built."""
    batch_whole: list[float]
    """``from_praxis`` + ``classify_batch`` + ``to_praxis``."""


def time_side_by_side(exams: list[dict[str, Any]], repeats: int) -> Timings:
    """The reference and the batch engine, interleaved repeat by repeat (so that a change of
    the machine's load affects both alike)."""
    batch = ExamBatch.from_praxis(exams)
    classify_batch(batch.slice(0, min(len(batch), 1000)))  # warm up, not timed
    t = Timings([], [], [], [])
    for _ in range(repeats):
        start = time.perf_counter()
        _, seconds = run_script(exams)
        t.reference_call.append(time.perf_counter() - start)
        t.reference_inside.append(seconds)
        t.batch_built.append(_quiet(lambda: classify_batch(batch)))
        t.batch_whole.append(
            _quiet(lambda: classify_batch(ExamBatch.from_praxis(exams)).to_praxis())
        )
    return t


def time_scalar(raw: list[dict[str, Any]], repeats: int) -> tuple[float, float]:
    """Median per-exam latency (seconds): ``classify`` alone, and from the Praxis dict to
    the Praxis result."""
    exams = [Exam.from_praxis(d) for d in raw]
    for e in exams[:100]:  # warm up, not timed
        classify(e)

    def latencies(items: Sequence[Any], fn: Callable[[Any], object]) -> float:
        medians, _, _ = time_each(items, fn, repeats)
        return statistics.median(medians)

    return (
        latencies(exams, classify),
        latencies(raw, lambda d: classify(Exam.from_praxis(d)).to_praxis()),
    )


def run(n: int, repeats: int, seed: int, scalar_n: int) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    ratios: list[str] = []
    for dataset, category in DATASETS:
        exams = generate(category, n, seed)
        run_script(exams[:1000])  # warm the file cache, not timed
        t = time_side_by_side(exams, repeats)
        ref_inside, ref_whole = (
            statistics.median(t.reference_inside),
            statistics.median(t.reference_call),
        )
        batch_built, batch_whole = (
            statistics.median(t.batch_built),
            statistics.median(t.batch_whole),
        )
        scalar_alone, scalar_whole = time_scalar(exams[:scalar_n], repeats)
        rows += [
            Row(dataset, "reference, inside node", n, ref_inside / n * 1e6),
            Row(dataset, "reference, node call (start-up, JSON)", n, ref_whole / n * 1e6),
            Row(dataset, "classify_batch (arrays built)", n, batch_built / n * 1e6),
            Row(dataset, "classify_batch end to end (Praxis dicts)", n, batch_whole / n * 1e6),
            Row(dataset, "classify, per exam (median)", scalar_n, scalar_alone * 1e6),
            Row(dataset, "classify end to end, per exam (median)", scalar_n, scalar_whole * 1e6),
        ]
        built_ratio = statistics.median(
            r / b for r, b in zip(t.reference_inside, t.batch_built, strict=True)
        )
        whole_ratio = statistics.median(
            r / b for r, b in zip(t.reference_call, t.batch_whole, strict=True)
        )
        ratios.append(
            f"{dataset}: batch (arrays built) / reference inside node = {built_ratio:.1f}x "
            f"(target {TARGETS[dataset]:.0f}x); batch end to end / reference node call = "
            f"{whole_ratio:.1f}x; scalar latency {scalar_alone * 1e6:.0f} us vs reference "
            f"{ref_inside / n * 1e6:.1f} us per exam ({scalar_alone / (ref_inside / n):.1f}x)"
        )
    return rows, ratios


def format_rows(rows: Sequence[Row]) -> str:
    header = ("data set", "timed", "exams", "µs/exam", "exams/s")
    lines = [
        (r.dataset, r.what, str(r.exams), f"{r.us_per_exam:,.2f}", f"{r.exams_per_s:,.0f}")
        for r in rows
    ]
    return text_table(header, lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20_000, help="exams per data set")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--scalar-n", type=int, default=2000, help="exams for the scalar engine's latency"
    )
    args = parser.parse_args(argv)
    if min(args.n, args.repeats, args.scalar_n) < 1:
        parser.error("--n, --repeats and --scalar-n must be at least 1")
    reason = reference_unavailable()
    if reason is not None:
        print(f"the reference cannot run: {reason}", file=sys.stderr)
        return 2
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    rows, ratios = run(args.n, args.repeats, args.seed, min(args.scalar_n, args.n))
    print(
        f"python benchmarks/bench_reference.py --n {args.n} --repeats {args.repeats} "
        f"--seed {args.seed} --scalar-n {args.scalar_n}"
    )
    print(
        f"{ENGINE_VERSION}; Python {platform.python_version()} on {platform.machine()}; "
        f"reference isncsci {ORACLE_VERSION} on node {node}; medians of {args.repeats} repeats"
    )
    print(format_rows(rows))
    print("\n".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
