"""Adverse events, imaging findings and rehabilitation sessions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from regencord.services import safety
from regencord.services.errors import Conflict, InvalidInput, NotFound, ReasonNeeded
from regencord.store.db import Database
from regencord.store.models import AdverseEvent, AeResolution, ImagingFinding, Modality, Relatedness
from tests.services.followup_data import TRIAL, USER, audit_rows, count, setup_trial

HEADACHE: dict[str, Any] = {
    "term": "Headache",
    "meddra_code": "10019211",
    "onset_date": "2024-02-01",
    "resolution_date": None,
    "ctcae_grade": 1,
    "serious": False,
    "related_to_cells": "unlikely",
    "related_to_surgery": "possible",
    "related_to_immunosuppression": "unrelated",
    "outcome": "recovering",
    "action_taken": "paracetamol",
}


def add_ae(db: Database, study_id: str = "P01", **changes: Any) -> safety.AdverseEventView:
    data = HEADACHE | changes
    return safety.add_adverse_event(db, user=USER, trial_code=TRIAL, study_id=study_id, data=data)


def problems(caught: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.field: str(p) for p in caught.value.problems}


def test_adverse_event_is_recorded_and_audited(db: Database) -> None:
    setup_trial(db)
    ae = add_ae(db)
    assert ae.term == "Headache" and ae.ctcae_grade == 1 and ae.onset_date == date(2024, 2, 1)
    assert ae.related_to_cells is Relatedness.UNLIKELY
    assert ae.related_to_surgery is Relatedness.POSSIBLE
    assert ae.outcome is AeResolution.RECOVERING
    inserted = {a.field: a.new_value for a in audit_rows(db, "adverse_event", ae.id, "insert")}
    assert inserted["term"] == "Headache" and inserted["related_to_cells"] == "unlikely"
    assert inserted["meddra_code"] == "10019211"


def test_relatedness_and_outcome_spelling(db: Database) -> None:
    setup_trial(db)
    ae = add_ae(db, related_to_cells="Probable", outcome="Not-Recovered", meddra_code="")
    assert ae.related_to_cells is Relatedness.PROBABLE
    assert ae.outcome is AeResolution.NOT_RECOVERED
    assert ae.meddra_code is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ctcae_grade": 0}, "ctcae_grade"),
        ({"ctcae_grade": 6}, "ctcae_grade"),
        ({"ctcae_grade": None}, "ctcae_grade"),
        ({"related_to_cells": "maybe"}, "related_to_cells"),
        ({"related_to_surgery": None}, "related_to_surgery"),
        ({"related_to_immunosuppression": "likely"}, "related_to_immunosuppression"),
        ({"outcome": "better"}, "outcome"),
        ({"meddra_code": "1001921"}, "meddra_code"),
        ({"meddra_code": "1001921A"}, "meddra_code"),
        ({"term": ""}, "term"),
        ({"onset_date": "2024-13-01"}, "onset_date"),
        ({"serious": "perhaps"}, "serious"),
    ],
)
def test_adverse_event_field_validation(db: Database, changes: dict[str, Any], field: str) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        add_ae(db, **changes)
    assert list(problems(caught)) == [field]
    assert count(db, AdverseEvent) == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"resolution_date": "2024-01-31", "outcome": "recovered"},
            {"resolution_date": "'2024-01-31' is before the onset (2024-02-01)"},
        ),
        ({"onset_date": "2023-12-01"}, {"onset_date": "is before the injury (2024-01-01)"}),
        ({"ctcae_grade": 5, "serious": True}, {"outcome": "'recovering' must be fatal"}),
        (
            {"ctcae_grade": 5, "outcome": "fatal"},
            {"serious": "False must be true for a fatal event"},
        ),
        (
            {"ctcae_grade": 3, "outcome": "fatal", "serious": True},
            {"ctcae_grade": "3 must be 5 when the outcome is fatal"},
        ),
        (
            {"outcome": "recovered"},
            {"resolution_date": "resolution_date: is required when the outcome"},
        ),
        (
            {"resolution_date": "2024-02-03"},
            {"resolution_date": "must be empty while the outcome is recovering"},
        ),
    ],
)
def test_adverse_event_rules(
    db: Database, changes: dict[str, Any], expected: dict[str, str]
) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        add_ae(db, **changes)
    found = problems(caught)
    assert list(found) == list(expected)
    for field, text in expected.items():
        assert text in found[field]
        assert found[field].startswith(f"adverse event of P01: {field}: ")


def test_adverse_event_dates_not_in_the_future(db: Database) -> None:
    setup_trial(db)
    soon = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(InvalidInput, match=r"onset_date: .* is in the future"):
        add_ae(db, onset_date=soon)
    with pytest.raises(InvalidInput, match=r"resolution_date: .* is in the future"):
        add_ae(db, resolution_date=soon, outcome="recovered")


def test_fatal_event(db: Database) -> None:
    setup_trial(db)
    ae = add_ae(
        db, ctcae_grade=5, serious=True, outcome="fatal", resolution_date="2024-02-04",
        related_to_cells="unrelated",
    )  # fmt: skip
    assert ae.outcome is AeResolution.FATAL and ae.serious


def test_update_adverse_event_needs_a_reason(db: Database) -> None:
    setup_trial(db)
    ae = add_ae(db)
    resolved = {"resolution_date": "2024-02-05", "outcome": "recovered"}
    with pytest.raises(ReasonNeeded, match="changing resolution_date, outcome needs a reason"):
        safety.update_adverse_event(db, user=USER, event_id=ae.id, changes=resolved, reason=None)
    with pytest.raises(InvalidInput, match="resolution_date: '2024-01-05' is before the onset"):
        safety.update_adverse_event(
            db, user=USER, event_id=ae.id, reason="resolved",
            changes={"resolution_date": "2024-01-05", "outcome": "recovered"},
        )  # fmt: skip
    with pytest.raises(Conflict):
        safety.update_adverse_event(
            db, user=USER, event_id=ae.id, changes=resolved, reason="r", expected_version=9
        )
    updated = safety.update_adverse_event(
        db, user="dr.safety", event_id=ae.id, changes=resolved, reason="headache resolved"
    )
    assert updated.resolution_date == date(2024, 2, 5)
    assert updated.outcome is AeResolution.RECOVERED and updated.version == ae.version + 1
    rows = audit_rows(db, "adverse_event", ae.id, "update")
    assert [(a.field, a.old_value, a.new_value, a.reason, a.user) for a in rows] == [
        ("resolution_date", None, "2024-02-05", "headache resolved", "dr.safety"),
        ("outcome", "recovering", "recovered", "headache resolved", "dr.safety"),
    ]
    with pytest.raises(NotFound):
        safety.update_adverse_event(db, user=USER, event_id=999, changes={}, reason="x")


def test_list_adverse_events(db: Database) -> None:
    setup_trial(db, ("P01", "P02"))
    add_ae(db, "P02", onset_date="2024-03-01")
    add_ae(db, "P01", term="Wound infection", onset_date="2024-02-10")
    everyone = safety.list_adverse_events(db, trial_code=TRIAL, user=USER)
    assert [(e.participant, e.term) for e in everyone] == [
        ("P01", "Wound infection"),
        ("P02", "Headache"),
    ]
    only = safety.list_adverse_events(db, trial_code=TRIAL, study_id="P02", user=USER)
    assert [e.participant for e in only] == ["P02"]


def finding(db: Database, **changes: Any) -> safety.ImagingFindingView:
    data = {
        "imaging_date": "2024-03-01",
        "modality": "MRI",
        "finding": "Syrinx C4-C6, no mass",
        "syrinx": True,
        "lesion_length_mm": 14.5,
    } | changes
    return safety.add_imaging_finding(db, user=USER, trial_code=TRIAL, study_id="P01", data=data)


def test_imaging_findings(db: Database) -> None:
    setup_trial(db)
    first = finding(db)
    assert first.modality is Modality.MRI and first.syrinx and not first.suspected_mass
    assert first.lesion_length_mm == 14.5
    second = finding(db, modality="x-ray", imaging_date="2024-02-01", suspected_mass=True,
                     lesion_length_mm=None, syrinx=False)  # fmt: skip
    assert second.modality is Modality.XRAY
    listed = safety.list_imaging_findings(db, trial_code=TRIAL, study_id="P01", user=USER)
    assert [f.id for f in listed] == [second.id, first.id]
    inserted = {a.field: a.new_value for a in audit_rows(db, "imaging_finding", first.id)}
    assert inserted["syrinx"] == "True" and inserted["modality"] == "MRI"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"modality": "sonar"}, "modality"),
        ({"lesion_length_mm": 0}, "lesion_length_mm"),
        ({"lesion_length_mm": -2}, "lesion_length_mm"),
        ({"finding": ""}, "finding"),
        ({"imaging_date": "2023-12-31"}, "imaging_date"),
        ({"imaging_date": (date.today() + timedelta(days=1)).isoformat()}, "imaging_date"),
    ],
)
def test_imaging_validation(db: Database, changes: dict[str, Any], field: str) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        finding(db, **changes)
    assert [p.field for p in caught.value.problems] == [field]
    assert count(db, ImagingFinding) == 0


def rehab(db: Database, **changes: Any) -> safety.RehabSessionView:
    data = {"session_date": "2024-02-15", "kind": "locomotor training", "minutes": 60} | changes
    return safety.add_rehab_session(db, user=USER, trial_code=TRIAL, study_id="P01", data=data)


def test_rehab_sessions(db: Database) -> None:
    setup_trial(db)
    rehab(db)
    rehab(db, session_date="2024-02-14", kind="occupational therapy", minutes=45, note="ADL")
    listed = safety.list_rehab_sessions(db, trial_code=TRIAL, user=USER)
    assert [(r.session_date, r.kind, r.minutes) for r in listed] == [
        (date(2024, 2, 14), "occupational therapy", 45),
        (date(2024, 2, 15), "locomotor training", 60),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 721}, "minutes"),
        ({"minutes": 30.5}, "minutes"),
        ({"kind": ""}, "kind"),
        ({"session_date": "2023-01-01"}, "session_date"),
    ],
)
def test_rehab_validation(db: Database, changes: dict[str, Any], field: str) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        rehab(db, **changes)
    assert [p.field for p in caught.value.problems] == [field]
