"""Adjudicated divergence classes between regencord's engines and the reference classifier.

Each class is a narrow, named predicate over one field of one exam (never a list of exam
numbers), backed by an entry in ``docs/adjudications.md`` that gives the rule, a minimal
exam, both outputs and the reason (the Standards' text, a suite case or the committee's
published explanations). The differential test fails on any difference that no class
explains.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Exam = Mapping[str, Any]
"""A Praxis-shaped exam (the JSON both classifiers read)."""


@dataclass(frozen=True)
class Divergence:
    """One adjudicated class: ``applies(exam, field, ours, reference)`` is true when the
    difference on ``field`` (values in Praxis notation) belongs to the class."""

    name: str
    adjudication: str
    applies: Callable[[Exam, str, str, str], bool]


_KEY_MUSCLES = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")
_SEGMENTS = (
    *(f"C{i}" for i in range(1, 9)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *("S1", "S2", "S3", "S4_5"),
)
_ORDER = {name: i for i, name in enumerate(_SEGMENTS)}


def _tokens(value: str) -> dict[str, str]:
    """``"NA,T5*"`` → ``{"NA": "", "T5": "*"}`` (value → its tag)."""
    out: dict[str, str] = {}
    for token in value.split(","):
        token = token.strip()
        if token:
            base = token.rstrip("*")
            out[base] = token[len(base) :]
    return out


def _side(field: str) -> str | None:
    if field.endswith("Right"):
        return "right"
    if field.endswith("Left"):
        return "left"
    return None


def _sensory_zpp_at_zero_consider_normal(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """T8: the same sensory ZPP values; ours tag only values whose dermatome on that side is
    recorded ``0**`` (sensation present only through the tag), the reference does not."""
    side = _side(field)
    if side is None or not field.startswith("zoneOfPartialPreservations.sensory"):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    grids = (exam[side].get("lightTouch", {}), exam[side].get("pinPrick", {}))
    return bool(differing) and all(
        mine[v] == "*" and theirs[v] == "" and any(str(g.get(v)) == "0**" for g in grids)
        for v in differing
    )


def _motor_zpp_non_key_muscle_below_key_muscle(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """A15: where a counted lowest non-key muscle N lies below a key muscle with function
    (both below the motor level), ours give N (the most caudal motor function), the
    reference the key muscle; with NT cells, ours may hold N where the reference holds
    only the key muscle, or the reference a key muscle rostral to N besides N. Every other
    value is the same."""
    side = _side(field)
    if side is None or not field.startswith("zoneOfPartialPreservations.motor"):
        return False
    nkm = str(exam[side].get("lowestNonKeyMuscleWithMotorFunction") or "")
    if nkm not in _KEY_MUSCLES:  # T2-L1 is not used (A5)
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    only_ours = mine.keys() - theirs.keys()
    only_theirs = theirs.keys() - mine.keys()
    shared_same = all(mine[v] == theirs[v] for v in mine.keys() & theirs.keys())
    return (
        only_ours <= {nkm}
        and bool(only_ours or only_theirs)
        and all(v in _KEY_MUSCLES and _ORDER[v] < _ORDER[nkm] for v in only_theirs)
        and shared_same
    )


def _sacral(exam: Exam) -> list[str]:
    return [
        str(exam[side].get(grid, {}).get("S4_5", ""))
        for side in ("right", "left")
        for grid in ("lightTouch", "pinPrick")
    ]


def _sensory_sparing_rests_on_tag(exam: Exam) -> bool:
    """No VAC, no DAP, and S4-5 sensation present only through a tagged 0 (``0*``/``0**``)."""
    if str(exam["voluntaryAnalContraction"]).upper() == "YES":
        return False
    if str(exam["deepAnalPressure"]).upper() != "NO":
        return False
    cells = _sacral(exam)
    plain_present = any(c.rstrip("*") not in ("0", "NT") or c == "NT**" for c in cells)
    return not plain_present and any(c in ("0*", "0**") for c in cells)


def _motor_zpp_of_the_complete_reading(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """A16: S4-5 sensation present only through a tagged 0 (VAC and DAP not Yes), so the
    injury may be complete (the counted non-key muscle N unused) or incomplete (N used);
    the reference gives N, ours also the complete reading's motor ZPP, rostral to N. Every
    shared value has the same tag."""
    side = _side(field)
    if side is None or not field.startswith("zoneOfPartialPreservations.motor"):
        return False
    nkm = str(exam[side].get("lowestNonKeyMuscleWithMotorFunction") or "")
    if nkm not in _KEY_MUSCLES or not _sensory_sparing_rests_on_tag(exam):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    extra = mine.keys() - theirs.keys()
    return (
        nkm in theirs
        and theirs.keys() <= mine.keys()
        and bool(extra)
        and all(v in _ORDER and _ORDER[v] < _ORDER[nkm] for v in extra)
        and all(mine[v] == theirs[v] for v in theirs)
    )


def _motor_zpp_at_non_key_muscle_untagged(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """A17: the same motor ZPP values; ours leave untagged the counted lowest non-key
    muscle's segment, where the key muscle is recorded with a tag; the reference carries
    that key muscle's tag."""
    side = _side(field)
    if side is None or not field.startswith("zoneOfPartialPreservations.motor"):
        return False
    nkm = str(exam[side].get("lowestNonKeyMuscleWithMotorFunction") or "")
    if nkm not in _KEY_MUSCLES or "*" not in str(exam[side]["motor"].get(nkm, "")):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return differing == [nkm] and mine[nkm] == "" and theirs[nkm] == "*"


