"""Use cases: read lists for the API and the pages, scoped to what the actor may see,
a page at a time.

Pages are keyset pages in record order: ``after`` is the cursor a previous page gave
(``next``), ``None`` for the first page; ``next`` is ``None`` on the last page. A trial
with none of a site-scoped actor's sites is reported as not existing
(:func:`regencord.services.access.ensure_visible`'s rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from regencord.services.access import Action, Actor, require, scoped
from regencord.services.errors import NotFound, invalid
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.store.db import Database
from regencord.store.models import Participant, Site, Trial

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None
    """The cursor of the next page, ``None`` on the last."""


@dataclass(frozen=True)
class SiteItem:
    code: str
    name: str


@dataclass(frozen=True)
class TrialEntry:
    code: str
    title: str
    phase: str | None
    registry_id: str | None
    sponsor: str | None
    synthetic: bool
    sites: list[SiteItem]
    """The sites the actor sees."""
    version: int


@dataclass(frozen=True)
class ParticipantEntry:
    study_id: str
    site: str
    status: str
    sex: str
    age_at_injury: int
    injury_date: date
    consent_date: date | None
    version: int


def _cursor(after: str | None) -> int:
    if after is None:
        return 0
    if not after.isdigit() or len(after) > 18:
        raise invalid("page", "cursor", after, "is not a cursor this list gave")
    return int(after)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid("page", "limit", limit, f"must be 1 to {MAX_LIMIT}")
    return limit


def list_trials(
    db: Database, actor: Actor, *, limit: int = DEFAULT_LIMIT, after: str | None = None
) -> Page[TrialEntry]:
    """The trials the actor sees (those with one of their sites, or every trial)."""
    require(actor, Action.READ_TRIALS)
    size, start = _limit(limit), _cursor(after)
    with read_unit(db, user=actor.username) as session:
        query = select(Trial).where(Trial.deleted_at.is_(None), Trial.id > start)
        if not actor.all_sites:
            query = query.where(Trial.id.in_(scoped(select(Site.trial_id), Site.id, actor)))
        query = query.order_by(Trial.id).limit(size + 1).options(selectinload(Trial.sites))
        trials = list(session.scalars(query))
        items = [_trial_entry(t, actor) for t in trials[:size]]
        return Page(items, str(trials[size - 1].id) if len(trials) > size else None)


def _trial_entry(trial: Trial, actor: Actor) -> TrialEntry:
    sites = [
        SiteItem(s.code, s.name) for s in trial.sites if s.deleted_at is None and actor.sees(s.id)
    ]
    return TrialEntry(
        code=trial.code,
        title=trial.title,
        phase=trial.phase,
        registry_id=trial.registry_id,
        sponsor=trial.sponsor,
        synthetic=trial.synthetic,
        sites=sites,
        version=trial.version,
    )


def visible_trial(session: Session, actor: Actor, code: str) -> Trial:
    """Trial ``code``, if the actor sees one of its sites (else as if it did not exist)."""
    trial = find_trial(session, code)
    if not actor.all_sites and not any(actor.sees(s.id) for s in trial.sites):
        raise NotFound(f"trial {code!r} does not exist")
    return trial


def list_participants(
    db: Database,
    actor: Actor,
    trial_code: str,
    *,
    limit: int = DEFAULT_LIMIT,
    after: str | None = None,
) -> Page[ParticipantEntry]:
    """The participants of a trial at the sites the actor sees, in enrolment order."""
    require(actor, Action.READ_RECORDS)
    size, start = _limit(limit), _cursor(after)
    with read_unit(db, user=actor.username) as session:
        trial = visible_trial(session, actor, trial_code)
        query = select(Participant).where(
            Participant.trial_id == trial.id,
            Participant.deleted_at.is_(None),
            Participant.id > start,
        )
        query = scoped(query, Participant.site_id, actor)
        query = query.order_by(Participant.id).limit(size + 1)
        rows = list(session.scalars(query.options(selectinload(Participant.site))))
        items = [
            ParticipantEntry(
                study_id=p.study_id,
                site=p.site.code,
                status=p.status.value,
                sex=p.sex.value,
                age_at_injury=p.age_at_injury,
                injury_date=p.injury_date,
                consent_date=p.consent_date,
                version=p.version,
            )
            for p in rows[:size]
        ]
        return Page(items, str(rows[size - 1].id) if len(rows) > size else None)
