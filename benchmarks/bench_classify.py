"""Benchmark of the ISNCSCI classification on synthetic exams.

    .venv/bin/python benchmarks/bench_classify.py [--n 2000] [--repeats 5] [--seed 1]
        [--batch-n 1000000] [--json results.json]
    .venv/bin/python benchmarks/bench_classify.py --memory 10000000

The vectorized engine (``classify_batch``) is timed on ``--batch-n`` exams whose arrays are
already built: ``--batch-distinct`` generated exams repeated to that size (building the
arrays is not timed). ``--memory N`` instead classifies N exams once and reports the
process's peak resident memory (run it on its own: the peak is per process).

For each data set (see ``DATASETS``) the exams are generated and validated first (not
timed); then every engine (see ``ENGINES``) runs over them ``--repeats`` times. A per-exam
engine is timed exam by exam: the report gives the median per-exam latency (the median of
the repeats' medians), the p95 (median of the repeats' p95s), and exams/s (exams over the
median repeat's total time). A batch engine is timed per repeat only; its latency columns
are the mean time per exam. ``Exam.from_praxis`` (validation) is timed the same way, as
its own row. Garbage collection is off while timing, as in :mod:`timeit`.

To add a data set, append to ``DATASETS``; to add an engine, append to ``ENGINES`` a
:class:`PerExam` (a function of one exam) or a :class:`Batch` (a function of a list).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from regencord.isncsci import ENGINE_VERSION, Exam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch
from regencord.isncsci.synthetic import generate_exams


@dataclass(frozen=True)
class DataSet:
    name: str
    nt_rate: float = 0.0
    tag_rate: float = 0.0
    non_key_rate: float = 0.1


DATASETS: tuple[DataSet, ...] = (
    DataSet("no NT"),
    DataSet("3% NT + 2% tags", nt_rate=0.03, tag_rate=0.02),
)


@dataclass(frozen=True)
class PerExam:
    """An engine called once per exam, timed exam by exam."""

    name: str
    fn: Callable[[Exam], object]


@dataclass(frozen=True)
class Batch:
    """An engine called once on the whole list of exams, timed as a whole."""

    name: str
    fn: Callable[[Sequence[Exam]], object]


Engine = PerExam | Batch


def _classify_loop(exams: Sequence[Exam]) -> object:
    return [classify(e) for e in exams]


ENGINES: tuple[Engine, ...] = (
    PerExam("classify", classify),
    Batch("classify, plain loop", _classify_loop),
)


@dataclass(frozen=True)
class Row:
    dataset: str
    what: str
    exams: int
    median_us: float
    p95_us: float
    exams_per_s: float
    per_exam: bool


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_each(
    items: Sequence[Any], fn: Callable[[Any], object], repeats: int
) -> tuple[list[float], list[float], list[float]]:
    """Per repeat: the median and p95 of the per-item times, and the total (seconds)."""
    medians, p95s, totals = [], [], []
    clock = time.perf_counter
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            times = []
            for item in items:
                start = clock()
                fn(item)
                times.append(clock() - start)
        finally:
            gc.enable()
        medians.append(statistics.median(times))
        p95s.append(_p95(times))
        totals.append(sum(times))
    return medians, p95s, totals


def time_whole(
    items: Sequence[Any], fn: Callable[[Sequence[Any]], object], repeats: int
) -> list[float]:
    """Per repeat: the total time (seconds) of one call on all items."""
    totals = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn(items)
            totals.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return totals


def measure(dataset: str, what: str, items: Sequence[Any], engine: Engine, repeats: int) -> Row:
    n = len(items)
    if isinstance(engine, PerExam):
        medians, p95s, totals = time_each(items, engine.fn, repeats)
        return Row(
            dataset,
            what,
            n,
            statistics.median(medians) * 1e6,
            statistics.median(p95s) * 1e6,
            n / statistics.median(totals),
            per_exam=True,
        )
    totals = time_whole(items, engine.fn, repeats)
    mean = statistics.median(totals) / n
    return Row(dataset, what, n, mean * 1e6, mean * 1e6, 1 / mean, per_exam=False)


def run(n: int, repeats: int, seed: int) -> list[Row]:
    rows: list[Row] = []
    warm = max(1, min(n, 100))
    for ds in DATASETS:
        raw = generate_exams(
            n, seed=seed, nt_rate=ds.nt_rate, tag_rate=ds.tag_rate, non_key_rate=ds.non_key_rate
        )
        exams = [Exam.from_praxis(d) for d in raw]
        parse = PerExam("Exam.from_praxis", Exam.from_praxis)
        rows.append(measure(ds.name, parse.name, raw, parse, repeats))
        for engine in ENGINES:
            # warm up (imports, first-call costs), not timed
            if isinstance(engine, PerExam):
                for e in exams[:warm]:
                    engine.fn(e)
            else:
                engine.fn(exams[:warm])
            rows.append(measure(ds.name, engine.name, exams, engine, repeats))
    return rows


def tiled_batch(dataset: DataSet, n: int, distinct: int, seed: int) -> ExamBatch:
    """``n`` exams: ``distinct`` generated ones repeated (arrays built here, not timed)."""
    raw = generate_exams(
        min(n, distinct),
        seed=seed,
        nt_rate=dataset.nt_rate,
        tag_rate=dataset.tag_rate,
        non_key_rate=dataset.non_key_rate,
    )
    batch = ExamBatch.from_praxis(raw)
    rows = np.resize(np.arange(len(batch)), n)
    return batch.take(rows, with_ids=False)


def run_batch(n: int, distinct: int, repeats: int, seed: int) -> list[Row]:
    rows: list[Row] = []
    for ds in DATASETS:
        batch = tiled_batch(ds, n, distinct, seed)
        classify_batch(batch.slice(0, 1000))  # warm up, not timed
        totals = time_whole([batch], lambda items: classify_batch(items[0]), repeats)
        mean = statistics.median(totals) / n
        rows.append(
            Row(
                ds.name,
                "classify_batch (arrays built)",
                n,
                mean * 1e6,
                mean * 1e6,
                1 / mean,
                per_exam=False,
            )
        )
    return rows


def peak_memory(n: int, distinct: int, seed: int) -> str:
    """Classify ``n`` exams (3% NT + 2% tags) once; the process's peak RSS before and after."""
    import resource

    batch = tiled_batch(DATASETS[-1], n, distinct, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = classify_batch(batch)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"classified {len(result):,} exams in {seconds:.1f} s; peak RSS {after:,.0f} MiB "
        f"(exam arrays built: {before:,.0f} MiB)"
    )


