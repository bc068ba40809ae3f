"""Build the synthetic demo trial in an empty, initialised database, through the services.

Every record is written by a service use case (validated, audited, one transaction each),
as the CLI would write it; each exam is graded by the engine when it is stored. Each
participant's records are entered in date order.

The data are entered after the fact, so while they are entered the check for missing
exams would find every visit after the one being entered already overdue. It is turned
off during the build (audited, with the reason) and on again at the end, when all checks
run once on the finished trial.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from regencord.demo.exams import praxis_exam
from regencord.demo.scenario import (
    DEMO_TRIAL_CODE,
    DESIGN,
    PARTICIPANTS,
    SCHEDULE,
    ParticipantCourse,
    VisitPlan,
    rehab_sessions,
)
from regencord.services import (
    exams,
    measures,
    participants,
    product,
    quality,
    safety,
    transplants,
    trials,
    visits,
)
from regencord.services.database import Database

__all__ = ["DEMO_TRIAL_CODE", "DemoSummary", "build_demo"]

MRI_VISITS = ("week 12", "week 24", "week 52")
"""Visits with a tumour-surveillance MRI."""
_DEFERRED_CHECK = "exam_window"


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`build_demo` wrote."""

    trial: str
    participants: int
    visits: int
    exams: int
    measures: int
    adverse_events: int
    imaging: int
    rehab_sessions: int
    qc_results: int
    queries_opened: int
    """Queries the data-quality checks opened on the finished trial (none expected)."""


Step = tuple[date, int, Callable[[], object]]


