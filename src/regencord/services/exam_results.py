"""A stored exam's results: the named results of its classification and the summary
columns kept beside it for queries.

Rules: a result is read from the stored classification (Praxis shape) by its path, as in
the result CSV files of ``regencord classify``; a missing result reads as ``""``; a score
column holds a number only when the result is a plain number (an NT range stays out), and
the motor total only when both sides have one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regencord.isncsci.io import RESULT_COLUMNS

RESULT_FIELDS: tuple[str, ...] = tuple(name for name, _ in RESULT_COLUMNS)
"""The classification results by name (``ais``, ``nli``, ``right_motor_zpp``, ``uems`` …),
as in the result CSV files of ``regencord classify``."""


def lookup(data: object, path: str) -> object:
    """The value at a dotted ``path`` (``right.motor.C5``) of nested mappings, or ``None``."""
    value = data
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def results_of(classification: Mapping[str, Any]) -> dict[str, str]:
    """The named results of a stored classification (missing ones as ``""``)."""
    out = {}
    for name, path in RESULT_COLUMNS:
        value = lookup(classification, ".".join(path))
        out[name] = "" if value is None else str(value)
    return out


def _score(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def summary_columns(classification: Mapping[str, Any]) -> dict[str, Any]:
    """The summary columns of :class:`~regencord.store.models.ExamRecord` from a
    classification."""
    r = results_of(classification)
    right, left = _score(r["right_motor_total"]), _score(r["left_motor_total"])
    return {
        "ais": r["ais"],
        "nli": r["nli"],
        "injury_complete": r["injury_complete"],
        "uems": _score(r["uems"]),
        "lems": _score(r["lems"]),
        "right_motor": right,
        "left_motor": left,
        "motor_total": None if right is None or left is None else right + left,
        "light_touch": _score(r["light_touch"]),
        "pin_prick": _score(r["pin_prick"]),
    }
