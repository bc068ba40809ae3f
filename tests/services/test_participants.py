"""Use cases: enrolling pseudonymous participants, their eligibility and status."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from regencord.services import participants, trials
from regencord.services.errors import Conflict, InvalidInput, NotFound, ReasonNeeded
from regencord.services.participants import (
    ParticipantInput,
    find_participant,
    mark_transplanted,
)
from regencord.services.unit import unit_of_work
from regencord.services.validation import validated
from regencord.store.db import Database
from regencord.store.models import EligibilityAnswer, Participant, ParticipantStatus, Sex
from tests.store.helpers import audit_rows

T = "KEIO-SCI-01"
ENROLLED, SCREENING = ParticipantStatus.ENROLLED, ParticipantStatus.SCREENING
TRANSPLANTED, COMPLETED = ParticipantStatus.TRANSPLANTED, ParticipantStatus.COMPLETED
WITHDRAWN = ParticipantStatus.WITHDRAWN

PERSON: dict[str, Any] = {
    "study_id": "P-001",
    "age_at_injury": 34,
    "sex": "male",
    "injury_date": "2025-01-10",
    "mechanism": "fall",
    "vertebral_level": "C4",
}


@pytest.fixture
def trial(db: Database) -> Database:
    """A trial with two sites."""
    trials.create_trial(db, user="alice", data={"code": T, "title": "iPSC-NS/PC for SCI"})
    trials.add_site(db, user="alice", trial_code=T, data={"code": "KEIO", "name": "Keio"})
    trials.add_site(db, user="alice", trial_code=T, data={"code": "OSK", "name": "Osaka"})
    return db


def enrol(db: Database, site: str = "KEIO", **changes: Any) -> participants.ParticipantView:
    return participants.enrol(db, user="alice", trial_code=T, site_code=site, data=PERSON | changes)


def checked(**changes: Any) -> ParticipantInput:
    """``PERSON`` with ``changes``, validated as enrolment validates it."""
    return validated(ParticipantInput, PERSON | changes, f"participant {PERSON['study_id']}")


def answer(
    db: Database,
    criterion: str,
    met: bool = True,
    *,
    study_id: str = "P-001",
    note: str | None = None,
    reason: str | None = None,
    user: str = "alice",
) -> participants.ParticipantView:
    return participants.record_eligibility(
        db,
        user=user,
        trial_code=T,
        study_id=study_id,
        data={"criterion": criterion, "met": met, "note": note},
        reason=reason,
    )


def status(
    db: Database, new: str, study_id: str = "P-001", **options: Any
) -> participants.ParticipantView:
    options.setdefault("user", "alice")
    return participants.change_status(db, trial_code=T, study_id=study_id, status=new, **options)


def enrolled(db: Database, study_id: str = "P-001", **changes: Any) -> None:
    """``study_id`` enrolled: consent given, eligibility met."""
    enrol(db, study_id=study_id, consent_date="2025-01-12", **changes)
    answer(db, "AIS A on screening exam", study_id=study_id)
    answer(db, "age 18 or over", study_id=study_id)
    status(db, "enrolled", study_id=study_id)


def transplant(db: Database, study_id: str = "P-001", *, user: str = "surgeon") -> None:
    """What the transplant use case does with the participant."""
    with unit_of_work(db, user=user) as session:
        mark_transplanted(session, find_participant(session, T, study_id))


def show(db: Database, study_id: str = "P-001") -> participants.ParticipantView:
    return participants.show_participant(db, trial_code=T, study_id=study_id, user="reader")


def fields_of(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.field for p in error.value.problems]


# ------------------------------------------------------------------------------ enrol


def test_enrol(trial: Database) -> None:
    p = enrol(trial)
    assert (p.trial, p.site, p.study_id, p.age_at_injury, p.sex) == (
        T,
        "KEIO",
        "P-001",
        34,
        Sex.MALE,
    )
    assert (p.injury_date, p.mechanism, p.vertebral_level, p.consent_date) == (
        date(2025, 1, 10),
        "fall",
        "C4",
        None,
    )
    assert (p.status, p.version, p.eligibility, p.withdrawal_reason) == (SCREENING, 1, (), None)
    assert [(h.old, h.new, h.user) for h in p.history] == [(None, "screening", "alice")]
    assert show(trial) == p

    rows = audit_rows(trial, table="participant")
    assert {r.action for r in rows} == {"insert"}
    assert {r.field: r.new_value for r in rows}.items() >= {
        "study_id": "P-001",
        "sex": "male",
        "injury_date": "2025-01-10",
        "status": "screening",
    }.items()


def test_participants_are_pseudonymous() -> None:
    """No names, birth dates or contact data: the tables hold exactly these columns."""
    bookkeeping = {"id", "version", "created_at", "updated_at", "deleted_at", "deleted_reason"}
    assert set(Participant.__table__.columns.keys()) - bookkeeping == {
        "trial_id",
        "site_id",
        "study_id",
        "age_at_injury",
        "sex",
        "injury_date",
        "mechanism",
        "vertebral_level",
        "consent_date",
        "status",
        "withdrawal_reason",
    }
    assert set(EligibilityAnswer.__table__.columns.keys()) - bookkeeping == {
        "participant_id",
        "criterion",
        "met",
        "note",
    }


@pytest.mark.parametrize("field", ["name", "family_name", "birth_date", "phone", "email"])
def test_identifying_fields_are_refused(trial: Database, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        enrol(trial, **{field: "x"})
    assert fields_of(error) == [field]
    assert participants.list_participants(trial, trial_code=T, user="reader") == []


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("C1", "C1"),
        ("C7", "C7"),
        ("T1", "T1"),
        ("T12", "T12"),
        ("L5", "L5"),
        ("S1", "S1"),
        ("S5", "S5"),
        ("c4", "C4"),
        (" C4-C5 ", "C4-C5"),
        ("C7-T1", "C7-T1"),
        ("T12-L1", "T12-L1"),
        ("C5-C7", "C5-C7"),
    ],
)
def test_vertebral_levels(given: str, stored: str) -> None:
    assert checked(vertebral_level=given).vertebral_level == stored


def test_vertebral_level_is_stored_normalised(trial: Database) -> None:
    assert enrol(trial, vertebral_level=" c7-t1").vertebral_level == "C7-T1"
    assert show(trial).vertebral_level == "C7-T1"


def test_optional_fields_may_be_left_out(trial: Database) -> None:
    data = {k: PERSON[k] for k in ("study_id", "age_at_injury", "sex", "injury_date")}
    p = participants.enrol(trial, user="alice", trial_code=T, site_code="KEIO", data=data)
    assert (p.mechanism, p.vertebral_level, p.consent_date) == (None, None, None)


def test_consent_on_the_day_of_injury(trial: Database) -> None:
    assert enrol(trial, consent_date="2025-01-10").consent_date == date(2025, 1, 10)


def test_dates_up_to_today(trial: Database) -> None:
    today = date.today().isoformat()
    p = enrol(trial, injury_date=today, consent_date=today)
    assert p.injury_date == p.consent_date == date.today()


FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"study_id": "P 001"}, "study_id", "pattern"),
        ({"study_id": "-P1"}, "study_id", "pattern"),
        ({"study_id": ""}, "study_id", "at least 1"),
        ({"study_id": "P" * 41}, "study_id", "at most 40"),
        ({"study_id": "Tarō"}, "study_id", "pattern"),
        ({"age_at_injury": -1}, "age_at_injury", "greater than or equal to 0"),
        ({"age_at_injury": 121}, "age_at_injury", "less than or equal to 120"),
        ({"age_at_injury": "thirty"}, "age_at_injury", "valid integer"),
        ({"sex": "robot"}, "sex", "'female', 'male', 'other' or 'unknown'"),
        ({"injury_date": FUTURE}, "injury_date", "in the future"),
        ({"injury_date": "2025-1-10"}, "injury_date", "YYYY-MM-DD"),
        ({"injury_date": "1736467200"}, "injury_date", "YYYY-MM-DD"),
        ({"injury_date": "2025-02-30"}, "injury_date", "date"),
        ({"consent_date": "2025-01-09"}, "consent_date", "before the injury date 2025-01-10"),
        ({"consent_date": FUTURE}, "consent_date", "in the future"),
        ({"mechanism": ""}, "mechanism", "at least 1"),
        ({"mechanism": "x" * 101}, "mechanism", "at most 100"),
        ({"vertebral_level": "C8"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "C0"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "T13"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "L6"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "S6"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "X1"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "C4-"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "C4 C5"}, "vertebral_level", "like C4 or C4-C5"),
        ({"vertebral_level": "C5-C4"}, "vertebral_level", "upper to a lower"),
        ({"vertebral_level": "C4-C4"}, "vertebral_level", "upper to a lower"),
    ],
)
def test_bad_participant_is_refused(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        checked(**changes)
    assert fields_of(error) == [field]
    problem = error.value.problems[0]
    assert message in problem.message
    assert problem.value == changes[field]
    assert problem.record == f"participant {PERSON['study_id']}"


def test_enrol_refuses_bad_input_and_writes_nothing(trial: Database) -> None:
    with pytest.raises(InvalidInput, match="participant X 1: study_id: 'X 1'"):
        enrol(trial, study_id="X 1")
    with pytest.raises(InvalidInput, match="is in the future"):
        enrol(trial, injury_date=FUTURE)
    assert participants.list_participants(trial, trial_code=T, user="reader") == []
    assert audit_rows(trial, table="participant") == []


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as error:
        checked(age_at_injury=200, sex="?", vertebral_level="Q1")
    assert fields_of(error) == ["age_at_injury", "sex", "vertebral_level"]


def test_study_id_is_unique_within_a_trial(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput, match="already used in trial") as error:
        enrol(trial, site="OSK", age_at_injury=50)
    assert fields_of(error) == ["study_id"]
    trials.create_trial(trial, user="alice", data={"code": "OTHER", "title": "Another trial"})
    trials.add_site(trial, user="alice", trial_code="OTHER", data={"code": "KEIO", "name": "K"})
    other = participants.enrol(
        trial, user="alice", trial_code="OTHER", site_code="KEIO", data=PERSON
    )
    assert other.trial == "OTHER"


def test_unknown_trial_or_site(trial: Database) -> None:
    with pytest.raises(NotFound, match="trial 'NOPE'"):
        participants.enrol(trial, user="a", trial_code="NOPE", site_code="KEIO", data=PERSON)
    with pytest.raises(NotFound, match="'NAGOYA' is not a site of trial"):
        enrol(trial, site="NAGOYA")


def test_site_of_another_trial(trial: Database) -> None:
    trials.create_trial(trial, user="alice", data={"code": "OTHER", "title": "Another trial"})
    trials.add_site(trial, user="alice", trial_code="OTHER", data={"code": "KYOTO", "name": "K"})
    with pytest.raises(NotFound, match="'KYOTO' is not a site of trial KEIO-SCI-01"):
        enrol(trial, site="KYOTO")


def test_unknown_participant(trial: Database) -> None:
    with pytest.raises(NotFound, match="'P-404' is not in trial"):
        show(trial, "P-404")
    with pytest.raises(NotFound):
        answer(trial, "anything", study_id="P-404")
    with pytest.raises(NotFound):
        status(trial, "enrolled", "P-404")
    with pytest.raises(NotFound):
        participants.withdraw(trial, user="a", trial_code=T, study_id="P-404", reason="x")


# ------------------------------------------------------------------------- eligibility


def test_eligibility_answers(trial: Database) -> None:
    enrol(trial)
    answer(trial, "injury 14-28 days ago", note="day 20")
    p = answer(trial, "AIS A", met=False)
    assert [(e.criterion, e.met, e.note) for e in p.eligibility] == [
        ("AIS A", False, None),
        ("injury 14-28 days ago", True, "day 20"),
    ]
    assert show(trial).eligibility == p.eligibility
    rows = audit_rows(trial, table="eligibility_answer")
    assert {(r.action, r.reason) for r in rows} == {("insert", None)}


def test_same_answer_again_is_no_change(trial: Database) -> None:
    enrol(trial)
    answer(trial, "AIS A", note="on exam 1")
    before = len(audit_rows(trial))
    p = answer(trial, "AIS A")  # no note given: the note is kept
    assert p.eligibility[0].note == "on exam 1"
    assert len(audit_rows(trial)) == before


def test_changing_an_answer_needs_a_reason(trial: Database) -> None:
    enrol(trial)
    answer(trial, "AIS A", met=False)
    with pytest.raises(ReasonNeeded, match="'AIS A' is answered; changing met needs a reason"):
        answer(trial, "AIS A", met=True)
    assert show(trial).eligibility[0].met is False

    p = answer(trial, "AIS A", met=True, reason="re-examined", user="bob")
    assert p.eligibility[0].met is True
    change = audit_rows(trial, table="eligibility_answer")[-1]
    assert (change.action, change.field, change.old_value, change.new_value) == (
        "update",
        "met",
        "False",
        "True",
    )
    assert (change.user, change.reason) == ("bob", "re-examined")


def test_clearing_a_note(trial: Database) -> None:
    enrol(trial)
    answer(trial, "AIS A", note="unsure")
    with pytest.raises(ReasonNeeded, match="changing note"):
        answer(trial, "AIS A", note="")
    assert answer(trial, "AIS A", note="", reason="note was wrong").eligibility[0].note is None


def test_answering_after_screening_needs_a_reason(trial: Database) -> None:
    enrolled(trial)
    with pytest.raises(ReasonNeeded, match="no longer in screening"):
        answer(trial, "MRI lesion < 3 segments")
    p = answer(trial, "MRI lesion < 3 segments", reason="criterion added by amendment 2")
    assert "MRI lesion < 3 segments" in [e.criterion for e in p.eligibility]
    late = audit_rows(trial, table="eligibility_answer")[-1]
    assert (late.action, late.reason) == ("insert", "criterion added by amendment 2")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"criterion": "", "met": True}, "criterion"),
        ({"criterion": "x" * 201, "met": True}, "criterion"),
        ({"criterion": "AIS A", "met": "perhaps"}, "met"),
        ({"criterion": "AIS A", "met": True, "note": "n" * 501}, "note"),
        ({"criterion": "AIS A"}, "met"),
    ],
)
def test_bad_eligibility_answer(trial: Database, data: dict[str, Any], field: str) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput) as error:
        participants.record_eligibility(
            trial, user="alice", trial_code=T, study_id="P-001", data=data
        )
    assert fields_of(error) == [field]
    assert error.value.problems[0].record == "eligibility of participant P-001"
    assert show(trial).eligibility == ()


# ------------------------------------------------------------------------------ status


def test_enrolment_needs_consent_and_eligibility(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput) as error:
        status(trial, "enrolled")
    assert fields_of(error) == ["consent_date", "eligibility"]

    answer(trial, "AIS A")
    answer(trial, "age 18 or over", met=False)
    answer(trial, "no ventilator", met=False)
    with pytest.raises(InvalidInput) as error:
        status(trial, "enrolled", consent_date="2025-01-12")
    assert fields_of(error) == ["eligibility[age 18 or over]", "eligibility[no ventilator]"]
    p = show(trial)
    assert (p.status, p.consent_date, p.version) == (SCREENING, None, 1)  # nothing written


def test_enrolment(trial: Database) -> None:
    enrol(trial)
    answer(trial, "AIS A")
    p = status(trial, "enrolled", consent_date="2025-01-12", user="bob")
    assert (p.status, p.consent_date, p.version) == (ENROLLED, date(2025, 1, 12), 2)
    assert [(h.old, h.new, h.user, h.reason) for h in p.history] == [
        (None, "screening", "alice", None),
        ("screening", "enrolled", "bob", "status screening → enrolled"),
    ]
    rows = audit_rows(trial, table="participant")[-2:]
    assert {(r.field, r.old_value, r.new_value) for r in rows} == {
        ("status", "screening", "enrolled"),
        ("consent_date", None, "2025-01-12"),
    }


def test_enrolment_with_consent_recorded_at_entry(trial: Database) -> None:
    enrolled(trial)
    assert show(trial).status is ENROLLED


def test_status_change_records_the_reason_given(trial: Database) -> None:
    enrol(trial, consent_date="2025-01-12")
    answer(trial, "AIS A")
    p = status(trial, "enrolled", reason="eligibility confirmed by committee")
    assert p.history[-1].reason == "eligibility confirmed by committee"


def test_consent_date_when_enrolling(trial: Database) -> None:
    enrol(trial, consent_date="2025-01-12")
    answer(trial, "AIS A")
    with pytest.raises(InvalidInput, match="differs from the recorded 2025-01-12"):
        status(trial, "enrolled", consent_date="2025-01-13")
    with pytest.raises(InvalidInput, match="before the injury date"):
        status(trial, "enrolled", consent_date="2025-01-01")
    assert status(trial, "enrolled", consent_date="2025-01-12").status is ENROLLED


def test_consent_date_must_be_valid_when_enrolling(trial: Database) -> None:
    enrol(trial)
    answer(trial, "AIS A")
    for bad in ("2025-01-09", FUTURE, "12/01/2025"):
        with pytest.raises(InvalidInput) as error:
            status(trial, "enrolled", consent_date=bad)
        assert fields_of(error) == ["consent_date"]
    assert show(trial).consent_date is None


def test_whole_course_and_status_history(trial: Database) -> None:
    enrolled(trial)
    transplant(trial)
    assert show(trial).status is TRANSPLANTED
    p = status(trial, "completed", user="carol")
    assert p.status is COMPLETED
    assert [(h.old, h.new, h.user) for h in p.history] == [
        (None, "screening", "alice"),
        ("screening", "enrolled", "alice"),
        ("enrolled", "transplanted", "surgeon"),
        ("transplanted", "completed", "carol"),
    ]
    times = [h.at for h in p.history]
    assert times == sorted(times)
    assert all(t.tzinfo is UTC for t in times)


@pytest.mark.parametrize(
    ("setup", "new", "message"),
    [
        ("screening", "completed", "cannot follow screening; allowed next: enrolled, withdrawn"),
        ("enrolled", "completed", "cannot follow enrolled; allowed next: transplanted, withdrawn"),
        ("enrolled", "enrolled", "is already the status"),
        ("screening", "transplanted", "is set by recording the transplant"),
        ("screening", "withdrawn", "is set by withdrawing"),
        ("screening", "discharged", "is not a status"),
        ("withdrawn", "enrolled", "allowed next: none (withdrawal is final)"),
        ("withdrawn", "completed", "allowed next: none (withdrawal is final)"),
        ("completed", "enrolled", "cannot follow completed"),
    ],
)
def test_transitions_that_are_not_allowed(
    trial: Database, setup: str, new: str, message: str
) -> None:
    if setup == "screening":
        enrol(trial, consent_date="2025-01-12")
        answer(trial, "AIS A")
    else:
        enrolled(trial)
    if setup == "completed":
        transplant(trial)
        status(trial, "completed")
    if setup == "withdrawn":
        participants.withdraw(trial, user="a", trial_code=T, study_id="P-001", reason="moved")
    before = show(trial)
    with pytest.raises(InvalidInput, match=re.escape(message)) as error:
        status(trial, new)
    assert fields_of(error) == ["status"]
    assert show(trial) == before


def test_transplant_needs_an_enrolled_participant(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput, match="only enrolled participants can be transplanted"):
        transplant(trial)
    assert show(trial).status is SCREENING


def test_transplant_status_does_not_excuse_other_changes(trial: Database) -> None:
    """The transition's own reason covers the status, not other changes in the session."""
    enrolled(trial)
    with pytest.raises(ReasonNeeded, match="age_at_injury"), unit_of_work(db=trial, user="x") as s:
        participant = find_participant(s, T, "P-001")
        participant.age_at_injury = 35
        mark_transplanted(s, participant)
    p = show(trial)
    assert (p.status, p.age_at_injury) == (ENROLLED, 34)


