"""Field-by-field comparison of regencord's engines with the reference classifier.

A field difference is *explained* when ``divergences.explained_by`` names an adjudicated
class; else *reference misses a reachable value* when the exam has NT cells, the
reference's values (tags set aside) miss one that some completion classified by the
reference reaches, and ours are right: with at most :data:`completions.MAX_COMPLETIONS`
completions all are classified and ours must equal their union; with more, that many are
drawn at random (witnesses) and ours must hold the reference's values plus witnessed ones
only (when the sample proves nothing, every completion is classified up to
:data:`ENUMERATED`); else *reference tags differ from its completions* when the values are
the same and every differing tag is the completions' (a value some completion gives
untagged is untagged, T1; a sample proves only untagged values). Otherwise it is
*unexplained* (a failure).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.isncsci.reference import divergences
from tests.isncsci.reference.completions import (
    MAX_COMPLETIONS,
    Reach,
    completion_choices,
    completion_count,
    reference_reach,
)
from tests.isncsci.reference.engines import classify_ours
from tests.isncsci.reference.generator import generate
from tests.isncsci.reference.notation import (
    CLASSIFICATION_FIELDS,
    FIELDS,
    Flat,
    split_tag,
    untagged,
)
from tests.isncsci.reference.oracle import ReferenceRun, classify_reference

Verdict = Literal[
    "explained",
    "reference misses a reachable value",
    "reference tags differ from its completions",
    "unexplained",
]
REFERENCE_MISSES: Verdict = "reference misses a reachable value"
REFERENCE_TAGS: Verdict = "reference tags differ from its completions"
ENUMERATED = 1 << 19
"""A differing exam with more than :data:`MAX_COMPLETIONS` completions has that many drawn
at random; when they prove nothing and it has at most this many, all are classified (the
reference classifies about 20,000 a second)."""


@dataclass(frozen=True)
class FieldDifference:
    field: str
    ours: str
    reference: str
    verdict: Verdict
    divergence: str | None = None
    """The adjudicated class's name when explained."""
    union: frozenset[str] | None = None
    """The values completions reach (tags set aside) when they were computed."""


@dataclass(frozen=True)
class ExamDifference:
    """An exam on which ours and the reference differ on at least one field."""

    exam: Mapping[str, Any]
    ours: Flat
    reference: Flat
    differences: tuple[FieldDifference, ...]

    @property
    def unexplained(self) -> bool:
        return any(d.verdict == "unexplained" for d in self.differences)


@dataclass
class Comparison:
    """One engine against the reference on one category's exams."""

    category: str
    engine: str
    exams: int = 0
    agreeing: int = 0
    differing: list[ExamDifference] = field(default_factory=list)
    field_counts: Counter[str] = field(default_factory=Counter)
    """Per field: exams differing on it."""
    verdict_counts: Counter[str] = field(default_factory=Counter)
    """Per verdict (an adjudicated class's name for explained ones): exams with it."""

    @property
    def failures(self) -> list[ExamDifference]:
        return [d for d in self.differing if d.unexplained]


def _verdict(
    exam: Mapping[str, Any],
    fld: str,
    ours: str,
    reference: str,
    reached: Reach | None,
) -> FieldDifference:
    divergence = divergences.explained_by(exam, fld, ours, reference)
    if divergence is not None:
        return FieldDifference(fld, ours, reference, "explained", divergence.name)
    if reached is None or fld not in reached.union:
        return FieldDifference(fld, ours, reference, "unexplained")
    union, exhaustive = reached.union[fld], reached.exhaustive
    mine, theirs = untagged(ours), untagged(reference)
    if mine == theirs:
        # Same values, other tags: T1 across the completions (a value some completion gives
        # untagged holds without the tag). Sampled completions prove only untagged values.
        tags = reached.tags.get(fld, {})
        differing = {v: t for v, t in _tag_map(ours).items() if _tag_map(reference)[v] != t}
        proven = bool(differing) and all(
            v in tags and tags[v] == t and (exhaustive or not t) for v, t in differing.items()
        )
        verdict_t: Verdict = REFERENCE_TAGS if proven else "unexplained"
        return FieldDifference(fld, ours, reference, verdict_t, union=union)
    if exhaustive:
        # Every completion classified: ours exact, the reference misses a value.
        proven = mine == union and bool(union - theirs)
    else:
        # Sampled completions: ours add to the reference's values only witnessed ones.
        added = mine - theirs
        proven = theirs <= mine and bool(added) and added <= union
    verdict: Verdict = REFERENCE_MISSES if proven else "unexplained"
    return FieldDifference(fld, ours, reference, verdict, union=union)


