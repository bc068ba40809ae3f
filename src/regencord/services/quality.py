"""Use cases: data-quality checks and the queries they open.

A check looks at one participant's records and names each record it finds wrong. The
checks are built in (:data:`RULES`); each trial turns them on or off and sets their
parameters (``check_setting`` rows; without a row a check is on, with its defaults).
They run on demand for a whole trial (:func:`run_checks`) and after every save of an
exam, measure, visit, adverse event or transplant (:func:`run_checks_for`, called inside
that save's transaction).

A failed check opens a :class:`~regencord.store.models.Query` on the record, unless one
for the same record and check is still open or answered, or one was closed with the same
message (a human already accepted that finding). A check that passes again does not close
its query: a person closes it, with a note, so that every resolution is a human decision
in the audit trail; the run reports such queries as passing.

Not a built-in check: an adverse event without grade or relatedness. The store refuses
those (``ctcae_grade`` and the three relatedness columns are NOT NULL, grade 1-5), so the
check could never fire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services import followup, validation
from regencord.services.errors import NotFound, invalid
from regencord.services.product import decision_in_force
from regencord.services.trials import find_trial
from regencord.services.unit import check_version, read_unit, unit_of_work
from regencord.services.validation import choice, reason_given
from regencord.store.db import Database
from regencord.store.models import (
    CheckSetting,
    ExamRecord,
    FunctionalMeasure,
    LotDecision,
    MeasureKind,
    Participant,
    Query,
    QueryState,
    QueryStep,
    Site,
    Transplant,
    Trial,
    Visit,
)

# --- the checks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityIssue:
    """A record a data-quality rule found wrong, and why (a query is raised on it)."""

    table: str
    record_id: int
    message: str


RuleFunction = Callable[[Session, Participant, Mapping[str, int]], list[QualityIssue]]


@dataclass(frozen=True)
class QualityRule:
    """A data-quality check of the trial's record (not the engine's consistency checks):
    its code, title, default parameters, and the function that finds its issues."""

    code: str
    title: str
    defaults: Mapping[str, int]
    run: RuleFunction


def _live_exams(session: Session, participant: Participant) -> list[ExamRecord]:
    query = (
        select(ExamRecord)
        .join(Visit, ExamRecord.visit_id == Visit.id)
        .where(
            Visit.participant_id == participant.id,
            Visit.deleted_at.is_(None),
            ExamRecord.deleted_at.is_(None),
        )
        .order_by(ExamRecord.exam_date, ExamRecord.id)
    )
    return list(session.scalars(query))


def _exam_window(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """A visit with an exam on its schedule: no exam once its window has closed, or an exam
    dated outside the window. Missed visits (with their reason) are not queried."""
    out = []
    today = validation.today()
    for scheduled in participant.trial.schedule:
        if scheduled.deleted or not scheduled.exam_required:
            continue
        anchor = followup.anchor_date(session, participant, scheduled.anchor)
        if anchor is None:
            continue
        target = anchor + timedelta(days=scheduled.target_day)
        opens = target - timedelta(days=scheduled.window_before)
        closes = target + timedelta(days=scheduled.window_after)
        visit = followup.find_visit(session, participant, scheduled)
        if visit is not None and visit.missed:
            continue
        exams = []
        if visit is not None:
            exams = [
                e
                for e in session.scalars(
                    select(ExamRecord).where(
                        ExamRecord.visit_id == visit.id, ExamRecord.deleted_at.is_(None)
                    )
                )
            ]
        window = f"{opens.isoformat()} to {closes.isoformat()}"
        if not exams:
            if today > closes:
                table, record_id = (
                    ("visit", visit.id) if visit is not None else ("scheduled_visit", scheduled.id)
                )
                out.append(
                    QualityIssue(
                        table,
                        record_id,
                        f"no exam at visit {scheduled.name}: its window ({window}) has closed",
                    )
                )
            continue
        for exam in exams:
            if not opens <= exam.exam_date <= closes:
                out.append(
                    QualityIssue(
                        "exam",
                        exam.id,
                        f"exam at visit {scheduled.name} on {exam.exam_date.isoformat()} is "
                        f"outside its window ({window})",
                    )
                )
    return out


_SIDES = ("right", "left")
_GROUPS = ("motor", "lightTouch", "pinPrick")


def nt_cells(raw: Mapping[str, Any]) -> int:
    """How many of the worksheet's 132 cells are NT (not testable)."""
    count = 0
    for side in _SIDES:
        part = raw.get(side)
        if not isinstance(part, Mapping):
            continue
        for group in _GROUPS:
            cells = part.get(group)
            if isinstance(cells, Mapping):
                count += sum(1 for v in cells.values() if str(v).strip().upper().startswith("NT"))
    return count