def test_transplant_records_the_use_case_reason(trial: Database) -> None:
    enrolled(trial)
    with unit_of_work(trial, user="surgeon", reason="transplant T-1 recorded") as session:
        mark_transplanted(session, find_participant(session, T, "P-001"))
    assert show(trial).history[-1].reason == "transplant T-1 recorded"


def test_stale_version_is_a_conflict(trial: Database) -> None:
    enrol(trial, consent_date="2025-01-12")
    answer(trial, "AIS A")
    with pytest.raises(Conflict, match="version 1, not 0"):
        status(trial, "enrolled", expected_version=0)
    assert status(trial, "enrolled", expected_version=1).version == 2


# ---------------------------------------------------------------------------- withdraw


@pytest.mark.parametrize("stage", ["screening", "enrolled", "transplanted", "completed"])
def test_withdraw_from_any_status(trial: Database, stage: str) -> None:
    if stage == "screening":
        enrol(trial)
    else:
        enrolled(trial)
    if stage in ("transplanted", "completed"):
        transplant(trial)
    if stage == "completed":
        status(trial, "completed")
    p = participants.withdraw(
        trial, user="dora", trial_code=T, study_id="P-001", reason=" consent withdrawn "
    )
    assert (p.status, p.withdrawal_reason) == (WITHDRAWN, "consent withdrawn")
    last = p.history[-1]
    assert (last.old, last.new, last.user, last.reason) == (
        stage,
        "withdrawn",
        "dora",
        "consent withdrawn",
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdrawal_needs_a_reason(trial: Database, reason: str | None) -> None:
    enrol(trial)
    with pytest.raises(ReasonNeeded, match="withdrawing needs a reason"):
        participants.withdraw(trial, user="a", trial_code=T, study_id="P-001", reason=reason)
    assert show(trial).status is SCREENING


def test_withdrawal_reason_too_long(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput) as error:
        participants.withdraw(trial, user="a", trial_code=T, study_id="P-001", reason="x" * 501)
    assert fields_of(error) == ["reason"]


def test_withdrawal_is_final(trial: Database) -> None:
    enrol(trial)
    participants.withdraw(trial, user="a", trial_code=T, study_id="P-001", reason="moved")
    with pytest.raises(InvalidInput, match="is already the status"):
        participants.withdraw(trial, user="a", trial_code=T, study_id="P-001", reason="again")
    with pytest.raises(InvalidInput, match="withdrawal is final"):
        status(trial, "enrolled")
    assert show(trial).withdrawal_reason == "moved"


# ------------------------------------------------------------------------------ update


def update(db: Database, reason: str | None = None, **changes: Any) -> participants.ParticipantView:
    return participants.update_participant(
        db, user="bob", trial_code=T, study_id="P-001", changes=changes, reason=reason
    )


def test_correcting_a_saved_value_needs_a_reason(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(ReasonNeeded, match="changing age_at_injury, vertebral_level"):
        update(trial, age_at_injury=35, vertebral_level="C5")
    assert show(trial).age_at_injury == 34

    p = update(trial, reason="transcription error", age_at_injury=35, vertebral_level="c5")
    assert (p.age_at_injury, p.vertebral_level, p.version) == (35, "C5", 2)
    rows = audit_rows(trial, table="participant")[-2:]
    assert {(r.field, r.old_value, r.new_value, r.reason, r.user) for r in rows} == {
        ("age_at_injury", "34", "35", "transcription error", "bob"),
        ("vertebral_level", "C4", "C5", "transcription error", "bob"),
    }


def test_unchanged_values_need_no_reason(trial: Database) -> None:
    enrol(trial)
    assert update(trial, age_at_injury="34", sex="male").version == 1


def test_corrections_are_validated_as_a_whole(trial: Database) -> None:
    enrol(trial, consent_date="2025-01-12")
    with pytest.raises(InvalidInput, match="before the injury date 2025-01-20") as error:
        update(trial, reason="wrong date", injury_date="2025-01-20")
    assert fields_of(error) == ["consent_date"]
    with pytest.raises(InvalidInput) as error:
        update(trial, reason="x", age_at_injury=130)
    assert fields_of(error) == ["age_at_injury"]


@pytest.mark.parametrize("field", ["study_id", "status", "withdrawal_reason", "name"])
def test_fields_that_update_does_not_change(trial: Database, field: str) -> None:
    enrol(trial)
    with pytest.raises(InvalidInput, match="cannot be changed") as error:
        update(trial, reason="x", **{field: "withdrawn"})
    assert fields_of(error) == [field]


def test_update_with_stale_version(trial: Database) -> None:
    enrol(trial)
    with pytest.raises(Conflict):
        participants.update_participant(
            trial,
            user="bob",
            trial_code=T,
            study_id="P-001",
            changes={"age_at_injury": 40},
            reason="x",
            expected_version=7,
        )


# -------------------------------------------------------------------------------- list


def test_list_by_trial_site_and_status(trial: Database) -> None:
    enrolled(trial, "P-003")
    enrol(trial, study_id="P-001", site="OSK")
    enrol(trial, study_id="P-002")

    def ids(**filters: Any) -> list[str]:
        return [
            p.study_id
            for p in participants.list_participants(trial, trial_code=T, **filters, user="reader")
        ]

    assert ids() == ["P-001", "P-002", "P-003"]
    assert ids(site_code="KEIO") == ["P-002", "P-003"]
    assert ids(site_code="OSK") == ["P-001"]
    assert ids(status="screening") == ["P-001", "P-002"]
    assert ids(status=ENROLLED) == ["P-003"]
    assert ids(site_code="OSK", status="enrolled") == []
    assert ids(status="withdrawn") == []


def test_list_is_per_trial(trial: Database) -> None:
    enrol(trial)
    trials.create_trial(trial, user="alice", data={"code": "OTHER", "title": "Another trial"})
    assert participants.list_participants(trial, trial_code="OTHER", user="reader") == []


def test_list_with_bad_filters(trial: Database) -> None:
    with pytest.raises(InvalidInput, match="'dead' is not a status"):
        participants.list_participants(trial, trial_code=T, status="dead", user="reader")
    with pytest.raises(NotFound):
        participants.list_participants(trial, trial_code=T, site_code="NOPE", user="reader")
    with pytest.raises(NotFound):
        participants.list_participants(trial, trial_code="NOPE", user="reader")
