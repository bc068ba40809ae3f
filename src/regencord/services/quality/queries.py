"""The data queries the rules open: listing, showing, answering and closing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import NotFound, invalid
from regencord.services.quality.rules import RULES
from regencord.services.quality.runs import rule_views
from regencord.services.trials import find_trial
from regencord.services.unit import check_version, read_unit, unit_of_work
from regencord.services.validation import choice
from regencord.store.db import Database
from regencord.store.models import (
    Participant,
    Query,
    QueryState,
    QueryStep,
    Site,
    Trial,
)

# --- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryStepView:
    user: str
    at: datetime
    text: str
    state: QueryState


@dataclass(frozen=True)
class QueryView:
    id: int
    version: int
    trial: str
    site: str
    participant: str
    table: str
    record_id: int
    check: str
    message: str
    state: QueryState
    opened_at: datetime
    steps: tuple[QueryStepView, ...]
    passing: bool = False
    """An open or answered query whose check now passes on the record (e.g. the missing
    exam was recorded since): left for a person to close (:func:`close_passing_queries`)."""


def _query_view(q: Query, passing: bool = False) -> QueryView:
    return QueryView(
        id=q.id,
        version=q.version,
        trial=q.trial.code,
        site=q.participant.site.code,
        participant=q.participant.study_id,
        table=q.table_name,
        record_id=q.record_id,
        check=q.check_code,
        message=q.message,
        state=q.state,
        opened_at=q.created_at,
        steps=tuple(
            QueryStepView(s.user_name, s.at, s.text, s.state) for s in q.steps if not s.deleted
        ),
        passing=passing,
    )


def _failing(session: Session, participant: Participant) -> set[tuple[str, str, int]]:
    """What the trial's enabled checks find wrong with ``participant`` now, as (check,
    table, record id); nothing is written."""
    found: set[tuple[str, str, int]] = set()
    for view in rule_views(session, participant.trial):
        if view.enabled:
            for finding in RULES[view.code].run(session, participant, view.parameters):
                found.add((view.code, finding.table, finding.record_id))
    return found


def _passing(session: Session, queries: list[Query]) -> set[int]:
    """The ids of the open or answered ``queries`` whose check, still enabled, now passes
    (as :func:`run_checks_for` counts them)."""
    failing: dict[int, set[tuple[str, str, int]]] = {}
    enabled: dict[int, set[str]] = {}
    passing: set[int] = set()
    for q in queries:
        if q.state is QueryState.CLOSED:
            continue
        if q.trial_id not in enabled:
            enabled[q.trial_id] = {v.code for v in rule_views(session, q.trial) if v.enabled}
        if q.check_code not in enabled[q.trial_id]:
            continue
        if q.participant_id not in failing:
            failing[q.participant_id] = _failing(session, q.participant)
        if (q.check_code, q.table_name, q.record_id) not in failing[q.participant_id]:
            passing.add(q.id)
    return passing


def state_of(text: str | QueryState) -> QueryState:
    return choice(QueryState, text, record="queries", field="state", what="query state")


def list_queries(
    db: Database,
    *,
    user: str,
    trial_code: str | None = None,
    site: str | None = None,
    state: str | QueryState | None = None,
) -> list[QueryView]:
    """Queries by trial, site, state and id."""
    wanted = state_of(state) if state is not None else None
    with read_unit(db, user=user) as session:
        query = (
            select(Query)
            .join(Participant, Query.participant_id == Participant.id)
            .join(Site, Participant.site_id == Site.id)
            .join(Trial, Query.trial_id == Trial.id)
            .where(Query.deleted_at.is_(None))
        )
        if trial_code is not None:
            query = query.where(Query.trial_id == find_trial(session, trial_code).id)
        if site is not None:
            query = query.where(Site.code == site)
        if wanted is not None:
            query = query.where(Query.state == wanted)
        query = query.order_by(Trial.code, Site.code, Query.state, Query.id)
        found = list(session.scalars(query))
        passing = _passing(session, found)
        return [_query_view(q, q.id in passing) for q in found]


def show_query(db: Database, query_id: int, *, user: str) -> QueryView:
    with read_unit(db, user=user) as session:
        q = _find_query(session, query_id)
        return _query_view(q, q.id in _passing(session, [q]))


def _find_query(session: Session, query_id: int) -> Query:
    q = session.get(Query, query_id)
    if q is None or q.deleted:
        raise NotFound(f"query {query_id} does not exist")
    return q


def _step(
    db: Database,
    user: str,
    query_id: int,
    text: str,
    to: QueryState,
    allowed: tuple[QueryState, ...],
    expected_version: int | None,
) -> QueryView:
    text = (text or "").strip()
    record = f"query {query_id}"
    if not text:
        raise invalid(record, "text", text, "is required")
    with unit_of_work(db, user=user, reason=text) as session:
        q = _find_query(session, query_id)
        check_version(record, q.version, expected_version)
        if q.state not in allowed:
            raise invalid(record, "state", q.state.value, f"cannot become {to.value}")
        q.state = to
        q.steps.append(QueryStep(user_name=user, text=text, state=to))
        session.flush()
        return _query_view(q)


def answer_query(
    db: Database, *, user: str, query_id: int, text: str, expected_version: int | None = None
) -> QueryView:
    """Answer an open (or already answered) query: the site explains or has corrected."""
    allowed = (QueryState.OPEN, QueryState.ANSWERED)
    return _step(db, user, query_id, text, QueryState.ANSWERED, allowed, expected_version)


def close_query(
    db: Database, *, user: str, query_id: int, text: str, expected_version: int | None = None
) -> QueryView:
    """Close an open or answered query, with a note; a closed query takes no more steps."""
    allowed = (QueryState.OPEN, QueryState.ANSWERED)
    return _step(db, user, query_id, text, QueryState.CLOSED, allowed, expected_version)


def close_passing_queries(
    db: Database, *, user: str, text: str, trial_code: str | None = None
) -> list[QueryView]:
    """Close, in one transaction and with the note ``text`` (the audit trail's reason),
    every open or answered query (of one trial, or all) whose check now passes."""
    note = (text or "").strip()
    if not note:
        raise invalid("queries", "reason", text, "is required")
    with unit_of_work(db, user=user, reason=note) as session:
        query = select(Query).where(Query.deleted_at.is_(None), Query.state != QueryState.CLOSED)
        if trial_code is not None:
            query = query.where(Query.trial_id == find_trial(session, trial_code).id)
        found = list(session.scalars(query.order_by(Query.id)))
        passing = _passing(session, found)
        closed = [q for q in found if q.id in passing]
        for q in closed:
            q.state = QueryState.CLOSED
            q.steps.append(QueryStep(user_name=user, text=note, state=QueryState.CLOSED))
        session.flush()
        return [_query_view(q) for q in closed]
