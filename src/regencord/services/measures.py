"""Use cases: record functional measures at a visit, each kind validated against its
scale: WISCI II (level 0-20), SCIM III (19 items, each scored on its own scale; subscales
self-care 0-20, respiration and sphincter management 0-40, mobility 0-40; total 0-100),
10-metre walk (seconds, walking aid), 6-minute walk (metres), and custom measures (name,
value, unit)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, ReasonNeeded, invalid, invalid_file
from regencord.services.followup import (
    NO_VISIT_DATE,
    date_problems,
    find_participant,
    find_scheduled,
    find_visit,
    followup_unit,
    parse_date,
    raise_problems,
    visit_for_data,
)
from regencord.services.quality import run_checks_for
from regencord.services.validation import reason_given, validated
from regencord.store.db import Database
from regencord.store.models import FunctionalMeasure, MeasureKind
from regencord.store.models.base import utcnow

KIND_NAMES: Mapping[str, MeasureKind] = {
    "wisci": MeasureKind.WISCI,
    "scim": MeasureKind.SCIM,
    "10mwt": MeasureKind.TEN_METRE_WALK,
    "ten_metre_walk": MeasureKind.TEN_METRE_WALK,
    "6mwt": MeasureKind.SIX_MINUTE_WALK,
    "six_minute_walk": MeasureKind.SIX_MINUTE_WALK,
    "custom": MeasureKind.CUSTOM,
}
"""Names a kind may be given by (``--kind``)."""

SHORT_NAMES: Mapping[MeasureKind, str] = {
    MeasureKind.WISCI: "WISCI",
    MeasureKind.SCIM: "SCIM",
    MeasureKind.TEN_METRE_WALK: "10MWT",
    MeasureKind.SIX_MINUTE_WALK: "6MWT",
    MeasureKind.CUSTOM: "custom",
}

UNITS: Mapping[MeasureKind, str] = {
    MeasureKind.WISCI: "level",
    MeasureKind.SCIM: "points",
    MeasureKind.TEN_METRE_WALK: "s",
    MeasureKind.SIX_MINUTE_WALK: "m",
}


# --------------------------------------------------------------------------- SCIM III

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


# --------------------------------------------------------------------------- inputs


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WisciInput(_Input):
    value: Annotated[int, Field(ge=0, le=20, description="WISCI II level")]


class ScimInput(_Input):
    items: dict[str, Any]


class TenMetreWalkInput(_Input):
    seconds: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)]
    aid: Annotated[str | None, Field(max_length=100)] = None


class SixMinuteWalkInput(_Input):
    metres: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class CustomInput(_Input):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    value: Annotated[float, Field(allow_inf_nan=False)]
    unit: Annotated[str | None, Field(max_length=20)] = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if name.lower() in KIND_NAMES:
            raise ValueError(f"is a built-in kind; use --kind {name.lower()}")
        return name


_INPUTS: dict[MeasureKind, type[_Input]] = {
    MeasureKind.WISCI: WisciInput,
    MeasureKind.SCIM: ScimInput,
    MeasureKind.TEN_METRE_WALK: TenMetreWalkInput,
    MeasureKind.SIX_MINUTE_WALK: SixMinuteWalkInput,
    MeasureKind.CUSTOM: CustomInput,
}


def kind_of(kind: str | MeasureKind, record: str = "measure") -> MeasureKind:
    if isinstance(kind, MeasureKind):
        return kind
    found = KIND_NAMES.get(kind.strip().lower())
    if found is None:
        names = ", ".join(n for n in KIND_NAMES if not n.startswith(("ten_", "six_")))
        raise invalid(record, "kind", kind, f"is not a kind of measure ({names})")
    return found


def _columns(kind: MeasureKind, value: _Input, record: str) -> dict[str, Any]:
    """The measure's columns from its validated input."""
    if isinstance(value, WisciInput):
        return {"value": float(value.value), "unit": UNITS[kind]}
    if isinstance(value, ScimInput):
        scim = scim_scores(value.items, record)
        return {
            "value": float(scim.total),
            "unit": UNITS[kind],
            "scim_items": dict(scim.items),
            "scim_self_care": scim.self_care,
            "scim_respiration_sphincter": scim.respiration_sphincter,
            "scim_mobility": scim.mobility,
            "scim_total": scim.total,
        }
    if isinstance(value, TenMetreWalkInput):
        return {"value": value.seconds, "unit": UNITS[kind], "aid": value.aid or None}
    if isinstance(value, SixMinuteWalkInput):
        return {"value": value.metres, "unit": UNITS[kind]}
    assert isinstance(value, CustomInput)
    return {"name": value.name, "value": value.value, "unit": value.unit or None}


# --------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class MeasureSummary:
    id: int
    version: int
    trial: str
    participant: str
    visit: str
    kind: MeasureKind
    measure_date: date
    name: str | None
    value: float
    unit: str | None
    aid: str | None
    scim_items: Mapping[str, int] | None
    scim_self_care: int | None
    scim_respiration_sphincter: int | None
    scim_mobility: int | None
    scim_total: int | None
    replaced: tuple[int, ...] = ()
    locked: bool = False

    @property
    def label(self) -> str:
        """``WISCI``, ``10MWT``, or a custom measure's name."""
        return (
            self.name if self.kind is MeasureKind.CUSTOM and self.name else SHORT_NAMES[self.kind]
        )

    @property
    def display(self) -> str:
        """The value as it reads: ``WISCI 9``, ``10MWT 35 s (walker)``, ``grip 12 kg``."""
        number = f"{self.value:g}"
        text = f"{self.label} {number}" + (f" {self.unit}" if self.unit else "")
        if self.kind is MeasureKind.SCIM:
            text = (
                f"SCIM {self.scim_total} (self-care {self.scim_self_care}, respiration and "
                f"sphincter {self.scim_respiration_sphincter}, mobility {self.scim_mobility})"
            )
        elif self.kind is MeasureKind.WISCI:
            text = f"WISCI {number}"
        if self.kind is MeasureKind.TEN_METRE_WALK:
            text += f" ({self.aid or 'no aid recorded'})"
        return text