def _nt_cells(
    session: Session, participant: Participant, p: Mapping[str, int]
) -> list[QualityIssue]:
    limit = p["max_nt"]
    out = []
    for exam in _live_exams(session, participant):
        found = nt_cells(exam.raw)
        if found > limit:
            out.append(
                QualityIssue(
                    "exam",
                    exam.id,
                    f"exam on {exam.exam_date.isoformat()} has {found} NT cells "
                    f"(more than {limit})",
                )
            )
    return out


def _motor_drop(
    session: Session, participant: Participant, p: Mapping[str, int]
) -> list[QualityIssue]:
    """Between consecutive exams (by date) whose total motor score is known."""
    limit = p["max_drop"]
    scored = [e for e in _live_exams(session, participant) if e.motor_total is not None]
    out = []
    for before, after in pairwise(scored):
        assert before.motor_total is not None and after.motor_total is not None
        drop = before.motor_total - after.motor_total
        if drop > limit:
            out.append(
                QualityIssue(
                    "exam",
                    after.id,
                    f"total motor score fell by {drop} points (more than {limit}) from "
                    f"{before.motor_total} on {before.exam_date.isoformat()} to "
                    f"{after.motor_total} on {after.exam_date.isoformat()}: verify",
                )
            )
    return out


def _wisci_lems(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """WISCI II above 0 (walking) at a visit whose exam has LEMS 0 (no leg motor function)."""
    query = (
        select(FunctionalMeasure, ExamRecord)
        .join(Visit, FunctionalMeasure.visit_id == Visit.id)
        .join(ExamRecord, ExamRecord.visit_id == Visit.id)
        .where(
            Visit.participant_id == participant.id,
            Visit.deleted_at.is_(None),
            FunctionalMeasure.deleted_at.is_(None),
            ExamRecord.deleted_at.is_(None),
            FunctionalMeasure.kind == MeasureKind.WISCI,
            FunctionalMeasure.value > 0,
            ExamRecord.lems == 0,
        )
        .order_by(FunctionalMeasure.id)
    )
    out = []
    for measure, exam in session.execute(query):
        out.append(
            QualityIssue(
                "functional_measure",
                measure.id,
                f"WISCI II is {measure.value:g} at visit {measure.visit.scheduled.name}, but "
                f"the exam of that visit (exam {exam.id}) has LEMS 0",
            )
        )
    return out


def _lot_release(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """The transplanted lot has no release in force on the transplant date."""
    query = select(Transplant).where(
        Transplant.participant_id == participant.id, Transplant.deleted_at.is_(None)
    )
    out = []
    for transplant in session.scalars(query):
        decision = decision_in_force(transplant.lot, transplant.transplant_date)
        if decision is None or decision.decision is LotDecision.REJECTED:
            why = "no release decision" if decision is None else "a rejection"
            out.append(
                QualityIssue(
                    "transplant",
                    transplant.id,
                    f"lot {transplant.lot.lot_id} transplanted on "
                    f"{transplant.transplant_date.isoformat()} has {why} in force on that day",
                )
            )
    return out


RULES: dict[str, QualityRule] = {
    c.code: c
    for c in (
        QualityRule("exam_window", "scheduled exam missing or out of window", {}, _exam_window),
        QualityRule("nt_cells", "exam with more than max_nt NT cells", {"max_nt": 5}, _nt_cells),
        QualityRule(
            "motor_drop",
            "total motor score drop of more than max_drop between consecutive exams",
            {"max_drop": 10},
            _motor_drop,
        ),
        QualityRule("wisci_lems", "WISCI II above 0 while the visit's LEMS is 0", {}, _wisci_lems),
        QualityRule("lot_release", "transplanted lot without a release decision", {}, _lot_release),
    )
}
"""The built-in checks by code."""


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRuleView:
    code: str
    title: str
    enabled: bool
    parameters: Mapping[str, int]
    """Every parameter, the trial's value or the default."""


def _settings(session: Session, trial: Trial) -> dict[str, CheckSetting]:
    query = select(CheckSetting).where(
        CheckSetting.trial_id == trial.id, CheckSetting.deleted_at.is_(None)
    )
    return {s.code: s for s in session.scalars(query)}


def _view(check: QualityRule, setting: CheckSetting | None) -> QualityRuleView:
    params = dict(check.defaults)
    if setting is not None:
        params |= {k: v for k, v in setting.parameters.items() if k in params}
    return QualityRuleView(
        check.code, check.title, setting.enabled if setting is not None else True, params
    )


def _views(session: Session, trial: Trial) -> list[QualityRuleView]:
    settings = _settings(session, trial)
    return [_view(c, settings.get(code)) for code, c in RULES.items()]


def list_quality_rules(db: Database, *, user: str, trial_code: str) -> list[QualityRuleView]:
    """Every built-in check as the trial has set it."""
    with read_unit(db, user=user) as session:
        return _views(session, find_trial(session, trial_code))


def configure_rule(
    db: Database,
    *,
    user: str,
    trial_code: str,
    code: str,
    enabled: bool | None = None,
    parameters: Mapping[str, object] | None = None,
    reason: str | None = None,
) -> QualityRuleView:
    """Turn a check on or off and set its parameters (whole numbers ≥ 0) for a trial.

    A change to a saved setting is audited with ``reason`` (default: "check CODE
    configured")."""
    record = f"check {code} of trial {trial_code}"
    check = RULES.get(code)
    if check is None:
        raise invalid(record, "code", code, f"is not a check ({', '.join(RULES)})")
    values: dict[str, int] = {}
    for key, raw in (parameters or {}).items():
        if key not in check.defaults:
            known = ", ".join(check.defaults) or "none"
            raise invalid(record, key, raw, f"is not a parameter of the check ({known})")
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise invalid(record, key, raw, "is not a whole number") from None
        if number < 0:
            raise invalid(record, key, raw, "is negative")
        values[key] = number
    reason = reason_given(reason, f"check {code}")
    with unit_of_work(db, user=user, reason=reason or f"check {code} configured") as session:
        trial = find_trial(session, trial_code)
        setting = _settings(session, trial).get(code)
        if setting is None:
            setting = CheckSetting(trial=trial, code=code, enabled=True, parameters={})
            session.add(setting)
        if enabled is not None:
            setting.enabled = enabled
        if values:
            setting.parameters = dict(setting.parameters) | values
        session.flush()
        return _view(check, setting)


# --- running ----------------------------------------------------------------------------------


@dataclass
class RuleRunResult:
    """What a run of the checks did."""

    checked: int = 0
    """Participants checked."""
    opened: list[int] = field(default_factory=list)
    """Queries opened."""
    still_failing: list[int] = field(default_factory=list)
    """Queries (open or answered) whose check still fails; left as they are."""
    passing: list[int] = field(default_factory=list)
    """Queries (open or answered) whose check now passes; left for a person to close."""

    def add(self, other: RuleRunResult) -> None:
        self.checked += other.checked
        self.opened += other.opened
        self.still_failing += other.still_failing
        self.passing += other.passing


CHECK_STEP_USER = "regencord-checks"
"""Who the opening step of a query names: the checks, not the person whose save ran them."""


def run_checks_for(session: Session, participant: Participant) -> RuleRunResult:
    """Run the trial's enabled checks on one participant, in ``session`` (the caller's
    transaction), opening a query for each new finding."""
    run = RuleRunResult(checked=1)
    session.flush()
    views = {v.code: v for v in _views(session, participant.trial) if v.enabled}
    existing = list(
        session.scalars(
            select(Query)
            .where(Query.participant_id == participant.id, Query.deleted_at.is_(None))
            .order_by(Query.id)
        )
    )
    seen: set[tuple[str, str, int]] = set()
    for code, view in views.items():
        for finding in RULES[code].run(session, participant, view.parameters):
            key = (code, finding.table, finding.record_id)
            if key in seen:
                continue
            seen.add(key)
            same = [q for q in existing if (q.check_code, q.table_name, q.record_id) == key]
            live = [q for q in same if q.state is not QueryState.CLOSED]
            if live:
                run.still_failing += [q.id for q in live]
                continue
            if any(q.message == finding.message for q in same):
                continue  # closed by a person with this very finding
            query = Query(
                trial_id=participant.trial_id,
                participant=participant,
                table_name=finding.table,
                record_id=finding.record_id,
                check_code=code,
                message=finding.message,
                state=QueryState.OPEN,
            )
            query.steps.append(
                QueryStep(user_name=CHECK_STEP_USER, text=finding.message, state=QueryState.OPEN)
            )
            session.add(query)
            session.flush()
            run.opened.append(query.id)
    run.passing = [
        q.id
        for q in existing
        if q.state is not QueryState.CLOSED
        and q.check_code in views
        and (q.check_code, q.table_name, q.record_id) not in seen
    ]
    return run


def run_checks(db: Database, *, user: str, trial_code: str) -> RuleRunResult:
    """Run the trial's enabled checks on every participant of the trial."""
    with unit_of_work(db, user=user) as session:
        trial = find_trial(session, trial_code)
        participants = session.scalars(
            select(Participant)
            .where(Participant.trial_id == trial.id, Participant.deleted_at.is_(None))
            .order_by(Participant.study_id)
        )
        total = RuleRunResult()
        for participant in list(participants):
            total.add(run_checks_for(session, participant))
        return total


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
    for view in _views(session, participant.trial):
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
            enabled[q.trial_id] = {v.code for v in _views(session, q.trial) if v.enabled}
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
