"""Exactness of the engines' NT ranges against every completion classified by the reference.

    .venv/bin/python -m tests.isncsci.reference.exactness --n 1000 --seed 1 \\
        [--category nt|mixed] [--engine scalar|batch|both] [--show 5]

For ``--n`` generated exams with NT cells and at most :data:`completions.MAX_COMPLETIONS`
completions, each classification field's values (tags set aside) are compared with the
union over every completion classified by the reference (see ``completions.py``).
*Missing*: some completion gives the value, ours does not (unsound). *Extra*: ours gives it,
no completion does (not tight). A field where an adjudicated divergence class explains the
difference between ours and the reference's own result for the exam
(``divergences.explained_by``) is counted as explained, not as a problem. Prints counts per
field and the first exams with a problem.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.isncsci.reference import divergences
from tests.isncsci.reference.completions import (
    MAX_COMPLETIONS,
    Union,
    completion_choices,
    completion_count,
    exactness_problems,
    reference_unions,
)
from tests.isncsci.reference.engines import classify_ours
from tests.isncsci.reference.generator import CATEGORIES, generate
from tests.isncsci.reference.notation import Flat
from tests.isncsci.reference.oracle import classify_reference, reference_unavailable


def nt_exams(category: str, n: int, seed: int) -> list[dict[str, Any]]:
    """The first ``n`` exams of ``category`` (seeded) that have NT cells and at most
    :data:`MAX_COMPLETIONS` completions."""
    chosen: list[dict[str, Any]] = []
    drawn = 0
    while len(chosen) < n:
        more = generate(category, drawn + 2 * (n - len(chosen)) + 10, seed)[drawn:]
        drawn += len(more)
        chosen += [
            e for e in more if completion_choices(e) and completion_count(e) <= MAX_COMPLETIONS
        ]
    return chosen[:n]


@dataclass(frozen=True)
class Inexact:
    """An exam where an engine's values differ from the completions' union."""

    exam: Mapping[str, Any]
    ours: Flat
    reference: Flat
    """The reference's own result for the exam (with its NT cells)."""
    union: Union
    problems: dict[str, tuple[frozenset[str], frozenset[str]]]


@dataclass
class Exactness:
    engine: str
    exams: int
    completions: int
    inexact: list[Inexact] = field(default_factory=list)
    missing: Counter[str] = field(default_factory=Counter)
    """Per field: exams where ours misses a reachable value."""
    extra: Counter[str] = field(default_factory=Counter)
    """Per field: exams where ours gives a value no completion gives."""
    explained: Counter[str] = field(default_factory=Counter)
    """Per adjudicated class: exam fields not exact that the class explains."""


def check(
    exams: Sequence[Mapping[str, Any]], engines: Sequence[str] = ("scalar", "batch")
) -> list[Exactness]:
    """Each engine's exactness on ``exams`` (the unions computed once)."""
    unions = reference_unions(exams)
    reference = classify_reference(exams).flat
    completions = sum(completion_count(e) for e in exams)
    results = []
    for engine in engines:
        result = Exactness(engine, len(exams), completions)
        for exam, ours, theirs, union in zip(
            exams, classify_ours(engine, exams), reference, unions, strict=True
        ):
            problems = {}
            for f, problem in exactness_problems(ours, union).items():
                divergence = divergences.explained_by(exam, f, ours[f], theirs[f])
                if divergence is None:
                    problems[f] = problem
                else:
                    result.explained[divergence.name] += 1
            if problems:
                result.inexact.append(Inexact(exam, ours, theirs, union, problems))
                result.missing.update(f for f, (m, _) in problems.items() if m)
                result.extra.update(f for f, (_, x) in problems.items() if x)
        results.append(result)
    return results


def format_inexact(i: Inexact) -> str:
    lines = [json.dumps(i.exam, separators=(",", ":"))]
    for f, (missing, extra) in i.problems.items():
        lines.append(
            f"  {f}: ours {i.ours[f]!r}, every completion (tags aside) "
            f"{','.join(sorted(i.union[f]))!r}; missing {sorted(missing)} extra {sorted(extra)}"
            f" (the reference on the exam itself: {i.reference[f]!r})"
        )
    return "\n".join(lines)


def summary(r: Exactness) -> str:
    lines = [
        f"{r.engine}: {r.exams} exams with NT ({r.completions} completions), "
        f"{len(r.inexact)} not exact"
    ]
    for name, counts in (("missing", r.missing), ("extra", r.extra), ("explained", r.explained)):
        lines += [f"  {n:6d}  {name}  {f}" for f, n in counts.most_common()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--category", choices=[c for c in CATEGORIES if CATEGORIES[c].nt_rate])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("scalar", "batch", "both"), default="both")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    reason = reference_unavailable()
    if reason is not None:
        print(f"the reference cannot run: {reason}", file=sys.stderr)
        return 2
    engines = ("scalar", "batch") if args.engine == "both" else (args.engine,)
    started = time.perf_counter()
    exams = nt_exams(args.category or "nt", args.n, args.seed)
    for r in check(exams, engines):
        print(summary(r))
        for i in r.inexact[: args.show]:
            print(format_inexact(i))
    print(f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
