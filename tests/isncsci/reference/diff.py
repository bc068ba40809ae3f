"""Differences between regencord's engines and the reference classifier on generated exams.

    .venv/bin/python -m tests.isncsci.reference.diff --category tags --n 5000 --seed 1 \\
        [--engine scalar|batch|both] [--show 10] [--all]
    .venv/bin/python -m tests.isncsci.reference.diff --table [--n 5000] [--seed 1]

Prints, per engine, the exams differing per field and per verdict (an adjudicated class,
"reference misses a reachable value", "unexplained"), then the first ``--show`` differing
exams (unexplained ones only unless ``--all``): the exam as compact JSON and, per differing
field, ours against the reference. ``--table`` prints the agreement table of every
category and engine instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from tests.isncsci.reference.compare import (
    REFERENCE_MISSES,
    REFERENCE_TAGS,
    Comparison,
    ExamDifference,
    run,
)
from tests.isncsci.reference.generator import CATEGORIES
from tests.isncsci.reference.oracle import reference_unavailable


def format_difference(d: ExamDifference) -> str:
    """An exam and its differing fields, for a failure message."""
    lines = [json.dumps(d.exam, separators=(",", ":"))]
    for f in d.differences:
        verdict = f.divergence if f.divergence is not None else f.verdict
        lines.append(f"  {f.field}: ours {f.ours!r}  reference {f.reference!r}  [{verdict}]")
        if f.union is not None:
            lines.append(f"    completions reach (tags aside): {','.join(sorted(f.union))}")
    return "\n".join(lines)


def summary(c: Comparison) -> str:
    """Counts of one comparison: fields and verdicts."""
    lines = [
        f"{c.category} / {c.engine}: {c.exams} exams, {c.agreeing} agree on all 25 fields "
        f"({100 * c.agreeing / max(c.exams, 1):.2f}%), {len(c.differing)} differ, "
        f"{len(c.failures)} with an unexplained difference"
    ]
    if c.field_counts:
        lines.append("  exams differing per field:")
        lines += [f"    {n:6d}  {f}" for f, n in c.field_counts.most_common()]
        lines.append("  exams per verdict:")
        lines += [f"    {n:6d}  {v}" for v, n in c.verdict_counts.most_common()]
    return "\n".join(lines)


def table(comparisons: Sequence[Comparison]) -> str:
    """The agreement table: per category and engine."""
    classes = sorted(
        {v for c in comparisons for v in c.verdict_counts}
        - {REFERENCE_MISSES, REFERENCE_TAGS, "unexplained"}
    )
    head = [
        "category",
        "engine",
        "exams",
        "agree all 25",
        "agree, ref. misses aside",
        "ref. misses reachable",
        "ref. tags differ from its completions",
        "unexplained",
        *classes,
    ]
    rows = []
    for c in comparisons:
        only_misses = sum(
            1 for d in c.differing if all(f.verdict == REFERENCE_MISSES for f in d.differences)
        )
        rows.append(
            [
                c.category,
                c.engine,
                str(c.exams),
                f"{100 * c.agreeing / max(c.exams, 1):.2f}%",
                f"{100 * (c.agreeing + only_misses) / max(c.exams, 1):.2f}%",
                str(c.verdict_counts[REFERENCE_MISSES]),
                str(c.verdict_counts[REFERENCE_TAGS]),
                str(len(c.failures)),
                *(str(c.verdict_counts[k]) for k in classes),
            ]
        )
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + (
        "\n\nagree, ref. misses aside: exams agreeing on all 25 fields, counting as agreeing an"
        " exam whose only differences are values the reference misses and some completion"
        " reaches. Other columns count exams."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--category", choices=sorted(CATEGORIES), default="mixed")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("scalar", "batch", "both"), default="batch")
    parser.add_argument("--show", type=int, default=10)
    parser.add_argument("--all", action="store_true", help="show explained differences too")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    reason = reference_unavailable()
    if reason is not None:
        print(f"the reference cannot run: {reason}", file=sys.stderr)
        return 2
    engines = ("scalar", "batch") if args.engine == "both" or args.table else (args.engine,)
    categories = list(CATEGORIES) if args.table else [args.category]
    started = time.perf_counter()
    comparisons = [c for cat in categories for c in run(cat, args.n, args.seed, engines)]
    if args.table:
        print(table(comparisons))
    for c in comparisons:
        if args.table:
            continue
        print(summary(c))
        shown = [d for d in c.differing if args.all or d.unexplained][: args.show]
        for d in shown:
            print(format_difference(d))
    print(f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