def _incompleteness_on_two_tagged_sacral_values(
    exam: Exam, field: str, ours: str, ref: str
) -> bool:
    """T13: ours ``I*``, the reference ``I``, where S4-5 sensation is present only through
    tagged values, one of them ``0**`` (present only through its tag, T4) and another
    tagged S4-5 value beside it."""
    if field != "injuryComplete" or not _sensory_sparing_rests_on_tag(exam):
        return False
    cells = _sacral(exam)
    tagged = [c for c in cells if c.endswith("*")]
    return "0**" in cells and len(tagged) >= 2 and ours == "I*" and ref == "I"


def _sensory_zpp_c1_past_a_hidden_sensation(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """T14: the same sensory ZPP values; ours tag C1 where the search reaches it only past a
    dermatome recorded ``0*`` on that side (which may hide sensation, T4), as every other
    value found past it; the reference leaves C1 untagged."""
    side = _side(field)
    if side is None or not field.startswith("zoneOfPartialPreservations.sensory"):
        return False
    grids = (exam[side].get("lightTouch", {}), exam[side].get("pinPrick", {}))
    if not any(str(v) == "0*" for g in grids for v in g.values()):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return differing == ["C1"] and mine["C1"] == "*" and theirs["C1"] == ""


def _grade_carries_sacral_tag(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """T9: the same grades; ours tag C or D where sensory incompleteness (needed for them
    without VAC) rests on a tagged S4-5 value, the reference does not."""
    if field != "ASIAImpairmentScale" or not _sensory_sparing_rests_on_tag(exam):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return bool(differing) and all(
        v in ("C", "D") and mine[v] == "*" and theirs[v] == "" for v in differing
    )


def _grade_untagged_beside_zero_consider_normal(
    exam: Exam, field: str, ours: str, ref: str
) -> bool:
    """T10: the same grades; the reference tags C or D where a key muscle is recorded
    ``0**`` (function present, or grade 3, only through the tag), ours do not because the
    grade holds whether or not that tag is accepted (T1)."""
    if field != "ASIAImpairmentScale":
        return False
    if not any(str(v) == "0**" for side in ("right", "left") for v in exam[side]["motor"].values()):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return bool(differing) and all(
        v in ("C", "D") and mine[v] == "" and theirs[v] == "*" for v in differing
    )


def _motor_not_normal_below_3(exam: Exam) -> bool:
    return any(
        str(v).upper() in ("0*", "1*", "2*", "NT*")
        for side in ("right", "left")
        for v in exam[side]["motor"].values()
    )


def _d_untagged_counting_hidden_strength(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """T12: the same grades; the reference tags D where ours do not, in an exam with a key
    muscle recorded below 3 with ``*`` (or ``NT*``): counting it at grade 3 or more (the
    strength its tag says the SCI may have spared) is untagged (T7)."""
    if field != "ASIAImpairmentScale" or not _motor_not_normal_below_3(exam):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return differing == ["D"] and mine["D"] == "" and theirs["D"] == "*"


def _sensory_nt_not_normal(exam: Exam) -> bool:
    return any(
        str(v).upper() == "NT*"
        for side in ("right", "left")
        for grid in ("lightTouch", "pinPrick")
        for v in exam[side][grid].values()
    )


def _level_resting_on_nt_not_normal(exam: Exam, field: str, ours: str, ref: str) -> bool:
    """T11: the same NLI or motor level values; ours tag values the reference leaves
    untagged, in an exam with a sensory ``NT*`` (not normal only through its tag, T2)."""
    if field != "neurologicalLevelOfInjury" and not field.startswith("neurologicalLevels.motor"):
        return False
    if not _sensory_nt_not_normal(exam):
        return False
    mine, theirs = _tokens(ours), _tokens(ref)
    if mine.keys() != theirs.keys():
        return False
    differing = [v for v in mine if mine[v] != theirs[v]]
    return bool(differing) and all(mine[v] == "*" and theirs[v] == "" for v in differing)


DIVERGENCES: tuple[Divergence, ...] = (
    Divergence(
        "motor ZPP at a counted non-key muscle is untagged beside a tagged key muscle",
        "A17",
        _motor_zpp_at_non_key_muscle_untagged,
    ),
    Divergence(
        "incompleteness resting on 0** and another tagged S4-5 value is tagged",
        "T13",
        _incompleteness_on_two_tagged_sacral_values,
    ),
    Divergence(
        "sensory ZPP C1 found past a 0* is tagged",
        "T14",
        _sensory_zpp_c1_past_a_hidden_sensation,
    ),
    Divergence(
        "D untagged where it counts a * muscle below 3 at grade 3 or more",
        "T12",
        _d_untagged_counting_hidden_strength,
    ),
    Divergence(
        "NLI or motor level resting on a sensory NT* is tagged",
        "T11",
        _level_resting_on_nt_not_normal,
    ),
    Divergence(
        "C/D untagged where they hold whether or not a 0** muscle counts",
        "T10",
        _grade_untagged_beside_zero_consider_normal,
    ),
    Divergence(
        "C/D carry the tag of a sensory incompleteness resting on a tag",
        "T9",
        _grade_carries_sacral_tag,
    ),
    Divergence(
        "sensory ZPP at a 0** dermatome is tagged",
        "T8",
        _sensory_zpp_at_zero_consider_normal,
    ),
    Divergence(
        "motor ZPP: also the complete reading of a tagged S4-5 sensation",
        "A16",
        _motor_zpp_of_the_complete_reading,
    ),
    Divergence(
        "motor ZPP: a counted non-key muscle below a key muscle with function",
        "A15",
        _motor_zpp_non_key_muscle_below_key_muscle,
    ),
)
"""Every adjudicated class."""


def explained_by(exam: Exam, field: str, ours: str, reference: str) -> Divergence | None:
    """The adjudicated class that explains this field difference, or ``None``."""
    for divergence in DIVERGENCES:
        if divergence.applies(exam, field, ours, reference):
            return divergence
    return None
