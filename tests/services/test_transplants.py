"""Recording a transplant (lot, participant, dates, window), immunosuppression, and the
chain of identity from cell line to participant."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from regencord.services import product, transplants
from regencord.services.errors import InvalidInput, NotFound, ReasonNeeded
from regencord.services.participants import find_participant
from regencord.store.db import Database
from regencord.store.models import ParticipantStatus
from regencord.store.models.product import LotDecision
from tests.services.product_builders import (
    LOT,
    TRIAL,
    USER,
    add_line,
    add_lot,
    add_participant,
    audit_rows,
    count,
    record_passing_qc,
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


def transplant(db: Database, study_id: str = "P-001", **changes: Any) -> Any:
    return transplants.record_transplant(
        db, user=USER, trial_code=TRIAL, study_id=study_id, data=TRANSPLANT | changes
    )


def status_of(db: Database, study_id: str = "P-001") -> ParticipantStatus:
    with db.transaction(user=USER) as session:
        return find_participant(session, TRIAL, study_id).status


def refused(db: Database, match: str, study_id: str = "P-001", **changes: Any) -> None:
    """The transplant is refused with ``match`` and nothing at all is written."""
    audit_before = count(db, "audit_log")
    with pytest.raises(InvalidInput, match=match):
        transplant(db, study_id, **changes)
    assert count(db, "transplant") == 0
    assert count(db, "audit_log") == audit_before
    assert status_of(db, study_id) is ParticipantStatus.ENROLLED


@pytest.fixture
def ready(db: Database) -> Database:
    """A trial with a day 14–28 window, a released lot, an enrolled participant."""
    trial_with_window(db)
    released_lot(db)
    add_participant(db)
    return db


# --- the transplant -------------------------------------------------------------------------


def test_transplant_is_recorded_and_the_participant_is_transplanted(ready: Database) -> None:
    shown = transplant(ready)
    assert shown.days_after_injury == 21
    assert shown.window == (14, 28)
    assert shown.within_window
    assert (shown.lot_id, shown.dose_cells, shown.volume_ul) == (LOT, 2_000_000, 40.0)
    assert shown.participant_status == "transplanted"
    assert status_of(ready) is ParticipantStatus.TRANSPLANTED


def test_transplant_and_status_change_are_audited(ready: Database) -> None:
    transplant(ready)
    rows = audit_rows(ready, "transplant")
    assert {r.action for r in rows} == {"insert"}
    assert {r.user for r in rows} == {USER}
    assert {r.field: r.new_value for r in rows}["dose_cells"] == "2000000"
    [status] = [r for r in audit_rows(ready, "participant") if r.field == "status"][-1:]
    assert (status.action, status.old_value, status.new_value) == (
        "update",
        "enrolled",
        "transplanted",
    )
    assert status.reason == f"transplanted on 2025-02-22 with lot {LOT}"


def test_input_is_normalised(ready: Database) -> None:
    shown = transplant(ready, dose_cells="2e6", volume_ul="12.5", injection_sites="C4,C5 ,C6")
    assert (shown.dose_cells, shown.volume_ul, shown.injection_sites) == (
        2_000_000,
        12.5,
        "C4, C5, C6",
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"dose_cells": 0}, "dose_cells: 0 input should be greater than 0"),
        ({"dose_cells": "2.5"}, "dose_cells: '2.5' is not a whole number"),
        ({"volume_ul": -4}, "volume_ul: -4 input should be greater than 0"),
        ({"injection_sites": "C4,,C5"}, "injection_sites: 'C4,,C5' has an empty entry"),
        ({"surgeon": ""}, "surgeon: '' string should have at least 1 character"),
        ({"transplant_date": "22/02/2025"}, "transplant_date: '22/02/2025' is not a valid date"),
    ],
)
def test_bad_values_are_refused(ready: Database, changes: dict[str, Any], expected: str) -> None:
    refused(ready, expected, **changes)


# --- the lot --------------------------------------------------------------------------------


def test_rejected_lot_is_refused(ready: Database) -> None:
    data = {"decided_by": "Dr A. Tanaka", "decided_on": "2025-02-10", "note": "recall"}
    product.reject_lot(ready, user=USER, lot_id=LOT, data=data)
    refused(
        ready,
        r"transplant of P-001 \(trial KEIO-SCI-01\): lot: 'NSPC-0021' was not released "
        r"\(decision: rejected by Dr A. Tanaka on 2025-02-10\): it cannot be used in a transplant",
    )


def test_unreleased_lot_is_refused(db: Database) -> None:
    trial_with_window(db)
    add_line(db)
    add_lot(db)
    record_passing_qc(db)
    add_participant(db)
    refused(db, r"'NSPC-0021' was not released \(no release decision\)")


def test_lot_released_after_the_transplant_date_is_refused(db: Database) -> None:
    trial_with_window(db)
    released_lot(db, released_on="2025-02-25")
    add_participant(db)
    refused(db, r"was not released \(released by Dr A. Tanaka on 2025-02-25, after the transplant")


def test_lot_rejected_only_after_the_transplant_date_was_usable(ready: Database) -> None:
    data = {"decided_by": "QA", "decided_on": "2025-02-24", "note": "late sterility positive"}
    product.reject_lot(ready, user=USER, lot_id=LOT, data=data)
    assert transplant(ready).lot_id == LOT


def test_expired_lot_is_refused(db: Database) -> None:
    trial_with_window(db)
    released_lot(db, expires="2025-02-20")
    add_participant(db)
    refused(
        db,
        "lot: 'NSPC-0021' expired on 2025-02-20, before the transplant date 2025-02-22: "
        "it cannot be used",
    )


def test_transplant_on_the_expiry_date_is_allowed(db: Database) -> None:
    trial_with_window(db)
    released_lot(db, expires="2025-02-22")
    add_participant(db)
    assert transplant(db).transplant_date == date(2025, 2, 22)


def test_unknown_lot_is_not_found(ready: Database) -> None:
    with pytest.raises(NotFound, match="lot 'NSPC-0099' does not exist"):
        transplant(ready, lot="NSPC-0099")
    assert count(ready, "transplant") == 0


# --- the participant and the dates ----------------------------------------------------------


@pytest.mark.parametrize("status", [ParticipantStatus.SCREENING, ParticipantStatus.WITHDRAWN])
def test_participant_must_be_enrolled(db: Database, status: ParticipantStatus) -> None:
    trial_with_window(db)
    released_lot(db)
    add_participant(db, status=status)
    with pytest.raises(InvalidInput, match=f"participant status: '{status.value}' is not enrolled"):
        transplant(db)
    assert count(db, "transplant") == 0


def test_second_transplant_is_refused(ready: Database) -> None:
    transplant(ready)
    with pytest.raises(InvalidInput, match="already has a transplant \\(on 2025-02-22\\)"):
        transplant(ready, transplant_date="2025-02-23")
    assert count(ready, "transplant") == 1


def test_unknown_participant_is_not_found(ready: Database) -> None:
    with pytest.raises(NotFound, match="P-404"):
        transplant(ready, "P-404")


def test_transplant_before_consent_is_refused(db: Database) -> None:
    trial_with_window(db)
    released_lot(db)
    add_participant(db, consent="2025-02-23")
    refused(db, r"transplant_date: '2025-02-22' is before consent \(2025-02-23\)")


def test_transplant_on_the_consent_date_is_allowed(db: Database) -> None:
    trial_with_window(db)
    released_lot(db)
    add_participant(db, consent="2025-02-22")
    assert transplant(db).days_after_injury == 21


def test_transplant_on_or_before_the_injury_is_refused(db: Database) -> None:
    trial_with_window(db, day=0, before=0, after=30)
    released_lot(db, released_on="2025-02-05")
    add_participant(db, injury="2025-02-22", consent="2025-02-22")
    refused(db, r"transplant_date: '2025-02-22' is not after the injury \(2025-02-22\)")


def test_transplant_in_the_future_is_refused(db: Database) -> None:
    trial_with_window(db)
    soon = date.today() + timedelta(days=3)
    released_lot(db, expires=(soon + timedelta(days=30)).isoformat())
    add_participant(db)
    refused(db, "transplant_date: .* is in the future", transplant_date=soon.isoformat())


# --- the window -----------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "inside"), [(13, False), (14, True), (28, True), (29, False)])
def test_window_bounds(ready: Database, day: int, inside: bool) -> None:
    on = (date(2025, 2, 1) + timedelta(days=day)).isoformat()
    if inside:
        assert transplant(ready, transplant_date=on).within_window
    else:
        refused(
            ready,
            rf"transplant_date: '{on}' is day {day} after injury, outside the transplant window "
            r"\(day 14–28\): it can only be saved with a protocol deviation note",
            transplant_date=on,
        )


def test_outside_the_window_with_a_deviation_note_is_saved(ready: Database) -> None:
    note = "OR unavailable; transplant postponed by the investigator"
    shown = transplant(ready, transplant_date="2025-03-05", protocol_deviation=note)
    assert (shown.days_after_injury, shown.within_window) == (32, False)
    assert shown.protocol_deviation == note
    assert [r.new_value for r in audit_rows(ready, "transplant") if r.field == "protocol_deviation"]


def test_blank_deviation_note_does_not_count(ready: Database) -> None:
    refused(
        ready,
        "outside the transplant window",
        transplant_date="2025-03-05",
        protocol_deviation="  ",
    )


def test_trial_without_a_transplant_window_refuses_transplants(db: Database) -> None:
    trial_with_window(db, transplant_visit=False)
    released_lot(db)
    add_participant(db)
    refused(
        db,
        "trial KEIO-SCI-01: schedule visit: 'transplant' is not in its schedule: the transplant "
        "window",
    )


# --- immunosuppression ----------------------------------------------------------------------


def test_immunosuppression_courses(ready: Database) -> None:
    transplant(ready)
    add = transplants.add_immunosuppression
    course = add(
        ready,
        user=USER,
        trial_code=TRIAL,
        study_id="P-001",
        data={"regimen": "tacrolimus 0.05 mg/kg/day", "start_on": "2025-02-21"},
    )
    assert str(course).endswith("tacrolimus 0.05 mg/kg/day, 2025-02-21 to ongoing")
    done = add(
        ready,
        user=USER,
        trial_code=TRIAL,
        study_id="P-001",
        data={"regimen": "methylprednisolone", "start_on": "2025-02-22", "stop_on": "2025-02-22"},
    )
    assert done.stop_on == date(2025, 2, 22)
    shown = transplants.show_transplant(ready, trial_code=TRIAL, study_id="P-001", user=USER)
    assert [c.regimen for c in shown.immunosuppression] == [
        "tacrolimus 0.05 mg/kg/day",
        "methylprednisolone",
    ]


def test_immunosuppression_dates_are_checked(ready: Database) -> None:
    transplant(ready)

    def add(**data: str) -> None:
        transplants.add_immunosuppression(
            ready, user=USER, trial_code=TRIAL, study_id="P-001", data={"regimen": "x", **data}
        )

    with pytest.raises(InvalidInput, match="stop_on: '2025-02-20' is before start_on 2025-02-21"):
        add(start_on="2025-02-21", stop_on="2025-02-20")
    with pytest.raises(InvalidInput, match=r"start_on: '2025-02-07' is before consent"):
        add(start_on="2025-02-07")
    assert count(ready, "immunosuppression_course") == 0


def test_immunosuppression_needs_a_transplant(ready: Database) -> None:
    with pytest.raises(NotFound, match="participant P-001 of trial KEIO-SCI-01 has no transplant"):
        transplants.add_immunosuppression(
            ready,
            user=USER,
            trial_code=TRIAL,
            study_id="P-001",
            data={"regimen": "tacrolimus", "start_on": "2025-02-21"},
        )


def test_stopping_a_course(ready: Database) -> None:
    transplant(ready)
    course = transplants.add_immunosuppression(
        ready,
        user=USER,
        trial_code=TRIAL,
        study_id="P-001",
        data={"regimen": "tacrolimus", "start_on": "2025-02-21"},
    )

    def stop(on: str, reason: str | None = None) -> transplants.CourseView:
        return transplants.stop_immunosuppression(
            ready,
            user=USER,
            trial_code=TRIAL,
            study_id="P-001",
            course_id=course.id,
            stop_on=on,
            reason=reason,
        )

    with pytest.raises(InvalidInput, match="stop_on: '2025-02-20' is before start_on"):
        stop("2025-02-20")
    assert stop("2025-08-21").stop_on == date(2025, 8, 21)
    with pytest.raises(ReasonNeeded, match="changing its stop date needs a reason"):
        stop("2025-08-28")
    assert stop("2025-08-28", reason="pharmacy record corrected").stop_on == date(2025, 8, 28)
    updates = [r for r in audit_rows(ready, "immunosuppression_course") if r.action == "update"]
    assert [(r.old_value, r.new_value, r.reason) for r in updates] == [
        (None, "2025-08-21", "immunosuppression course stopped"),
        ("2025-08-21", "2025-08-28", "pharmacy record corrected"),
    ]


# --- chain of identity ----------------------------------------------------------------------


def test_chain_of_identity_of_a_participant(ready: Database) -> None:
    transplant(ready)
    transplants.add_immunosuppression(
        ready,
        user=USER,
        trial_code=TRIAL,
        study_id="P-001",
        data={"regimen": "tacrolimus", "start_on": "2025-02-21"},
    )
    chain = transplants.show_chain_of_identity(ready, trial_code=TRIAL, study_id="P-001", user=USER)
    assert chain.line.line_id == "CIRA-HLA-01"
    assert chain.lot.lot_id == LOT
    assert chain.lot.decisions[-1].decision is LotDecision.RELEASED
    assert [t.study_id for t in chain.transplants] == ["P-001"]
    text = str(chain)
    lines = text.splitlines()
    assert lines[0] == "chain of identity of lot NSPC-0021"
    assert lines[1] == "cell line CIRA-HLA-01: HLA-homozygous iPS cell stock"
    assert "  donor HLA A*24:02, B*52:01, DRB1*15:02; reprogramming episomal vectors" in lines
    assert "lot NSPC-0021 (line CIRA-HLA-01): released" in lines
    assert "  QC viability: 92.5 % (spec ≥ 70 %) pass, tested 2025-02-03" in lines
    assert "  QC mycoplasma: Negative (spec negative) pass, tested 2025-02-03" in lines
    assert "  decision: released by Dr A. Tanaka on 2025-02-05" in lines
    assert "transplant: participant P-001 of trial KEIO-SCI-01 (transplanted)" in lines
    assert "  2025-02-22, day 21 after injury (injury 2025-02-01; window day 14–28)" in lines
    assert "  lot NSPC-0021: 2000000 cells in 40 µL at C4, C5; surgeon Dr B. Sato" in lines
    assert lines[-1].startswith("  immunosuppression course ")


def test_chain_of_identity_of_a_lot_lists_every_participant(ready: Database) -> None:
    add_participant(ready, "P-002", injury="2025-02-03", consent="2025-02-10")
    transplant(ready, "P-002", transplant_date="2025-02-20")
    transplant(ready, "P-001", protocol_deviation="dose prepared late")
    chain = transplants.show_chain_of_identity(ready, lot_id=LOT, user=USER)
    assert [(t.study_id, t.days_after_injury) for t in chain.transplants] == [
        ("P-002", 17),
        ("P-001", 21),
    ]
    assert "  protocol deviation: dose prepared late" in str(chain)


def test_chain_of_identity_of_an_unused_lot(db: Database) -> None:
    add_line(db)
    add_lot(db)
    chain = transplants.show_chain_of_identity(db, lot_id=LOT, user=USER)
    assert chain.lot.status == "awaiting release"
    assert str(chain).splitlines()[-1] == "no transplant with this lot"


@pytest.mark.parametrize(
    "arguments",
    [{}, {"trial_code": TRIAL}, {"trial_code": TRIAL, "study_id": "P-001", "lot_id": LOT}],
)
def test_chain_of_identity_needs_a_participant_or_a_lot(
    db: Database, arguments: dict[str, str]
) -> None:
    with pytest.raises(InvalidInput, match="chain of identity: start is missing"):
        transplants.show_chain_of_identity(db, user=USER, **arguments)


def test_chain_of_identity_of_a_participant_without_transplant(ready: Database) -> None:
    with pytest.raises(NotFound, match="has no transplant"):
        transplants.show_chain_of_identity(ready, trial_code=TRIAL, study_id="P-001", user=USER)


@pytest.mark.parametrize(
    ("sites", "expected"),
    [
        ("Z9, banana", "injection_sites: 'Z9, banana' has 'Z9', which is not a vertebral level"),
        ("C4, C8", "has 'C8', which is not a vertebral level like C4 or C4-C5"),
        ("C4, c4", "injection_sites: 'C4, c4' names a site twice"),
        ("C5-C4", "has 'C5-C4', which must run from the upper to a lower vertebra"),
    ],
)
def test_injection_sites_are_vertebral_levels(ready: Database, sites: str, expected: str) -> None:
    # Issue 14 (item 8): "--sites 'Z9, banana'" was stored.
    refused(ready, expected, injection_sites=sites)


def test_injection_sites_are_stored_as_levels(ready: Database) -> None:
    assert transplant(ready, injection_sites="c4 , C5-C6").injection_sites == "C4, C5-C6"


def test_a_long_value_is_cut_in_the_message(ready: Database) -> None:
    with pytest.raises(InvalidInput) as raised:
        transplant(ready, injection_sites="C4, " + "B" * 5000)
    message = str(raised.value)
    assert len(message) < 400
    assert "… (5004 characters)" in message
    assert count(ready, "transplant") == 0
