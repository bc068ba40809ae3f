"""The tamper-evident audit trail: rows hash-chained as written, ``verify_audit`` naming
the first broken row or record, and ``import`` refusing an export whose records do not
match their audit trail (nothing left behind), and recording itself in the trail."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from regencord.services import visits
from regencord.services.audit import verify_audit
from regencord.services.transfer import TransferError, export_trial, import_trial
from regencord.store.chain import GENESIS, row_digest
from regencord.store.db import Database
from regencord.store.models import AuditEntry
from tests.services.followup_data import TRIAL, USER, setup_trial
from tests.services.test_transfer import fresh  # noqa: F401  (fixture)
from tests.services.trial_data import build_trial


def _raw(db: Database, *statements: str) -> None:
    """Change the database behind regencord's back (the append-only triggers lifted)."""
    dialect = db.engine.dialect.name
    with db.engine.begin() as connection:
        if dialect == "sqlite":
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        for statement in statements:
            connection.execute(text(statement))


def _rows(db: Database) -> list[AuditEntry]:
    with db.transaction(user="reader") as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_every_row_follows_the_one_before(db: Database) -> None:
    setup_trial(db, ("P01", "P02"))
    rows = _rows(db)
    assert len(rows) > 10
    previous = GENESIS
    for row in rows:
        assert row.previous_hash == previous
        content = {
            "at": row.at, "user_name": row.user, "action": row.action, "table_name": row.table,
            "record_id": row.record_id, "field": row.field, "old_value": row.old_value,
            "new_value": row.new_value, "reason": row.reason,
        }  # fmt: skip
        assert row.row_hash == row_digest(content, previous)
        previous = row.row_hash
    result = verify_audit(db, user="reader")
    assert result.intact and result.rows == len(rows) and result.records > 0


def test_lock_events_added_as_objects_are_chained(db: Database) -> None:
    build_trial(db)  # locks a visit: an AuditEntry added through the ORM
    assert any(r.action == "lock" for r in _rows(db))
    assert verify_audit(db, user="reader").intact
    assert verify_audit(db, trial_code=TRIAL, user="reader").intact


def test_changed_row_is_named(db: Database) -> None:
    setup_trial(db)
    _raw(db, "UPDATE audit_log SET new_value = 'forged' WHERE id = 3")
    result = verify_audit(db, user="reader")
    assert not result.intact
    assert result.problem is not None
    assert result.problem.startswith("audit row 3 (")
    assert "changed after it was written" in result.problem


def test_removed_row_is_named(db: Database) -> None:
    setup_trial(db)
    _raw(db, "DELETE FROM audit_log WHERE id = 4")
    problem = verify_audit(db, user="reader").problem
    assert problem is not None and problem.startswith("audit row 5 does not follow")


def test_row_added_without_its_hash_is_named(db: Database) -> None:
    setup_trial(db)
    _raw(
        db,
        "INSERT INTO audit_log (at, user_name, action, table_name, record_id) "
        "VALUES (CURRENT_TIMESTAMP, 'dba', 'lock', 'trial', 1)",
    )
    problem = verify_audit(db, user="reader").problem
    assert problem is not None and "has no hash" in problem


def test_value_changed_behind_the_audit_trail(db: Database) -> None:
    setup_trial(db, ("P01",))
    _raw(db, "UPDATE participant SET age_at_injury = 35 WHERE study_id = 'P01'")
    result = verify_audit(db, trial_code=TRIAL, user="reader")
    assert result.problem is not None
    assert "age_at_injury is '35' but its audit trail last recorded '34'" in result.problem


def _tamper(folder: Path, name: str, old: bytes, new: bytes) -> None:
    """Edit a cell of an exported file and recompute its checksum in the manifest."""
    path = folder / name
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def test_import_refuses_a_cell_changed_with_its_checksum(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    build_trial(db)
    folder = tmp_path / "out"
    export_trial(db, trial_code=TRIAL, folder=folder, user="reader")
    _tamper(folder, "participant.csv", b",P01,34,", b",P01,35,")
    with pytest.raises(TransferError) as refused:
        import_trial(fresh, folder=folder, user="reader")
    message = str(refused.value)
    assert "does not match its audit trail" in message and "nothing was imported" in message
    assert "age_at_injury is '35' but its audit trail last recorded '34'" in message
    assert inspect(fresh.engine).get_table_names() == []  # no empty schema left


def test_import_refuses_an_edited_audit_row(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    build_trial(db)
    folder = tmp_path / "out"
    export_trial(db, trial_code=TRIAL, folder=folder, user="reader")
    _tamper(folder, "audit_log.csv", b",Follow-up test trial,", b",Another title,")
    with pytest.raises(TransferError, match="changed after it was written"):
        import_trial(fresh, folder=folder, user="reader")
    assert inspect(fresh.engine).get_table_names() == []


def test_constraint_breaking_edit_leaves_nothing_behind(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    build_trial(db)
    folder = tmp_path / "out"
    export_trial(db, trial_code=TRIAL, folder=folder, user="reader")
    first = (folder / "site.csv").read_bytes().split(b"\n")[1]
    _tamper(folder, "site.csv", first, first + b"\n" + first)  # the same site twice
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["site.csv"]["rows"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    with pytest.raises(TransferError, match=r"the database refused it .*nothing was imported"):
        import_trial(fresh, folder=folder, user="reader")
    assert inspect(fresh.engine).get_table_names() == []


def test_imported_trail_verifies_and_records_the_import(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    build_trial(db)
    export_trial(db, trial_code=TRIAL, folder=tmp_path / "out", user="reader")
    import_trial(fresh, folder=tmp_path / "out", user="dm")
    last = _rows(fresh)[-1]
    assert (last.user, last.action, last.table) == ("dm", "import", "audit_log")
    assert last.reason is not None and f"trial {TRIAL} imported from out" in last.reason
    assert verify_audit(fresh, user="reader").intact
    visits.unlock_visit(
        fresh, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", reason="fix"
    )
    assert verify_audit(fresh, user="reader").intact  # new rows follow the import row
    _raw(fresh, "DELETE FROM audit_log WHERE id = 2")
    problem = verify_audit(fresh, user="reader").problem
    assert problem is not None  # the import row no longer follows the imported rows