def _tag_map(value: str) -> dict[str, bool]:
    """``"C5,C6*"`` → ``{"C5": False, "C6": True}``."""
    out: dict[str, bool] = {}
    for token in value.split(","):
        if token.strip():
            base, tag = split_tag(token.strip())
            out[base] = bool(tag)
    return out


def compare(
    category: str,
    engine: str,
    exams: Sequence[Mapping[str, Any]],
    ours: Sequence[Flat],
    reference: Sequence[Flat],
    unions: dict[int, Reach] | None = None,
) -> Comparison:
    """Compare ``ours`` with ``reference`` on ``exams``. The completions' unions of the NT
    exams with a difference no class explains are computed with the reference and kept in
    ``unions`` (by exam index), so comparing a second engine on the same exams reuses them."""
    result = Comparison(category, engine, exams=len(exams))
    differing = [i for i, (o, r) in enumerate(zip(ours, reference, strict=True)) if o != r]
    result.agreeing = len(exams) - len(differing)
    known = {} if unions is None else unions
    provable = [
        i
        for i in differing
        if i not in known
        and completion_choices(exams[i])
        and any(
            ours[i][f] != reference[i][f]
            and divergences.explained_by(exams[i], f, ours[i][f], reference[i][f]) is None
            for f in CLASSIFICATION_FIELDS
        )
    ]
    enumerable = [i for i in provable if completion_count(exams[i]) <= MAX_COMPLETIONS]
    sampled = [i for i in provable if completion_count(exams[i]) > MAX_COMPLETIONS]
    if enumerable:
        for i, reach in zip(
            enumerable, reference_reach([exams[i] for i in enumerable]), strict=True
        ):
            known[i] = reach
    if sampled:
        witnessed = reference_reach([exams[i] for i in sampled], sample=MAX_COMPLETIONS)
        for i, reach in zip(sampled, witnessed, strict=True):
            known[i] = reach
        # Where the sample proves nothing, classify every completion when they are few enough.
        unproven = [
            i
            for i in sampled
            if completion_count(exams[i]) <= ENUMERATED
            and any(
                _verdict(exams[i], f, ours[i][f], reference[i][f], known[i]).verdict
                == "unexplained"
                for f in CLASSIFICATION_FIELDS
                if ours[i][f] != reference[i][f]
            )
        ]
        if unproven:
            for i, reach in zip(
                unproven, reference_reach([exams[i] for i in unproven]), strict=True
            ):
                known[i] = reach
    for i in differing:
        diffs = tuple(
            _verdict(exams[i], f, ours[i][f], reference[i][f], known.get(i))
            for f in FIELDS
            if ours[i][f] != reference[i][f]
        )
        result.differing.append(ExamDifference(exams[i], ours[i], reference[i], diffs))
        result.field_counts.update(d.field for d in diffs)
        result.verdict_counts.update(
            {d.divergence if d.divergence is not None else d.verdict for d in diffs}
        )
    return result


def run(
    category: str, n: int, seed: int, engines: Sequence[str] = ("scalar", "batch")
) -> list[Comparison]:
    """Generate ``n`` exams of ``category``, classify them with the reference once and with
    each engine, and compare."""
    exams = generate(category, n, seed)
    reference: ReferenceRun = classify_reference(exams)
    unions: dict[int, Reach] = {}
    return [
        compare(category, engine, exams, classify_ours(engine, exams), reference.flat, unions)
        for engine in engines
    ]
