"""Building blocks of the follow-up tests (visits, exams, measures, safety): a trial with
a schedule, participants inserted straight through the store, a transplant, audit rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, text

from regencord.services import trials
from regencord.services.trials import find_trial
from regencord.store.db import Database
from regencord.store.models import (
    AuditEntry,
    Participant,
    ParticipantStatus,
    Sex,
)

USER = "dr.follow"
TRIAL = "KEIO-SCI-02"
SITE = "S01"
INJURY = date(2024, 1, 1)

SCHEDULE: dict[str, Any] = {
    "visits": [
        {"name": "baseline", "anchor": "injury", "day": 7, "window_before": 7, "window_after": 7},
        {"name": "week 12", "anchor": "injury", "day": 84, "window_before": 7, "window_after": 14},
        {
            "name": "month 1 post",
            "anchor": "transplant",
            "day": 30,
            "window_before": 3,
            "window_after": 7,
        },
    ]
}


def setup_trial(db: Database, participants: tuple[str, ...] = ("P01",)) -> None:
    """The trial, one site, the schedule above, and the participants (injured 2024-01-01)."""
    trials.create_trial(db, user=USER, data={"code": TRIAL, "title": "Follow-up test trial"})
    trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": SITE, "name": "Site one"})
    trials.set_schedule(db, user=USER, trial_code=TRIAL, schedule=SCHEDULE)
    for study_id in participants:
        add_participant(db, study_id)


def add_participant(db: Database, study_id: str, injury: date = INJURY) -> int:
    with db.transaction(user=USER) as session:
        trial = find_trial(session, TRIAL)
        participant = Participant(
            trial=trial,
            site=trial.sites[0],
            study_id=study_id,
            age_at_injury=34,
            sex=Sex.FEMALE,
            injury_date=injury,
            consent_date=injury + timedelta(days=2),
            status=ParticipantStatus.ENROLLED,
        )
        session.add(participant)
        session.flush()
        return participant.id


def add_transplant(db: Database, study_id: str, on: date) -> None:
    """A transplant of ``study_id`` on ``on`` (with a cell line and lot to satisfy the keys)."""
    from regencord.store.models import CellLine, Lot, Transplant

    with db.transaction(user=USER) as session:
        participant = session.scalar(select(Participant).where(Participant.study_id == study_id))
        line = CellLine(line_id=f"LINE-{study_id}", source="iPS cell stock")
        lot = Lot(
            lot_id=f"LOT-{study_id}",
            line=line,
            passage=10,
            manufactured_on=on - timedelta(days=20),
            expires_on=on + timedelta(days=20),
        )
        session.add(
            Transplant(
                participant=participant,
                lot=lot,
                transplant_date=on,
                dose_cells=2_000_000,
                volume_ul=20.0,
                injection_sites="C4, C5",
                surgeon="Dr. Surgeon",
            )
        )


def audit_rows(
    db: Database, table: str, record_id: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.table == table).order_by(AuditEntry.id)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    with db.transaction(user="reader") as session:
        return list(session.scalars(query))


def count(db: Database, model: type[Any], *, live: bool = False) -> int:
    query = select(func.count()).select_from(model)
    if live:
        query = query.where(model.deleted_at.is_(None))
    with db.transaction(user="reader") as session:
        return session.scalar(query) or 0


def cli_url(db: Database) -> str:
    """A ``--db`` URL reaching the test database (PostgreSQL: with its schema)."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        with db.engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
