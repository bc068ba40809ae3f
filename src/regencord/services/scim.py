"""SCIM III (Catz et al. 2007): its 19 items, the scores each allows, and the subscale
and total scores.

Rules: every item is scored once, by key (``feeding``) or form number (``1``, ``2A``),
with one of the scores the item allows; subscales are self-care 0-20, respiration and
sphincter management 0-40, mobility 0-40; the total (0-100) is their sum.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regencord.services.errors import FieldProblem, invalid_file
from regencord.services.validation import raise_problems

SELF_CARE = "self_care"
RESPIRATION_SPHINCTER = "respiration_sphincter"
MOBILITY = "mobility"


@dataclass(frozen=True)
class ScimItem:
    key: str
    number: str
    """The item's number on the SCIM III form (``1``, ``2A`` … ``17``)."""
    subscale: str
    scores: tuple[int, ...]
    """The scores the item allows."""


def _item(key: str, number: str, subscale: str, scores: tuple[int, ...] | range) -> ScimItem:
    return ScimItem(key, number, subscale, tuple(scores))


SCIM_ITEMS: tuple[ScimItem, ...] = (
    _item("feeding", "1", SELF_CARE, range(4)),
    _item("bathing_upper", "2A", SELF_CARE, range(4)),
    _item("bathing_lower", "2B", SELF_CARE, range(4)),
    _item("dressing_upper", "3A", SELF_CARE, range(5)),
    _item("dressing_lower", "3B", SELF_CARE, range(5)),
    _item("grooming", "4", SELF_CARE, range(4)),
    _item("respiration", "5", RESPIRATION_SPHINCTER, (0, 2, 4, 6, 8, 10)),
    _item("bladder", "6", RESPIRATION_SPHINCTER, (0, 3, 6, 9, 11, 13, 15)),
    _item("bowel", "7", RESPIRATION_SPHINCTER, (0, 5, 8, 10)),
    _item("toilet", "8", RESPIRATION_SPHINCTER, (0, 1, 2, 4, 5)),
    _item("bed_mobility", "9", MOBILITY, (0, 2, 4, 6)),
    _item("transfer_bed_wheelchair", "10", MOBILITY, range(3)),
    _item("transfer_wheelchair_toilet_tub", "11", MOBILITY, range(3)),
    _item("mobility_indoors", "12", MOBILITY, range(9)),
    _item("mobility_moderate_distances", "13", MOBILITY, range(9)),
    _item("mobility_outdoors", "14", MOBILITY, range(9)),
    _item("stairs", "15", MOBILITY, range(4)),
    _item("transfer_wheelchair_car", "16", MOBILITY, range(3)),
    _item("transfer_ground_wheelchair", "17", MOBILITY, range(2)),
)
"""The 19 items of SCIM III (Catz et al. 2007) with the scores each allows."""

SCIM_SUBSCALE_MAX: Mapping[str, int] = {SELF_CARE: 20, RESPIRATION_SPHINCTER: 40, MOBILITY: 40}

_SCIM_BY_NAME: dict[str, ScimItem] = {
    **{i.key: i for i in SCIM_ITEMS},
    **{i.number.lower(): i for i in SCIM_ITEMS},
}


@dataclass(frozen=True)
class ScimScores:
    items: Mapping[str, int]
    """Score of each item, by key, in form order."""
    self_care: int
    respiration_sphincter: int
    mobility: int

    @property
    def total(self) -> int:
        return self.self_care + self.respiration_sphincter + self.mobility


def scim_scores(items: Mapping[str, Any], record: str = "SCIM") -> ScimScores:
    """The 19 item scores, by key (``feeding``) or form number (``1``, ``2A``); every
    problem raised at once as :class:`InvalidInput`."""
    problems: list[FieldProblem] = []
    scores: dict[str, int] = {}
    named: set[str] = set()
    for name, raw in items.items():
        item = _SCIM_BY_NAME.get(str(name).strip().lower())
        if item is None:
            problems.append(FieldProblem(record, f"items.{name}", raw, "is not a SCIM III item"))
            continue
        if item.key in named:
            problems.append(FieldProblem(record, f"items.{name}", raw, f"repeats {item.key}"))
            continue
        named.add(item.key)
        score = _whole(raw)
        if score is None or score not in item.scores:
            allowed = ", ".join(str(s) for s in item.scores)
            problems.append(
                FieldProblem(record, f"items.{item.key}", raw, f"is not one of {allowed}")
            )
            continue
        scores[item.key] = score
    for item in SCIM_ITEMS:
        if item.key not in named:
            message = f"is missing (item {item.number})"
            problems.append(FieldProblem(record, f"items.{item.key}", None, message))
    raise_problems(problems)
    totals = {
        s: sum(scores[i.key] for i in SCIM_ITEMS if i.subscale == s) for s in SCIM_SUBSCALE_MAX
    }
    return ScimScores(
        items={i.key: scores[i.key] for i in SCIM_ITEMS},
        self_care=totals[SELF_CARE],
        respiration_sphincter=totals[RESPIRATION_SPHINCTER],
        mobility=totals[MOBILITY],
    )


def _whole(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def load_scim_file(path: Path) -> dict[str, Any]:
    """SCIM item scores from a JSON file: ``{"feeding": 3, …}`` or ``{"items": {…}}``."""
    record = f"SCIM file {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise invalid_file(record, f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise invalid_file(record, f"is not valid JSON: {error}") from None
    if isinstance(data, dict) and set(data) == {"items"}:
        data = data["items"]
    if not isinstance(data, dict):
        raise invalid_file(record, "does not hold an object of item scores")
    return data
