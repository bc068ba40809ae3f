"""Use cases: set up a trial, its sites and its visit schedule."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regencord.services.errors import NotFound, ReasonNeeded, invalid, invalid_file
from regencord.services.unit import read_unit, unit_of_work
from regencord.services.validation import InputModel, reason_given, validated
from regencord.store.db import Database
from regencord.store.models import Anchor, ScheduledVisit, Site, Trial
from regencord.store.models.base import utcnow

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class TrialInput(InputModel):
    code: Code
    title: Annotated[str, Field(min_length=1, max_length=300)]
    phase: Annotated[str | None, Field(max_length=20)] = None
    registry_id: Annotated[str | None, Field(max_length=60)] = None
    sponsor: Annotated[str | None, Field(max_length=200)] = None
    synthetic: bool = False
    """Generated demonstration data (the demo trial), labelled as such everywhere."""


class SiteInput(InputModel):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]


class VisitInput(InputModel):
    """One visit of a schedule file: ``{name, anchor, day, window_before, window_after}``."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    anchor: Anchor
    day: int
    window_before: Annotated[int, Field(ge=0)] = 0
    window_after: Annotated[int, Field(ge=0)] = 0
    exam: bool = True


class ScheduleInput(InputModel):
    visits: Annotated[list[VisitInput], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_names(self) -> ScheduleInput:
        names = [v.name for v in self.visits]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"visit names must be unique; repeated: {', '.join(duplicates)}")
        return self


@dataclass(frozen=True)
class TrialView:
    code: str
    title: str
    phase: str | None
    registry_id: str | None
    sponsor: str | None
    synthetic: bool
    sites: tuple[tuple[str, str], ...]
    schedule: tuple[VisitInput, ...]


def _summary(trial: Trial) -> TrialView:
    return TrialView(
        code=trial.code,
        title=trial.title,
        phase=trial.phase,
        registry_id=trial.registry_id,
        sponsor=trial.sponsor,
        synthetic=trial.synthetic,
        sites=tuple((s.code, s.name) for s in trial.sites if not s.deleted),
        schedule=tuple(
            VisitInput(
                name=v.name,
                anchor=v.anchor,
                day=v.target_day,
                window_before=v.window_before,
                window_after=v.window_after,
                exam=v.exam_required,
            )
            for v in trial.schedule
            if not v.deleted
        ),
    )


def find_trial(session: Session, code: str) -> Trial:
    trial = session.scalar(select(Trial).where(Trial.code == code, Trial.deleted_at.is_(None)))
    if trial is None:
        raise NotFound(f"trial {code!r} does not exist")
    return trial


def create_trial(db: Database, *, user: str, data: dict[str, Any] | TrialInput) -> TrialView:
    """Register a new trial."""
    label = data.get("code", "(new)") if isinstance(data, dict) else data.code
    value = validated(TrialInput, data, f"trial {label}")
    with unit_of_work(db, user=user) as session:
        if session.scalar(select(Trial.id).where(Trial.code == value.code)) is not None:
            raise invalid(f"trial {value.code}", "code", value.code, "is already used by a trial")
        trial = Trial(**value.model_dump())
        session.add(trial)
        session.flush()
        return _summary(trial)


def add_site(
    db: Database, *, user: str, trial_code: str, data: dict[str, Any] | SiteInput
) -> TrialView:
    """Add a site (centre) to a trial."""
    value = validated(SiteInput, data, f"site of trial {trial_code}")
    with unit_of_work(db, user=user) as session:
        trial = find_trial(session, trial_code)
        if any(s.code == value.code for s in trial.sites):
            raise invalid(
                f"site {value.code}", "code", value.code, f"is already a site of {trial_code}"
            )
        session.add(Site(trial=trial, **value.model_dump()))
        session.flush()
        session.refresh(trial)
        return _summary(trial)


def read_schedule_file(path: Path) -> dict[str, Any]:
    """A schedule from a YAML or JSON file (``visits: [{name, anchor, day, ...}]``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise invalid_file(f"schedule file {path}", f"cannot be read: {error}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0]
        raise invalid_file(f"schedule file {path}", f"is not valid: {first}") from None
    if not isinstance(data, dict):
        raise invalid_file(f"schedule file {path}", "is not a mapping with 'visits'")
    return data


def set_schedule(
    db: Database,
    *,
    user: str,
    trial_code: str,
    schedule: dict[str, Any] | ScheduleInput,
    reason: str | None = None,
) -> TrialView:
    """Set the trial's visit schedule. Changing an existing schedule needs a reason; visits
    no longer in the schedule are soft-deleted."""
    value = validated(ScheduleInput, schedule, f"schedule of trial {trial_code}")
    reason = reason_given(reason, f"trial {trial_code}")
    with unit_of_work(db, user=user, reason=reason) as session:
        trial = find_trial(session, trial_code)
        existing = {v.name: v for v in trial.schedule if not v.deleted}
        removed = {v.name: v for v in trial.schedule if v.deleted}
        if existing and not reason:
            raise ReasonNeeded(f"trial {trial_code} has a schedule; changing it needs a reason")
        for order, visit in enumerate(value.visits):
            fields = {
                "order": order,
                "anchor": visit.anchor,
                "target_day": visit.day,
                "window_before": visit.window_before,
                "window_after": visit.window_after,
                "exam_required": visit.exam,
            }
            current = existing.pop(visit.name, None)
            if current is None and visit.name in removed:
                current = removed[visit.name]  # a visit removed earlier comes back
                current.deleted_at, current.deleted_reason = None, None
            if current is None:
                session.add(ScheduledVisit(trial=trial, name=visit.name, **fields))
            else:
                for key, new in fields.items():
                    setattr(current, key, new)
        for gone in existing.values():
            gone.deleted_reason = reason
            gone.deleted_at = utcnow()
        try:
            session.flush()
        except IntegrityError as error:
            raise invalid(
                f"schedule of trial {trial_code}", "visits", None, f"is inconsistent: {error.orig}"
            ) from None
        session.refresh(trial)
        return _summary(trial)


def show_trial(db: Database, code: str, *, user: str) -> TrialView:
    with read_unit(db, user=user) as session:
        return _summary(find_trial(session, code))
