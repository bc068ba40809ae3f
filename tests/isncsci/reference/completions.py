"""Completions of an exam's NT cells, and the reference's union over them.

A completion replaces every NT cell by a score it could be: motor ``0``–``5``, sensory
``0``–``2``, VAC/DAP ``Yes``/``No``. A tagged NT completes to the tagged scores of its
tag: motor ``NT*`` to ``0*``–``4*`` and sensory ``NT*`` to ``0*``, ``1*`` (``NT**``
likewise with ``**``). A tag marks a score below normal (docs/adjudications.md I1: ``5*``
and ``2*`` are not valid), so a tagged NT never completes to the normal score.

The union of a field is the set of values (tags set aside) the reference gives over all
completions. Only the 11 classification fields are compared: a total with an NT is ``ND``
by the Standards, not a set of possible sums.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.isncsci.reference.notation import (
    CLASSIFICATION_FIELDS,
    Flat,
    normalise,
    split_tag,
    untagged,
)
from tests.isncsci.reference.oracle import run_script

MOTOR_SCORES = ("0", "1", "2", "3", "4", "5")
SENSORY_SCORES = ("0", "1", "2")
ANAL_ANSWERS = ("Yes", "No")
MAX_COMPLETIONS = 4096
"""Exams with more completions than this are left out of the exactness check."""

Choice = tuple[list[str], list[str]]
"""A path into the exam (``["right", "motor", "C5"]``) and the values it completes to."""
Union = dict[str, frozenset[str]]
"""Classification field → the untagged values some completion gives."""
TagUnion = dict[str, dict[str, bool]]
"""Classification field → value → whether every completion giving it tags it (T1: a value
some completion reaches without a tag holds without one)."""


@dataclass(frozen=True)
class Reach:
    """What the reference gives over an exam's completions."""

    union: Union
    tags: TagUnion
    exhaustive: bool
    """Every completion classified (else a seeded sample: values and untagged values
    witnessed are reachable, but some may be missing)."""


def _cell_completions(value: Any, scores: Sequence[str]) -> list[str] | None:
    text = str(value).strip().upper()
    if not text.startswith("NT"):
        return None
    tag = text[2:]
    if tag == "":
        return list(scores)
    return [s + tag for s in scores[:-1]]


def completion_choices(exam: Mapping[str, Any]) -> list[Choice]:
    """Each NT cell of ``exam`` with the values it completes to (empty without NT)."""
    choices: list[Choice] = []
    for side in ("right", "left"):
        for grid, scores in (
            ("motor", MOTOR_SCORES),
            ("lightTouch", SENSORY_SCORES),
            ("pinPrick", SENSORY_SCORES),
        ):
            for name, value in exam[side][grid].items():
                values = _cell_completions(value, scores)
                if values is not None:
                    choices.append(([side, grid, name], values))
    for key in ("voluntaryAnalContraction", "deepAnalPressure"):
        if str(exam[key]).strip().upper() == "NT":
            choices.append(([key], list(ANAL_ANSWERS)))
    return choices


def completion_count(exam: Mapping[str, Any]) -> int:
    """How many completions ``exam`` has (1 without NT)."""
    return math.prod(len(values) for _, values in completion_choices(exam))


def reference_unions(exams: Sequence[Mapping[str, Any]]) -> list[Union]:
    """Per exam, the reference's union over all completions (one node process)."""
    return [r.union for r in reference_reach(exams)]


def reference_witnesses(
    exams: Sequence[Mapping[str, Any]], sample: int = MAX_COMPLETIONS, seed: int = 1
) -> list[Union]:
    """Per exam, the values ``sample`` completions drawn at random (seeded) reach with the
    reference: each is reachable, but some reachable values may be absent."""
    return [r.union for r in reference_reach(exams, sample=sample, seed=seed)]


def reference_reach(
    exams: Sequence[Mapping[str, Any]], *, sample: int | None = None, seed: int = 1
) -> list[Reach]:
    """Per exam, the reference's values and their tags over every completion, or over
    ``sample`` completions drawn at random (seeded) when ``sample`` is given (one node
    process)."""
    items: list[dict[str, Any]] = [{"exam": e, "choices": completion_choices(e)} for e in exams]
    if sample is not None:
        for i, item in enumerate(items):
            item.update(sample=sample, seed=seed + i)
    results, _ = run_script(items, unions=True)
    if sample is None:
        for exam, r in zip(exams, results, strict=True):
            expected = completion_count(exam)
            if r["completions"] != expected:
                raise AssertionError(
                    f"node classified {r['completions']} completions, not {expected}"
                )
    return [Reach(_union(r), _tags(r), sample is None) for r in results]


def _union(result: Mapping[str, Any]) -> Union:
    return {
        field: frozenset().union(*(untagged(normalise(v)) for v in result["values"][field]))
        for field in CLASSIFICATION_FIELDS
    }


def _tags(result: Mapping[str, Any]) -> TagUnion:
    out: TagUnion = {}
    for field in CLASSIFICATION_FIELDS:
        tags: dict[str, bool] = {}
        for value in result["values"][field]:
            for token in normalise(value).split(","):
                if token:
                    base, tag = split_tag(token)
                    tags[base] = tags.get(base, True) and bool(tag)
        out[field] = tags
    return out


def exactness_problems(
    ours: Flat, union: Union
) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per classification field where ours is not exact: (missing, extra). Missing: some
    completion gives it but ours does not (unsound); extra: ours gives it but no completion
    does (not tight). Tags set aside."""
    problems: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for field in CLASSIFICATION_FIELDS:
        mine = untagged(ours[field])
        missing, extra = union[field] - mine, mine - union[field]
        if missing or extra:
            problems[field] = (missing, extra)
    return problems
