"""``regencord visit delete`` and recording a deleted visit again, and ``regencord
transplant correct``: corrections with a reason, refused without one (exit status 2, one
line, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regencord.store.db import Database
from regencord.store.models import ExamRecord, Visit
from tests.cli.test_followup_cli import USER, WHO, Cli
from tests.cli.test_lot_transplant_cli import TRANSPLANT, add_lot, record_qc
from tests.cli.test_lot_transplant_cli import Cli as ProductCli
from tests.exam_files import c5_complete_exam, write_json
from tests.services.followup_data import SCHEDULE, TRIAL, add_participant, count
from tests.services.product_builders import add_participant as add_enrolled
from tests.services.product_builders import audit_rows as product_audit_rows
from tests.services.product_builders import trial_with_window

BASELINE = ("--visit", "baseline")


@pytest.fixture
def cli(db: Database, tmp_path: Path) -> Cli:
    """A trial with the follow-up schedule, set up through the CLI, and participant P01."""
    cli = Cli(db)
    cli.ok("trial", "create", TRIAL, "--title", "Follow-up CLI trial", *USER)
    cli.ok("site", "add", "S01", "--trial", TRIAL, "--name", "Site one", *USER)
    cli.ok("trial", "schedule", TRIAL, str(write_json(tmp_path / "s.json", SCHEDULE)), *USER)
    add_participant(db, "P01")
    return cli


def test_a_deleted_visit_is_recorded_again(cli: Cli, db: Database, tmp_path: Path) -> None:
    exam = write_json(tmp_path / "exam.json", c5_complete_exam(None))
    cli.ok("exam", "add", *WHO, *BASELINE, "--file", str(exam), "--date", "2024-01-10", *USER)
    # Without a reason, or with exams but without --with-records: refused.
    assert cli.refused("visit", "delete", *WHO, *BASELINE, *USER) == [
        "visit baseline of P01: deleting it needs a reason (--reason)"
    ]
    [line] = cli.refused("visit", "delete", *WHO, *BASELINE, "--reason", "wrong", *USER)
    assert line.endswith("with_records: the visit has 1 exam(s) and 0 measure(s): delete "
                         "them with it or not at all (--with-records)")  # fmt: skip
    out = cli.ok("visit", "delete", *WHO, *BASELINE, "--with-records", "--reason",
                 "entered for the wrong participant", *USER)  # fmt: skip
    assert out == "visit baseline of P01 deleted with exam 1\n"
    assert count(db, Visit, live=True) == count(db, ExamRecord, live=True) == 0

    # Recording it again: a reason is needed, then the same visit record is back.
    assert cli.refused("visit", "record", *WHO, *BASELINE, "--date", "2024-01-11", *USER) == [
        "visit baseline of P01 was deleted (entered for the wrong participant); recording it "
        "again needs a reason (--reason)"
    ]
    out = cli.ok("visit", "record", *WHO, *BASELINE, "--date", "2024-01-11", "--reason",
                 "P01 was seen after all", *USER)  # fmt: skip
    assert out.startswith("visit baseline of P01 recorded on 2024-01-11")
    assert count(db, Visit) == count(db, Visit, live=True) == 1


def test_transplant_correct(db: Database) -> None:
    product = ProductCli(db)
    trial_with_window(db)
    add_enrolled(db)
    add_lot(product)
    record_qc(product)
    product.ok("lot release NSPC-0021 --by 'Dr A. Tanaka' --on 2025-02-05 --user dr.cli")
    product.ok(f"{TRANSPLANT} --user dr.cli")
    base = "transplant correct --trial KEIO-SCI-01 --participant P-001"
    assert product.refused(f"{base} --dose 2500000 --user dr.cli") == [
        "transplant of P-001 (trial KEIO-SCI-01): changing dose_cells needs a reason (--reason)"
    ]
    assert product.refused(f"{base} --user dr.cli") == [
        "transplant of P-001 (trial KEIO-SCI-01): no field to correct given"
    ]
    assert product.refused(f"{base} --date 2025-03-10 --reason typo --user dr.cli") == [
        "transplant of P-001 (trial KEIO-SCI-01): transplant_date: '2025-03-10' is day 37 after "
        "injury, outside the transplant window (day 14–28): it can only be saved with a "
        "protocol deviation note"
    ]
    out = product.ok(f"{base} --dose 2500000 --expected-version 1 --reason 'typo' --user dr.dm")
    assert out.splitlines()[0] == (
        "participant P-001 of trial KEIO-SCI-01: transplant corrected (version 2)"
    )
    assert "lot NSPC-0021: 2500000 cells in 40 µL at C4, C5; surgeon Dr B. Sato" in out
    [row] = [r for r in product_audit_rows(db, "transplant") if r.action == "update"]
    assert (row.field, row.old_value, row.new_value, row.user, row.reason) == (
        "dose_cells", "2000000", "2500000", "dr.dm", "typo"
    )  # fmt: skip
    [stale] = product.refused(f"{base} --dose 3000000 --expected-version 1 --reason x --user dr.dm")
    assert "is at version 2, not 1" in stale