def _summary(m: FunctionalMeasure, replaced: tuple[int, ...] = ()) -> MeasureSummary:
    participant = m.visit.participant
    return MeasureSummary(
        id=m.id,
        version=m.version,
        trial=participant.trial.code,
        participant=participant.study_id,
        visit=m.visit.scheduled.name,
        kind=m.kind,
        measure_date=m.measure_date,
        name=m.name,
        value=m.value,
        unit=m.unit,
        aid=m.aid,
        scim_items=m.scim_items,
        scim_self_care=m.scim_self_care,
        scim_respiration_sphincter=m.scim_respiration_sphincter,
        scim_mobility=m.scim_mobility,
        scim_total=m.scim_total,
        replaced=replaced,
        locked=m.visit.locked,
    )


def add_measure(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    kind: str | MeasureKind,
    data: Mapping[str, Any],
    measure_date: date | str | None = None,
    replace: bool = False,
    reason: str | None = None,
) -> MeasureSummary:
    """Record a measure taken at a visit. ``data`` holds the kind's values: ``value``
    (WISCI), ``items`` (SCIM), ``seconds`` and ``aid`` (10MWT), ``metres`` (6MWT), or
    ``name``, ``value``, ``unit`` (custom).

    The date defaults to the visit's; a visit not yet recorded is recorded as done on it.
    A visit holds one measure of each kind (custom: of each name); ``replace`` (with a
    ``reason``) soft-deletes the one stored before.
    """
    reason = reason_given(reason, "measure")
    with followup_unit(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        measure = kind_of(kind, f"measure of {participant.study_id} at {scheduled.name}")
        label = f"{SHORT_NAMES[measure]} of {participant.study_id} at {scheduled.name}"
        value = validated(_INPUTS[measure], data, label)
        columns = _columns(measure, value, label)
        problems: list[FieldProblem] = []
        when: date | None
        if measure_date is not None:
            when = parse_date(label, "measure_date", measure_date)
        else:
            current = find_visit(session, participant, scheduled)
            when = current.actual_date if current is not None else None
            if when is None:
                problems.append(
                    FieldProblem(
                        label,
                        "measure_date",
                        None,
                        NO_VISIT_DATE,
                    )
                )
        if when is not None:
            problems += date_problems(label, "measure_date", when, participant)
        raise_problems(problems)
        assert when is not None
        record_visit = visit_for_data(session, participant, scheduled, when)
        replaced: tuple[int, ...] = ()
        if record_visit.id is not None:
            replaced = _replace(
                session, record_visit.id, measure, columns.get("name"), label, replace, reason
            )
        record = FunctionalMeasure(visit=record_visit, kind=measure, measure_date=when, **columns)
        session.add(record)
        session.flush()
        run_checks_for(session, participant)
        return _summary(record, replaced)


def _replace(
    session: Session,
    visit_id: int,
    kind: MeasureKind,
    name: str | None,
    label: str,
    replace: bool,
    reason: str | None,
) -> tuple[int, ...]:
    query = select(FunctionalMeasure).where(
        FunctionalMeasure.visit_id == visit_id,
        FunctionalMeasure.kind == kind,
        FunctionalMeasure.deleted_at.is_(None),
    )
    stored = [
        m
        for m in session.scalars(query)
        if kind is not MeasureKind.CUSTOM or ((m.name or "").lower() == (name or "").lower())
    ]
    if not stored:
        return ()
    ids = ", ".join(str(m.id) for m in stored)
    if not replace:
        what = f"a {name} measure" if kind is MeasureKind.CUSTOM else f"a {SHORT_NAMES[kind]}"
        raise invalid(
            label,
            "kind",
            kind.value,
            f"the visit already has {what} (measure {ids}); to replace it, pass --replace "
            "with a --reason",
        )
    if not reason:
        raise ReasonNeeded(f"{label}: replacing measure {ids} needs a reason (--reason)")
    for old in stored:
        old.deleted_at, old.deleted_reason = utcnow(), reason
    return tuple(m.id for m in stored)


def list_measures(
    db: Database, *, trial_code: str, study_id: str, visit: str | None = None
) -> list[MeasureSummary]:
    """A participant's measures in schedule order (then by kind and id), or one visit's."""
    with followup_unit(db, user="(read)") as session:
        participant = find_participant(session, trial_code, study_id)
        wanted = [v for v in participant.trial.schedule if not v.deleted]
        if visit is not None:
            wanted = [find_scheduled(session, participant.trial, visit)]
        out: list[MeasureSummary] = []
        for scheduled in wanted:
            record = find_visit(session, participant, scheduled)
            if record is None:
                continue
            query = (
                select(FunctionalMeasure)
                .where(
                    FunctionalMeasure.visit_id == record.id,
                    FunctionalMeasure.deleted_at.is_(None),
                )
                .order_by(FunctionalMeasure.id)
            )
            out += [_summary(m) for m in session.scalars(query)]
        return out
