"""A small trial with a bit of everything, recorded through the services: participants,
a transplant with lot and immunosuppression, visits done, missed and locked, exams (one
replaced, so soft-deleted), measures (SCIM items as JSON), adverse events, imaging, rehab,
and awkward text (empty strings, backslashes, commas, quotes, newlines, non-ASCII)."""

from __future__ import annotations

from datetime import date
from typing import Any

from regencord.isncsci.synthetic import generate_exams
from regencord.services import exams, measures, safety, visits
from regencord.store.db import Database
from regencord.store.models import AdverseEvent
from tests.exam_files import c5_complete_exam
from tests.services.followup_data import TRIAL, USER, add_transplant, setup_trial
from tests.services.test_measures import SOME_SCIM

AWKWARD = 'says "ok", then\nleft\\N — 脊髄'


def build_trial(db: Database) -> None:
    setup_trial(db, ("P01", "P02", "P03"))
    add_transplant(db, "P01", date(2024, 1, 20))
    who: dict[str, Any] = {"user": USER, "trial_code": TRIAL}
    synthetic = generate_exams(4, seed=7)
    exams.record_exam(db, **who, study_id="P01", visit="baseline", exam=c5_complete_exam(),
                      exam_date="2024-01-08", examiner="Dr. Ä")  # fmt: skip
    exams.record_exam(db, **who, study_id="P01", visit="baseline", exam=synthetic[0],
                      exam_date="2024-01-08", replace=True, reason="wrong worksheet")  # fmt: skip
    exams.record_exam(db, **who, study_id="P01", visit="week 12", exam=synthetic[1],
                      exam_date="2024-03-30")  # fmt: skip
    exams.record_exam(db, **who, study_id="P02", visit="baseline", exam=synthetic[2],
                      exam_date="2024-01-09")  # fmt: skip
    measures.add_measure(db, **who, study_id="P01", visit="baseline", kind="scim",
                         data={"items": SOME_SCIM})  # fmt: skip
    measures.add_measure(db, **who, study_id="P01", visit="week 12", kind="wisci",
                         data={"value": 9})  # fmt: skip
    measures.add_measure(db, **who, study_id="P01", visit="week 12", kind="ten_metre_walk",
                         data={"seconds": 31.7, "aid": "walker"})  # fmt: skip
    measures.add_measure(db, **who, study_id="P01", visit="week 12", kind="custom",
                         data={"name": "grip, right", "value": 0.3, "unit": "kg"})  # fmt: skip
    visits.lock_visit(db, **who, study_id="P01", visit="baseline")
    visits.mark_missed(db, **who, study_id="P02", visit="week 12", missed_reason=AWKWARD)
    safety.add_adverse_event(db, **who, study_id="P01", data={
        "term": "Neuropathic pain", "onset_date": "2024-01-25", "ctcae_grade": 2,
        "serious": False, "related_to_cells": "unlikely", "related_to_surgery": "possible",
        "related_to_immunosuppression": "unrelated", "outcome": "recovering",
    })  # fmt: skip
    safety.add_imaging_finding(db, **who, study_id="P01", data={
        "imaging_date": "2024-02-20", "modality": "MRI", "finding": AWKWARD,
        "syrinx": True, "lesion_length_mm": 23.5,
    })  # fmt: skip
    safety.add_rehab_session(db, **who, study_id="P01", data={
        "session_date": "2024-02-01", "kind": "locomotor training", "minutes": 45,
        "note": "\\starts with a backslash",
    })  # fmt: skip
    # An empty string (not NULL) straight through the store, where no service normalises.
    with db.transaction(user=USER) as session:
        ae = session.get(AdverseEvent, 1)
        assert ae is not None
        ae.action_taken = ""
        session.info["reason"] = "empty action"
