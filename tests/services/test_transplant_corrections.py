"""Correcting a recorded transplant: with a reason, audited, checked against the rules of a
transplant again, refused on a locked transplant visit and against an older version."""

from __future__ import annotations

from typing import Any

import pytest

from regencord.services import transplants, visits
from regencord.services.errors import Conflict, InvalidInput, Locked, ReasonNeeded
from regencord.store.db import Database
from tests.services.product_builders import (
    LOT,
    TRIAL,
    USER,
    add_participant,
    audit_rows,
    count,
    released_lot,
    trial_with_window,
)

TRANSPLANT: dict[str, Any] = {
    "lot": LOT,
    "transplant_date": "2025-02-22",  # day 21 after the injury on 2025-02-01
    "dose_cells": 2_000_000,
    "volume_ul": 40,
    "injection_sites": "C4, C5",
    "surgeon": "Dr B. Sato",
}


@pytest.fixture
def done(db: Database) -> Database:
    """A trial with a day 14–28 window, a released lot, a transplanted participant."""
    trial_with_window(db)
    released_lot(db)
    add_participant(db)
    transplants.record_transplant(
        db, user=USER, trial_code=TRIAL, study_id="P-001", data=TRANSPLANT
    )
    return db


def correct(db: Database, reason: str | None = "transcription error", **changes: Any) -> Any:
    version = changes.pop("expected_version", None)
    return transplants.correct_transplant(
        db,
        user="dr.manager",
        trial_code=TRIAL,
        study_id="P-001",
        changes=changes,
        reason=reason,
        expected_version=version,
    )


def unchanged(db: Database) -> None:
    shown = transplants.show_transplant(db, trial_code=TRIAL, study_id="P-001", user=USER)
    assert (shown.version, shown.dose_cells, shown.transplant_date.isoformat()) == (
        1,
        2_000_000,
        "2025-02-22",
    )


def test_a_correction_is_saved_with_its_reason_in_the_audit_trail(done: Database) -> None:
    shown = correct(done, dose_cells="2.5e6", injection_sites="c5,c6", expected_version=1)
    assert (shown.dose_cells, shown.injection_sites, shown.version) == (2_500_000, "C5, C6", 2)
    updates = [r for r in audit_rows(done, "transplant") if r.action == "update"]
    assert {(r.field, r.old_value, r.new_value) for r in updates} == {
        ("dose_cells", "2000000", "2500000"),
        ("injection_sites", "C4, C5", "C5, C6"),
    }
    assert {(r.user, r.reason) for r in updates} == {("dr.manager", "transcription error")}


def test_a_correction_needs_a_reason(done: Database) -> None:
    audit_before = count(done, "audit_log")
    with pytest.raises(ReasonNeeded, match=r"changing dose_cells needs a reason"):
        correct(done, reason=None, dose_cells=3_000_000)
    with pytest.raises(InvalidInput, match="reason: '  ' must not be blank"):
        correct(done, reason="  ", dose_cells=3_000_000)
    assert count(done, "audit_log") == audit_before
    unchanged(done)


def test_a_correction_that_changes_nothing_is_refused(done: Database) -> None:
    with pytest.raises(InvalidInput, match="change no field"):
        correct(done, dose_cells="2,000,000", surgeon="Dr B. Sato")


def test_the_corrected_record_meets_the_rules_of_a_transplant(done: Database) -> None:
    # Outside the window (day 14–28) without a deviation note.
    with pytest.raises(InvalidInput, match="outside the transplant window"):
        correct(done, transplant_date="2025-03-05")
    # Before consent (2025-02-08).
    with pytest.raises(InvalidInput, match=r"is before consent \(2025-02-08\)"):
        correct(done, transplant_date="2025-02-07")
    # Bad values are refused as when recording.
    with pytest.raises(InvalidInput, match="volume_ul: -1 input should be greater than 0"):
        correct(done, volume_ul=-1)
    unchanged(done)
    # With the note, outside the window is accepted.
    shown = correct(done, transplant_date="2025-03-05", protocol_deviation="theatre unavailable")
    assert (shown.days_after_injury, shown.within_window) == (32, False)


def test_a_correction_against_an_older_version_is_refused(done: Database) -> None:
    correct(done, surgeon="Dr C. Ito", expected_version=1)
    with pytest.raises(Conflict, match="is at version 2, not 1"):
        correct(done, dose_cells=3_000_000, expected_version=1)


def test_a_locked_transplant_visit_refuses_corrections(done: Database) -> None:
    common: dict[str, Any] = {"user": USER, "trial_code": TRIAL, "study_id": "P-001",
                              "visit": "transplant"}  # fmt: skip
    visits.record_visit(done, actual_date="2025-02-22", **common)
    visits.lock_visit(done, **common)
    with pytest.raises(Locked, match="visit transplant of P-001 is locked"):
        correct(done, dose_cells=3_000_000)
    unchanged(done)
    visits.unlock_visit(done, reason="correct the dose", **common)
    assert correct(done, dose_cells=3_000_000).dose_cells == 3_000_000