class _Builder:
    def __init__(self, db: Database, user: str) -> None:
        self.db, self.user, self.code = db, user, DESIGN.code
        self.counts = dict.fromkeys(
            ("visits", "exams", "measures", "adverse_events", "imaging", "rehab", "qc"), 0
        )

    def trial(self) -> None:
        d = DESIGN
        data = {"code": d.code, "title": d.title, "phase": d.phase, "sponsor": d.sponsor}
        trials.create_trial(self.db, user=self.user, data=data | {"synthetic": True})
        trials.set_schedule(
            self.db, user=self.user, trial_code=self.code, schedule={"visits": list(SCHEDULE)}
        )
        site_code, site_name = d.site
        trials.add_site(
            self.db,
            user=self.user,
            trial_code=self.code,
            data={"code": site_code, "name": site_name},
        )

    def product(self) -> None:
        p = DESIGN.product
        line = {
            "line_id": p.line_id,
            "source": p.source,
            "donor_hla": p.donor_hla,
            "reprogramming_method": p.reprogramming,
        }
        product.add_line(self.db, user=self.user, data=line)
        lot = {
            "lot_id": p.lot_id,
            "line": p.line_id,
            "passage": p.passage,
            "manufactured_on": p.manufactured_on,
            "expires_on": p.expires_on,
        }
        product.add_lot(self.db, user=self.user, data=lot)
        for qc in p.qc:
            data = {
                "assay": qc.assay,
                "value": qc.value,
                "result": qc.result,
                "unit": qc.unit,
                "spec_min": qc.spec_min,
                "spec_max": qc.spec_max,
                "expected": qc.expected,
                "tested_on": qc.tested_on,
            }
            product.record_qc(self.db, user=self.user, lot_id=p.lot_id, data=data)
            self.counts["qc"] += 1
        decision = {"decided_by": p.released_by, "decided_on": p.released_on}
        product.release_lot(self.db, user=self.user, lot_id=p.lot_id, data=decision)

    def deferred_check(self, enabled: bool) -> None:
        why = (
            "synthetic demo: all checks run once the whole trial is entered"
            if enabled
            else "synthetic demo: data entered after the fact; missing exams checked at the end"
        )
        quality.configure_rule(
            self.db,
            user=self.user,
            trial_code=self.code,
            code=_DEFERRED_CHECK,
            enabled=enabled,
            reason=why,
        )

    def participant(self, c: ParticipantCourse) -> None:
        """Everything of one participant, in date order (ties: in the order of a day)."""
        steps: list[Step] = [(c.injury_date, 0, partial(self.enrol, c))]
        for plan in c.visits:
            when = c.visit_date(plan)
            steps.append((when, 1, partial(self.visit, c, plan, when)))
            if plan.visit == "screening":
                steps.append((when, 2, partial(self.enrolled, c)))
            if plan.visit in MRI_VISITS:
                steps.append((when, 3, partial(self.mri, c, plan, when)))
        steps.append((c.transplant_date, 0, partial(self.transplant, c)))
        for n, ae in enumerate(c.adverse_events):
            steps.append((c.day(ae.onset_day), 4, partial(self.adverse_event, c, n)))
        for day, kind, minutes in rehab_sessions(c):
            rehab = {"session_date": c.day(day), "kind": kind, "minutes": minutes}
            steps.append((c.day(day), 5, partial(self.rehab, c, rehab)))
        steps.append((c.visit_date(c.final), 9, partial(self.complete, c)))
        for _, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
            step()

    def enrol(self, c: ParticipantCourse) -> None:
        data = {
            "study_id": c.study_id,
            "age_at_injury": c.age_at_injury,
            "sex": c.sex,
            "injury_date": c.injury_date,
            "mechanism": c.mechanism,
            "vertebral_level": c.vertebral_level,
            "consent_date": c.consent_date,
        }
        participants.enrol(
            self.db, user=self.user, trial_code=self.code, site_code=DESIGN.site[0], data=data
        )

    def enrolled(self, c: ParticipantCourse) -> None:
        for criterion in DESIGN.criteria:
            participants.record_eligibility(
                self.db,
                user=self.user,
                trial_code=self.code,
                study_id=c.study_id,
                data={"criterion": criterion, "met": True},
            )
        participants.change_status(
            self.db, user=self.user, trial_code=self.code, study_id=c.study_id, status="enrolled"
        )

    def transplant(self, c: ParticipantCourse) -> None:
        data = {
            "lot": DESIGN.product.lot_id,
            "transplant_date": c.transplant_date,
            "dose_cells": DESIGN.dose_cells,
            "volume_ul": DESIGN.volume_ul,
            "injection_sites": c.injection_sites,
            "surgeon": DESIGN.surgeon,
        }
        sid = c.study_id
        transplants.record_transplant(
            self.db, user=self.user, trial_code=self.code, study_id=sid, data=data
        )
        course = {
            "regimen": DESIGN.regimen,
            "start_on": c.transplant_date,
            "stop_on": c.day(DESIGN.immunosuppression_days),
            "note": "transient immunosuppression (synthetic demo)",
        }
        transplants.add_immunosuppression(
            self.db, user=self.user, trial_code=self.code, study_id=sid, data=course
        )

    def visit(self, c: ParticipantCourse, plan: VisitPlan, when: date) -> None:
        """The visit, its exam (graded by the engine as it is stored) and its measures."""
        db, user, code, sid = self.db, self.user, self.code, c.study_id
        visits.record_visit(
            db, user=user, trial_code=code, study_id=sid, visit=plan.visit, actual_date=when
        )
        exams.record_exam(
            db,
            user=user,
            trial_code=code,
            study_id=sid,
            visit=plan.visit,
            exam=praxis_exam(plan.exam),
            exam_date=when,
            examiner=DESIGN.examiner,
        )
        self.counts["visits"] += 1
        self.counts["exams"] += 1
        taken: list[tuple[str, dict[str, object]]] = []
        if plan.wisci is not None:
            taken.append(("wisci", {"value": plan.wisci}))
        if plan.scim is not None:
            items = dict(zip((i.key for i in measures.SCIM_ITEMS), plan.scim, strict=True))
            taken.append(("scim", {"items": items}))
        if plan.walk is not None:
            taken.append(("10mwt", {"seconds": plan.walk[0], "aid": plan.walk[1]}))
        for kind, data in taken:
            measures.add_measure(
                db, user=user, trial_code=code, study_id=sid, visit=plan.visit, kind=kind,
                data=data,
            )  # fmt: skip
            self.counts["measures"] += 1

    def mri(self, c: ParticipantCourse, plan: VisitPlan, when: date) -> None:
        length = c.lesion_mm[MRI_VISITS.index(plan.visit)]
        finding = (
            f"Tumour surveillance at {plan.visit}: no mass at the transplantation site; "
            "T2 signal change of the injury, no syrinx"
        )
        data = {
            "imaging_date": when,
            "modality": "MRI",
            "finding": finding,
            "suspected_mass": False,
            "syrinx": False,
            "lesion_length_mm": length,
        }
        safety.add_imaging_finding(
            self.db, user=self.user, trial_code=self.code, study_id=c.study_id, data=data
        )
        self.counts["imaging"] += 1

    def adverse_event(self, c: ParticipantCourse, n: int) -> None:
        ae = c.adverse_events[n]
        resolved = None if ae.resolved_day is None else c.day(ae.resolved_day)
        data = {
            "term": ae.term,
            "onset_date": c.day(ae.onset_day),
            "resolution_date": resolved,
            "ctcae_grade": ae.grade,
            "serious": ae.serious,
            "related_to_cells": ae.cells,
            "related_to_surgery": ae.surgery,
            "related_to_immunosuppression": ae.immunosuppression,
            "outcome": ae.outcome,
            "action_taken": ae.action,
        }
        safety.add_adverse_event(
            self.db, user=self.user, trial_code=self.code, study_id=c.study_id, data=data
        )
        self.counts["adverse_events"] += 1

    def rehab(self, c: ParticipantCourse, data: dict[str, object]) -> None:
        safety.add_rehab_session(
            self.db, user=self.user, trial_code=self.code, study_id=c.study_id, data=data
        )
        self.counts["rehab"] += 1

    def complete(self, c: ParticipantCourse) -> None:
        participants.change_status(
            self.db, user=self.user, trial_code=self.code, study_id=c.study_id, status="completed"
        )


def build_demo(db: Database, *, user: str = "demo") -> DemoSummary:
    """Write the synthetic demo trial (:data:`DEMO_TRIAL_CODE`) into ``db``, an empty
    database at the current schema, and say what was written.

    Raises the services' errors if the trial (or its lot or line) already exists."""
    b = _Builder(db, user)
    b.trial()
    b.deferred_check(enabled=False)
    b.product()
    for course in PARTICIPANTS:
        b.participant(course)
    b.deferred_check(enabled=True)
    run = quality.run_checks(db, user=user, trial_code=DEMO_TRIAL_CODE)
    n = b.counts
    return DemoSummary(
        trial=DEMO_TRIAL_CODE,
        participants=len(PARTICIPANTS),
        visits=n["visits"],
        exams=n["exams"],
        measures=n["measures"],
        adverse_events=n["adverse_events"],
        imaging=n["imaging"],
        rehab_sessions=n["rehab"],
        qc_results=n["qc"],
        queries_opened=len(run.opened),
    )
