"""The reasons an examiner gives for cells tagged as non-SCI impairment (``*``, ``**``).

Rules: a reason belongs to a cell tagged ``*`` or ``**`` (by its path,
``right.motor.C5``); the reason is one of
:class:`~regencord.store.models.exam.ImpairmentReason`; a description (``other``, at most
:data:`OTHER_TEXT_MAX` characters) is given only with reason ``other``, where it may also
be left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regencord.isncsci import Exam
from regencord.isncsci.cells import Tag
from regencord.services.errors import FieldProblem
from regencord.store.models.exam import ImpairmentReason

OTHER_TEXT_MAX = 200
"""Longest description of an impairment of reason ``other``."""


def tagged_cells(exam: Exam) -> list[str]:
    """The paths (``right.motor.C5``) of the cells tagged as non-SCI impairment."""
    out = []
    for name, side in (("right", exam.right), ("left", exam.left)):
        for grid, cells in (
            ("motor", side.motor),
            ("lightTouch", side.light_touch),
            ("pinPrick", side.pin_prick),
        ):
            out += [f"{name}.{grid}.{lv.name}" for lv, c in cells.items() if c.tag is not Tag.NONE]
    return out


def normalised_impairments(
    label: str, exam: Exam, impairments: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[str, str | None]], list[FieldProblem]]:
    """The impairment reasons to store, and the problems of ``impairments``.

    Rules: a reason belongs to a cell tagged ``*`` or ``**`` (by its path,
    ``right.motor.C5``); the reason is one of :class:`ImpairmentReason`; a description
    (``other``, at most :data:`OTHER_TEXT_MAX` characters) is given only with reason
    ``other``, where it may also be left out."""
    tagged = set(tagged_cells(exam))
    out: dict[str, dict[str, str | None]] = {}
    problems: list[FieldProblem] = []
    for path, given in impairments.items():
        where = f"impairments.{path}"
        if path not in tagged:
            problems.append(
                FieldProblem(label, where, None, "is given for a cell not tagged * or **")
            )
            continue
        reason = given.get("reason")
        other = given.get("other")
        other = other.strip() or None if isinstance(other, str) else other
        try:
            parsed = ImpairmentReason(str(reason))
        except ValueError:
            allowed = ", ".join(r.value for r in ImpairmentReason)
            problems.append(FieldProblem(label, f"{where}.reason", reason, f"is not {allowed}"))
            continue
        if other is not None and not isinstance(other, str):
            problems.append(FieldProblem(label, f"{where}.other", other, "is not text"))
        elif other is not None and parsed is not ImpairmentReason.OTHER:
            problems.append(
                FieldProblem(label, f"{where}.other", other, "is given but the reason is not other")
            )
        elif other is not None and len(other) > OTHER_TEXT_MAX:
            problems.append(
                FieldProblem(label, f"{where}.other", other, f"is longer than {OTHER_TEXT_MAX}")
            )
        else:
            out[path] = {"reason": parsed.value, "other": other}
    return dict(sorted(out.items())), problems
