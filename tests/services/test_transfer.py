"""Whole-trial export and import: lossless round trip on each backend, verification
before writing, refusal of a non-empty database, one new audit row (the import),
sequences reset."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from regencord.services import trials
from regencord.services.errors import InvalidInput, NotFound
from regencord.services.transfer import (
    MANIFEST,
    TransferError,
    decode,
    encode,
    export_trial,
    import_trial,
    iter_rows,
    schema_head,
)
from regencord.store.db import Database, database_url, make_engine
from regencord.store.models import AdverseEvent, AuditEntry, Base, ExamRecord, Site
from tests.conftest_db import PG_VARIABLE
from tests.services.followup_data import TRIAL, USER
from tests.services.trial_data import AWKWARD, build_trial


@pytest.fixture
def fresh(db: Database, tmp_path: Path) -> Iterator[Database]:
    """A second, empty database on the same backend as ``db`` (no tables yet)."""
    if db.engine.dialect.name == "sqlite":
        other = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield other
        other.dispose()
        return
    url = database_url(os.environ[PG_VARIABLE])
    schema = f"rc_fresh_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    other = Database(engine=make_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
    try:
        yield other
    finally:
        other.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _count(db: Database, model: type[Base]) -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


def test_round_trip_is_lossless(db: Database, fresh: Database, tmp_path: Path) -> None:
    build_trial(db)
    trials.create_trial(db, user=USER, data={"code": "OTHER", "title": "Another trial"})
    first = export_trial(db, trial_code=TRIAL, folder=tmp_path / "one", user="reader")
    import_trial(fresh, folder=tmp_path / "one", user="reader")
    export_trial(fresh, trial_code=TRIAL, folder=tmp_path / "two", user="reader")
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name

    manifest = json.loads(one[MANIFEST])
    assert manifest["trial"] == TRIAL and manifest["schema_revision"] == schema_head()
    rows = {f.table: f.rows for f in first.files}
    assert rows["trial"] == 1  # not the other trial
    assert rows["participant"] == 3 and rows["exam"] == 4  # soft-deleted exam included
    assert rows["lot"] == 1 and rows["cell_line"] == 1
    assert rows["audit_log"] == _count(db, AuditEntry) - _audit_of_other_trial(db)
    # The import wrote one audit row: the import itself (not part of the trial's export).
    assert _count(fresh, AuditEntry) == rows["audit_log"] + 1
    with fresh.transaction(user="reader") as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and (last.action, last.table) == ("import", "audit_log")
    assert last.record_id == max(int(row[0]) for row in iter_rows(tmp_path / "one", "audit_log")
                                 if row[0] != "id")  # fmt: skip


def _audit_of_other_trial(db: Database) -> int:
    with db.engine.connect() as connection:
        other = connection.scalar(select(Base.metadata.tables["trial"].c.id).where(
            Base.metadata.tables["trial"].c.code == "OTHER"))  # fmt: skip
        return connection.scalar(
            select(func.count()).where(AuditEntry.table == "trial", AuditEntry.record_id == other)
        ) or 0  # fmt: skip


def test_values_survive(db: Database, fresh: Database, tmp_path: Path) -> None:
    build_trial(db)
    export_trial(db, trial_code=TRIAL, folder=tmp_path / "out", user="reader")
    import_trial(fresh, folder=tmp_path / "out", user="reader")
    with db.transaction(user="r") as a, fresh.transaction(user="r") as b:
        for model in (ExamRecord, AdverseEvent):
            for old in a.scalars(select(model).order_by(model.id)):
                new = b.get(model, old.id)
                assert new is not None
                for column in model.__table__.columns:
                    before, after = getattr(old, column.key), getattr(new, column.key)
                    if isinstance(before, datetime):
                        assert _utc(before) == _utc(after), column.key
                    else:
                        assert before == after, column.key
        assert b.get(AdverseEvent, 1).action_taken == ""  # type: ignore[union-attr]
    header, *data = iter_rows(tmp_path / "out", "imaging_finding")
    assert dict(zip(header, data[0], strict=True))["finding"] == AWKWARD


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_sequences_continue_after_import(db: Database, fresh: Database, tmp_path: Path) -> None:
    build_trial(db)
    export_trial(db, trial_code=TRIAL, folder=tmp_path / "out", user="reader")
    import_trial(fresh, folder=tmp_path / "out", user="reader")
    top = _count(fresh, Site)
    site = trials.add_site(fresh, user=USER, trial_code=TRIAL, data={"code": "S02", "name": "Two"})
    assert site is not None
    with fresh.engine.connect() as connection:
        assert connection.scalar(select(func.max(Site.id))) == top + 1


def test_import_refuses_a_database_with_rows(db: Database, tmp_path: Path) -> None:
    build_trial(db)
    export_trial(db, trial_code=TRIAL, folder=tmp_path / "out", user="reader")
    before = _count(db, AuditEntry)
    with pytest.raises(TransferError, match="not empty"):
        import_trial(db, folder=tmp_path / "out", user="reader")
    assert _count(db, AuditEntry) == before


def test_changed_file_is_refused_before_writing(
    db: Database, fresh: Database, tmp_path: Path
) -> None:
    build_trial(db)
    folder = tmp_path / "out"
    export_trial(db, trial_code=TRIAL, folder=folder, user="reader")
    path = folder / "participant.csv"
    path.write_bytes(path.read_bytes().replace(b"P02", b"P22"))
    with pytest.raises(InvalidInput, match=r"participant\.csv: sha256"):
        import_trial(fresh, folder=folder, user="reader")
    assert "trial" not in inspect(fresh.engine).get_table_names()


def test_other_schema_revision_is_refused(db: Database, fresh: Database, tmp_path: Path) -> None:
    build_trial(db)
    folder = tmp_path / "out"
    export_trial(db, trial_code=TRIAL, folder=folder, user="reader")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["schema_revision"] = "0000older"
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(InvalidInput, match="schema_revision"):
        import_trial(fresh, folder=folder, user="reader")
    (folder / MANIFEST).unlink()
    with pytest.raises(InvalidInput, match=r"manifest\.json: is missing"):
        import_trial(fresh, folder=folder, user="reader")


def test_export_refusals(db: Database, tmp_path: Path) -> None:
    build_trial(db)
    with pytest.raises(NotFound):
        export_trial(db, trial_code="NO-SUCH", folder=tmp_path / "x", user="reader")
    assert not (tmp_path / "x").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(TransferError, match="not an empty folder"):
        export_trial(db, trial_code=TRIAL, folder=tmp_path / "full", user="reader")


@pytest.mark.parametrize(
    ("value", "column", "text_"),
    [
        (None, "text", "\\N"),
        ("", "text", ""),
        ("\\N", "text", "\\\\N"),
        (True, "bool", "true"),
        (0.1 + 0.2, "float", "0.30000000000000004"),
        (date(2024, 2, 29), "date", "2024-02-29"),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "datetime", "2024-01-02T03:04:05.000000+00:00"),
    ],
)
def test_encoding(value: object, column: str, text_: str) -> None:
    from sqlalchemy import Boolean, Date, DateTime, Float, String

    types = {"text": String(), "bool": Boolean(), "float": Float(), "date": Date(),
             "datetime": DateTime(timezone=True)}  # fmt: skip
    assert encode(value, types[column]) == text_
    assert decode(text_, types[column]) == value