def format_rows(rows: Sequence[Row]) -> str:
    header = ("data set", "timed", "exams", "median µs", "p95 µs", "exams/s")
    lines = [
        (
            r.dataset,
            r.what,
            str(r.exams),
            f"{r.median_us:,.1f}" + ("" if r.per_exam else " (mean)"),
            f"{r.p95_us:,.1f}" if r.per_exam else "-",
            f"{r.exams_per_s:,.0f}",
        )
        for r in rows
    ]
    return text_table(header, lines)


def text_table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the first two columns left-aligned, the figures right-aligned."""
    widths = [max(len(x) for x in col) for col in zip(header, *lines, strict=True)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *(fmt(x) for x in lines)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=2000, help="exams per data set (default 2000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--batch-n", type=int, default=1_000_000, help="exams for classify_batch (0: skip)"
    )
    parser.add_argument(
        "--batch-distinct", type=int, default=20_000, help="distinct exams in that batch"
    )
    parser.add_argument("--memory", type=int, metavar="N", help="only: peak memory for N exams")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeats < 1:
        parser.error("--n and --repeats must be at least 1")
    if args.memory:
        print(peak_memory(args.memory, args.batch_distinct, args.seed))
        return 0
    rows = run(args.n, args.repeats, args.seed)
    if args.batch_n > 0:
        rows += run_batch(args.batch_n, args.batch_distinct, args.repeats, args.seed)
    print(
        f"{ENGINE_VERSION}; Python {platform.python_version()} on {platform.machine()}; "
        f"n={args.n}, repeats={args.repeats}, seed={args.seed}"
    )
    print(format_rows(rows))
    if args.json:
        payload: dict[str, Any] = {
            "engine_version": ENGINE_VERSION,
            "python": platform.python_version(),
            "n": args.n,
            "repeats": args.repeats,
            "seed": args.seed,
            "batch_n": args.batch_n,
            "rows": [asdict(r) for r in rows],
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
