"""Building blocks for the cell-product and transplant tests: a cell line, a lot with
passing QC, a released lot, a trial with a transplant window, an enrolled participant."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from regencord.services import product, trials
from regencord.store.db import Database
from regencord.store.models import AuditEntry, Participant, ParticipantStatus, Sex
from regencord.store.models.base import Base

USER = "qa.tester"
LINE = "CIRA-HLA-01"
LOT = "NSPC-0021"
TRIAL = "KEIO-SCI-01"
SITE = "S01"

PASSING_QC: dict[str, dict[str, Any]] = {
    "viability": {"value": 92.5, "spec_min": 70},
    "cell_count": {"value": 24_000_000, "spec_min": 10_000_000},
    "sterility": {"result": "negative", "expected": "negative"},
    "mycoplasma": {"result": "Negative", "expected": "negative"},
    "endotoxin": {"value": 0.2, "spec_max": 0.5},
    "karyotype": {"result": "normal", "expected": "normal"},
    "undifferentiated_marker": {"value": 0.01, "spec_max": 0.1},
}
"""One passing result of every required assay."""


def add_line(db: Database, line_id: str = LINE) -> None:
    product.add_line(
        db,
        user=USER,
        data={
            "line_id": line_id,
            "source": "HLA-homozygous iPS cell stock",
            "donor_hla": "A*24:02, B*52:01, DRB1*15:02",
            "reprogramming_method": "episomal vectors",
        },
    )


def add_lot(
    db: Database,
    lot_id: str = LOT,
    *,
    line_id: str = LINE,
    manufactured: str = "2025-02-01",
    expires: str = "2025-03-31",
) -> None:
    product.add_lot(
        db,
        user=USER,
        data={
            "lot_id": lot_id,
            "line": line_id,
            "passage": 12,
            "manufactured_on": manufactured,
            "expires_on": expires,
        },
    )


def record_passing_qc(
    db: Database, lot_id: str = LOT, *, tested_on: str = "2025-02-03", skip: tuple[str, ...] = ()
) -> None:
    for assay, result in PASSING_QC.items():
        if assay not in skip:
            data = {"assay": assay, "tested_on": tested_on, **result}
            product.record_qc(db, user=USER, lot_id=lot_id, data=data)


def released_lot(
    db: Database,
    lot_id: str = LOT,
    *,
    released_on: str = "2025-02-05",
    expires: str = "2025-03-31",
    with_line: bool = True,
) -> None:
    if with_line:
        add_line(db)
    add_lot(db, lot_id, expires=expires)
    record_passing_qc(db, lot_id)
    product.release_lot(
        db, user=USER, lot_id=lot_id, data={"decided_by": "Dr A. Tanaka", "decided_on": released_on}
    )


def trial_with_window(
    db: Database, *, day: int = 21, before: int = 7, after: int = 7, transplant_visit: bool = True
) -> None:
    """A trial whose transplant is due on ``day`` after injury (``-before``/``+after``)."""
    trials.create_trial(db, user=USER, data={"code": TRIAL, "title": "NS/PC transplant for SCI"})
    trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": SITE, "name": "Keio"})
    visits: list[dict[str, Any]] = [
        {"name": "screening", "anchor": "injury", "day": 7, "window_before": 7, "window_after": 7}
    ]
    if transplant_visit:
        visits.append(
            {
                "name": "transplant",
                "anchor": "injury",
                "day": day,
                "window_before": before,
                "window_after": after,
                "exam": False,
            }
        )
    visits.append({"name": "week 12", "anchor": "transplant", "day": 84, "window_before": 7})
    trials.set_schedule(db, user=USER, trial_code=TRIAL, schedule={"visits": visits})


def add_participant(
    db: Database,
    study_id: str = "P-001",
    *,
    injury: str = "2025-02-01",
    consent: str | None = "2025-02-08",
    status: ParticipantStatus = ParticipantStatus.ENROLLED,
) -> None:
    """A participant inserted directly (the participants use cases are tested elsewhere)."""
    with db.transaction(user=USER) as session:
        trial = trials.find_trial(session, TRIAL)
        session.add(
            Participant(
                trial=trial,
                site=trial.sites[0],
                study_id=study_id,
                age_at_injury=34,
                sex=Sex.MALE,
                injury_date=date.fromisoformat(injury),
                consent_date=date.fromisoformat(consent) if consent else None,
                status=status,
            )
        )


def count(db: Database, table: str) -> int:
    with db.engine.connect() as connection:
        result = connection.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
        return int(result or 0)


def audit_rows(db: Database, table: str) -> list[AuditEntry]:
    with db.transaction(user=USER) as session:
        query = select(AuditEntry).where(AuditEntry.table == table).order_by(AuditEntry.id)
        return list(session.scalars(query))


def cli_url(db: Database) -> str:
    """A ``--db`` URL reaching the test database (PostgreSQL: with its schema)."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        with db.engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
