"""Use cases: record functional measures at a visit, each kind validated against its
scale (:mod:`~regencord.services.measure_inputs`: WISCI II, SCIM III, 10-metre and
6-minute walk tests, custom measures), and read them.

Dating, the visit, replacing and the data-quality checks follow
:mod:`~regencord.services.recording`: a visit holds one measure of each kind (custom: of
each name, ignoring case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from regencord.services.followup import (
    find_participant,
    find_scheduled,
    followup_unit,
    visit_for_data,
)
from regencord.services.measure_inputs import INPUTS, SHORT_NAMES, columns_of, kind_of
from regencord.services.measure_inputs import KIND_NAMES as KIND_NAMES
from regencord.services.measure_inputs import UNITS as UNITS
from regencord.services.measure_inputs import CustomInput as CustomInput
from regencord.services.measure_inputs import ScimInput as ScimInput
from regencord.services.measure_inputs import SixMinuteWalkInput as SixMinuteWalkInput
from regencord.services.measure_inputs import TenMetreWalkInput as TenMetreWalkInput
from regencord.services.measure_inputs import WisciInput as WisciInput
from regencord.services.recording import (
    AtVisitView,
    at_visits,
    data_date,
    header_of,
    live_at_visit,
    replace_stored,
    save,
)
from regencord.services.scim import SCIM_ITEMS as SCIM_ITEMS
from regencord.services.scim import load_scim_file as load_scim_file
from regencord.services.scim import scim_scores as scim_scores
from regencord.services.unit import read_unit
from regencord.services.validation import raise_problems, reason_given, validated
from regencord.store.db import Database
from regencord.store.models import FunctionalMeasure, MeasureKind


@dataclass(frozen=True, kw_only=True)
class MeasureView(AtVisitView):
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


def _summary(m: FunctionalMeasure, replaced: tuple[int, ...] = ()) -> MeasureView:
    return MeasureView(
        **header_of(m, replaced),
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
    )


def _same_kind(m: FunctionalMeasure, kind: MeasureKind, name: str | None) -> bool:
    """Whether ``m`` is a measure of ``kind`` (custom: of the same name, ignoring case)."""
    if m.kind is not kind:
        return False
    return kind is not MeasureKind.CUSTOM or (m.name or "").lower() == (name or "").lower()


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
) -> MeasureView:
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
        value = validated(INPUTS[measure], data, label)
        columns = columns_of(measure, value, label)
        when, problems = data_date(
            session, participant, scheduled, label, "measure_date", measure_date
        )
        raise_problems(problems)
        assert when is not None
        record_visit = visit_for_data(session, participant, scheduled, when, reason)
        name = columns.get("name")
        stored = [
            m
            for m in live_at_visit(session, FunctionalMeasure, record_visit)
            if _same_kind(m, measure, name)
        ]
        what = f"a {name} measure" if measure is MeasureKind.CUSTOM else f"a {SHORT_NAMES[measure]}"
        replaced = replace_stored(
            stored,
            label=label,
            what="measure",
            field="kind",
            value=measure.value,
            held=f"the visit already has {what} (measure {', '.join(str(m.id) for m in stored)})",
            replace=replace,
            reason=reason,
        )
        record = FunctionalMeasure(visit=record_visit, kind=measure, measure_date=when, **columns)
        return _summary(save(session, participant, record), replaced)


def list_measures(
    db: Database, *, user: str, trial_code: str, study_id: str, visit: str | None = None
) -> list[MeasureView]:
    """A participant's measures in schedule order (then by id), or one visit's."""
    with read_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = None if visit is None else find_scheduled(session, participant.trial, visit)
        found = at_visits(session, FunctionalMeasure, participant, scheduled)
        return [_summary(m) for m in found]
