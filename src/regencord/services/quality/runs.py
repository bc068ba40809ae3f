"""Running the data-quality rules: each trial's settings of them, and a run that opens
queries on the issues found (see :mod:`regencord.services.quality`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import invalid
from regencord.services.quality.rules import RULES, QualityRule
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit, unit_of_work
from regencord.services.validation import reason_given
from regencord.store.db import Database
from regencord.store.models import (
    CheckSetting,
    Participant,
    Query,
    QueryState,
    QueryStep,
    Trial,
)

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


def rule_views(session: Session, trial: Trial) -> list[QualityRuleView]:
    settings = _settings(session, trial)
    return [_view(c, settings.get(code)) for code, c in RULES.items()]


def list_quality_rules(db: Database, *, user: str, trial_code: str) -> list[QualityRuleView]:
    """Every built-in check as the trial has set it."""
    with read_unit(db, user=user) as session:
        return rule_views(session, find_trial(session, trial_code))


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
    views = {v.code: v for v in rule_views(session, participant.trial) if v.enabled}
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
