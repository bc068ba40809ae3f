"""The design of the synthetic demo trial and each participant's intended course.

Modelled on the published design of the Keio first-in-human study (2025): four people with
subacute complete (AIS A) cervical or thoracic injury, 2×10^6 iPS-derived neural
stem/progenitor cells 14-28 days after injury, transient immunosuppression, rehabilitation,
follow-up to week 52. The courses reproduce the reported outcome pattern (one to AIS D,
standing and walking with assistance; one to AIS C; two with small gains). Every value is
invented; the ``ais`` of a visit is what the exam is meant to show, and the tests check that
the engine grades it so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from regencord.demo.exams import BROAD, NONE, PATCHY, SACRAL, ExamSpec, Sparing

DEMO_TRIAL_CODE = "DEMO-IPSC-SCI"

SCHEDULE: tuple[dict[str, Any], ...] = (
    {"name": "screening", "anchor": "injury", "day": 7, "window_before": 7, "window_after": 7},
    {"name": "baseline", "anchor": "transplant", "day": -1, "window_before": 3, "window_after": 0},
    {"name": "transplant", "anchor": "injury", "day": 21, "window_before": 7, "window_after": 7,
     "exam": False},
    {"name": "week 2", "anchor": "transplant", "day": 14, "window_before": 3, "window_after": 3},
    {"name": "week 4", "anchor": "transplant", "day": 28, "window_before": 3, "window_after": 3},
    {"name": "week 6", "anchor": "transplant", "day": 42, "window_before": 7, "window_after": 7},
    {"name": "week 12", "anchor": "transplant", "day": 84, "window_before": 7, "window_after": 7},
    {"name": "week 24", "anchor": "transplant", "day": 168, "window_before": 14,
     "window_after": 14},
    {"name": "week 36", "anchor": "transplant", "day": 252, "window_before": 14,
     "window_after": 14},
    {"name": "week 52", "anchor": "transplant", "day": 364, "window_before": 14,
     "window_after": 14},
)  # fmt: skip
"""The visit schedule (as in ``examples/schedule.yaml``); the transplant falls on day 14-28."""


@dataclass(frozen=True)
class QcPlan:
    assay: str
    tested_on: date
    value: float | None = None
    result: str | None = None
    unit: str | None = None
    spec_min: float | None = None
    spec_max: float | None = None
    expected: str | None = None


@dataclass(frozen=True)
class Product:
    """The cell line and the one released lot every participant receives."""

    line_id: str
    source: str
    donor_hla: str
    reprogramming: str
    lot_id: str
    passage: int
    manufactured_on: date
    expires_on: date
    qc: tuple[QcPlan, ...]
    released_on: date
    released_by: str


@dataclass(frozen=True)
class Design:
    code: str
    title: str
    phase: str
    sponsor: str
    site: tuple[str, str]
    criteria: tuple[str, ...]
    product: Product
    dose_cells: int
    volume_ul: float
    surgeon: str
    examiner: str
    regimen: str
    immunosuppression_days: int
    """Tacrolimus from the transplant day for this many days, then stopped."""


_QC_DAY = date(2025, 1, 20)

DESIGN = Design(
    code=DEMO_TRIAL_CODE,
    title=(
        "SYNTHETIC DEMO — iPSC-derived NS/PC transplantation for subacute complete SCI "
        "(modelled on the Keio 2025 first-in-human study)"
    ),
    phase="1/2",
    sponsor="regencord demo (synthetic data)",
    site=("DEMO", "Demo University Hospital (synthetic)"),
    criteria=(
        "Age 18 or over",
        "AIS A at screening",
        "Neurological level of injury C3/4 to T10",
        "Transplant possible 14-28 days after injury",
        "Written informed consent",
    ),
    product=Product(
        line_id="QHJI01s04",
        source="HLA-homozygous iPS cell stock (synthetic demo record)",
        donor_hla="A*24:02 B*52:01",
        reprogramming="episomal vectors",
        lot_id="NSPC-0021",
        passage=12,
        manufactured_on=date(2025, 1, 6),
        expires_on=date(2026, 1, 5),
        qc=(
            QcPlan("viability", _QC_DAY, value=91.8, unit="%", spec_min=70),
            QcPlan("cell_count", _QC_DAY, value=2.6e6, unit="cells", spec_min=2e6),
            QcPlan("sterility", _QC_DAY, result="negative", expected="negative"),
            QcPlan("mycoplasma", _QC_DAY, result="negative", expected="negative"),
            QcPlan("endotoxin", _QC_DAY, value=0.12, unit="EU/mL", spec_max=0.5),
            QcPlan("karyotype", _QC_DAY, result="normal", expected="normal"),
            QcPlan("undifferentiated_marker", _QC_DAY, value=0.004, unit="%", spec_max=0.1),
        ),
        released_on=date(2025, 1, 31),
        released_by="QA officer (synthetic)",
    ),
    dose_cells=2_000_000,
    volume_ul=40.0,
    surgeon="Demo surgeon (synthetic)",
    examiner="Demo examiner (synthetic)",
    regimen="tacrolimus",
    immunosuppression_days=182,
)


@dataclass(frozen=True)
class VisitPlan:
    """One exam visit: its date (``shift`` days from the target), the exam, the grade it is
    meant to show, and the measures taken."""

    visit: str
    shift: int
    ais: str
    exam: ExamSpec
    wisci: int | None = 0
    scim: tuple[int, ...] | None = None
    """SCIM III item scores in form order (items 1 to 17, 19 scores)."""
    walk: tuple[float, str] | None = None
    """10-metre walk: seconds and walking aid."""


@dataclass(frozen=True)
class AdverseEventPlan:
    term: str
    onset_day: int
    """Days after the transplant."""
    resolved_day: int | None
    grade: int
    serious: bool
    cells: str
    surgery: str
    immunosuppression: str
    outcome: str
    action: str


@dataclass(frozen=True)
class ParticipantCourse:
    """A pseudonymous participant (no names, no birth dates) and the intended course."""

    study_id: str
    age_at_injury: int
    sex: str
    injury_date: date
    mechanism: str
    vertebral_level: str
    nli: str
    transplant_day: int
    """Days from injury to transplant."""
    injection_sites: str
    visits: tuple[VisitPlan, ...]
    adverse_events: tuple[AdverseEventPlan, ...]
    lesion_mm: tuple[float, float, float]
    """Lesion length on the surveillance MRI at weeks 12, 24 and 52."""
    gait_training_from: int | None = None
    """Days after the transplant from which rehabilitation includes gait training."""
    consent_day: int = 5

    @property
    def transplant_date(self) -> date:
        return self.injury_date + timedelta(days=self.transplant_day)

    @property
    def consent_date(self) -> date:
        return self.injury_date + timedelta(days=self.consent_day)

    @property
    def final(self) -> VisitPlan:
        return self.visits[-1]

    def visit_date(self, plan: VisitPlan) -> date:
        """The day ``plan`` takes place: its target (by the schedule) plus its shift."""
        scheduled = next(v for v in SCHEDULE if v["name"] == plan.visit)
        anchor = self.injury_date if scheduled["anchor"] == "injury" else self.transplant_date
        return anchor + timedelta(days=scheduled["day"] + plan.shift)

    def day(self, days_after_transplant: int) -> date:
        return self.transplant_date + timedelta(days=days_after_transplant)


Row = tuple[str, int, str, str, str, tuple[int, int], Sparing, int | None]
"""visit, shift, intended AIS, motor right, motor left, zone (right, left), sparing, WISCI"""


def _visits(
    level: str,
    rows: tuple[Row, ...],
    scim: Mapping[str, tuple[int, ...]],
    walk: Mapping[str, tuple[float, str]] | None = None,
) -> tuple[VisitPlan, ...]:
    """Visit plans from a course table at a (constant) sensory level."""
    return tuple(
        VisitPlan(
            visit=visit,
            shift=shift,
            ais=ais,
            exam=ExamSpec((level, level), (right, left), zone, sparing),
            wisci=wisci,
            scim=scim.get(visit),
            walk=(walk or {}).get(visit),
        )
        for visit, shift, ais, right, left, zone, sparing, wisci in rows
    )


def _ae(
    term: str,
    days: tuple[int, int],
    grade: int,
    serious: bool,
    related: tuple[str, str, str],
    outcome: str,
    action: str,
) -> AdverseEventPlan:
    """An adverse event: onset and resolution in days after the transplant, relatedness to
    the cells, the surgery and the immunosuppression."""
    cells, surgery, immunosuppression = related
    return AdverseEventPlan(
        term, days[0], days[1], grade, serious, cells, surgery, immunosuppression, outcome, action
    )


_TETRA_SCIM: dict[str, tuple[int, ...]] = {
    "baseline": (0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "week 12": (1, 1, 0, 1, 0, 1, 8, 3, 5, 0, 2, 0, 0, 1, 1, 1, 0, 0, 0),
}
_SURGICAL = ("unrelated", "definite", "unrelated")
"""Related to the surgery only."""

P01 = ParticipantCourse(
    study_id="P01", age_at_injury=34, sex="male", injury_date=date(2025, 2, 3),
    mechanism="fall from height", vertebral_level="C4", nli="C4", transplant_day=18,
    injection_sites="C3, C4, C5",
    visits=_visits("C4", (
        ("screening", 0, "A", "10000 00000", "10000 00000", (1, 1), NONE, None),
        ("baseline", 0, "A", "20000 00000", "10000 00000", (1, 1), NONE, 0),
        ("week 2", 1, "A", "21000 00000", "20000 00000", (2, 1), NONE, 0),
        ("week 4", -1, "A", "22100 00000", "21000 00000", (2, 2), NONE, 0),
        ("week 6", 2, "B", "32100 00000", "22000 00000", (2, 2), SACRAL, 0),
        ("week 12", -3, "C", "43321 21101", "33210 11100", (3, 2), BROAD, 0),
        ("week 24", 5, "D", "44332 33221", "43322 32211", (3, 3), BROAD, 2),
        ("week 36", -4, "D", "54432 33322", "44322 33221", (3, 3), BROAD, 6),
        ("week 52", 3, "D", "54432 43322", "44332 33222", (3, 3), BROAD, 9),
    ), scim=_TETRA_SCIM | {
        "week 24": (2, 1, 1, 2, 1, 1, 10, 6, 5, 1, 2, 1, 0, 1, 1, 1, 0, 0, 0),
        "week 52": (3, 2, 1, 3, 1, 2, 10, 9, 8, 2, 4, 1, 1, 4, 2, 1, 0, 1, 0),
    }, walk={
        "week 36": (92.0, "walker, knee-ankle-foot orthoses, one therapist assisting"),
        "week 52": (48.5, "walker, knee-ankle-foot orthoses"),
    }),
    adverse_events=(
        _ae("Surgical-site pain", (1, 9), 1, False, _SURGICAL, "recovered", "oral analgesics"),
    ),
    lesion_mm=(34.0, 31.0, 30.0),
    gait_training_from=120,
)  # fmt: skip
"""To AIS D: stands, and walks 10 m with a walker and braces without physical help."""

P02 = ParticipantCourse(
    study_id="P02", age_at_injury=46, sex="male", injury_date=date(2025, 3, 17),
    mechanism="road traffic collision", vertebral_level="C5", nli="C5", transplant_day=21,
    injection_sites="C4, C5, C6",
    visits=_visits("C5", (
        ("screening", 1, "A", "31000 00000", "30000 00000", (1, 1), NONE, None),
        ("baseline", -1, "A", "41000 00000", "31000 00000", (1, 1), NONE, 0),
        ("week 2", 0, "A", "41000 00000", "31000 00000", (2, 1), NONE, 0),
        ("week 4", 2, "A", "42000 00000", "41000 00000", (2, 2), NONE, 0),
        ("week 6", -2, "A", "42100 00000", "41000 00000", (2, 2), NONE, 0),
        ("week 12", 4, "B", "42100 00000", "42000 00000", (3, 2), SACRAL, 0),
        ("week 24", -6, "B", "43100 00000", "42100 00000", (3, 2), SACRAL, 0),
        ("week 36", 2, "C", "43210 10100", "42100 10000", (3, 2), PATCHY, 0),
        ("week 52", -2, "C", "44310 21100", "43100 11000", (3, 3), PATCHY, 0),
    ), scim=_TETRA_SCIM | {
        "week 24": (1, 1, 0, 1, 0, 1, 10, 3, 5, 1, 2, 0, 0, 1, 1, 1, 0, 0, 0),
        "week 52": (2, 1, 0, 2, 0, 1, 10, 6, 5, 1, 2, 1, 0, 1, 1, 1, 0, 0, 0),
    }),
    adverse_events=(
        _ae("Surgical-site pain", (1, 6), 1, False, _SURGICAL, "recovered", "oral analgesics"),
        _ae("Urinary tract infection", (40, 51), 2, False,
            ("unrelated", "unrelated", "unlikely"), "recovered", "oral antibiotics"),
    ),
    lesion_mm=(29.0, 28.0, 28.0),
)  # fmt: skip
"""To AIS C: some movement of arms and legs."""

_PARA = "55555 00000"
P03 = ParticipantCourse(
    study_id="P03", age_at_injury=27, sex="female", injury_date=date(2025, 5, 12),
    mechanism="sports injury", vertebral_level="T5-T6", nli="T6", transplant_day=24,
    injection_sites="T5, T6, T7",
    visits=_visits("T6", (
        ("screening", -1, "A", _PARA, _PARA, (1, 1), NONE, None),
        ("baseline", 0, "A", _PARA, _PARA, (1, 1), NONE, 0),
        ("week 2", -1, "A", _PARA, _PARA, (1, 1), NONE, 0),
        ("week 4", 0, "A", _PARA, _PARA, (2, 1), NONE, 0),
        ("week 6", 3, "A", _PARA, _PARA, (2, 1), NONE, 0),
        ("week 12", 1, "A", _PARA, _PARA, (2, 2), NONE, 0),
        ("week 24", 2, "A", _PARA, _PARA, (3, 2), NONE, 0),
        ("week 36", 7, "A", _PARA, _PARA, (3, 2), NONE, 0),
        ("week 52", 6, "A", _PARA, _PARA, (3, 3), NONE, 0),
    ), scim={
        "baseline": (2, 1, 0, 2, 0, 2, 10, 0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 0),
        "week 12": (3, 2, 1, 4, 2, 3, 10, 9, 8, 2, 4, 2, 1, 2, 2, 2, 0, 1, 0),
        "week 24": (3, 3, 2, 4, 2, 3, 10, 11, 8, 4, 6, 2, 2, 2, 2, 2, 0, 1, 0),
        "week 52": (3, 3, 2, 4, 3, 3, 10, 11, 10, 4, 6, 2, 2, 2, 2, 2, 0, 2, 1),
    }),
    adverse_events=(
        _ae("Pneumonia", (65, 80), 3, True, ("unrelated", "unrelated", "possible"),
            "recovered", "hospitalised; intravenous antibiotics"),
    ),
    lesion_mm=(41.0, 40.0, 40.0),
)  # fmt: skip
"""Stays AIS A; the zone of partial preservation widens by two segments."""

P04 = ParticipantCourse(
    study_id="P04", age_at_injury=59, sex="male", injury_date=date(2025, 7, 7),
    mechanism="fall from standing height", vertebral_level="C5-C6", nli="C6",
    transplant_day=27, injection_sites="C5, C6, C7",
    visits=_visits("C6", (
        ("screening", 2, "A", "53100 00000", "53000 00000", (1, 1), NONE, None),
        ("baseline", 0, "A", "53100 00000", "53000 00000", (1, 1), NONE, 0),
        ("week 2", 2, "A", "53100 00000", "53000 00000", (1, 1), NONE, 0),
        ("week 4", 1, "A", "54100 00000", "53000 00000", (2, 1), NONE, 0),
        ("week 6", 0, "A", "54100 00000", "53000 00000", (2, 1), NONE, 0),
        ("week 12", -2, "A", "54100 00000", "53100 00000", (2, 2), NONE, 0),
        ("week 24", 3, "B", "54100 00000", "53100 00000", (2, 2), SACRAL, 0),
        ("week 36", -3, "B", "54110 00000", "53100 00000", (3, 2), SACRAL, 0),
        ("week 52", 1, "B", "54110 00000", "54100 00000", (3, 2), SACRAL, 0),
    ), scim=_TETRA_SCIM | {
        "week 24": (2, 1, 0, 1, 0, 1, 10, 3, 5, 1, 2, 1, 0, 1, 1, 1, 0, 0, 0),
        "week 52": (2, 1, 0, 2, 0, 2, 10, 6, 5, 1, 2, 1, 0, 2, 1, 1, 0, 0, 0),
    }),
    adverse_events=(
        _ae("Hyperglycaemia", (30, 196), 2, False, ("unrelated", "unrelated", "probable"),
            "recovered", "insulin; tacrolimus dose reduced"),
    ),
    lesion_mm=(26.0, 25.0, 25.0),
)  # fmt: skip
"""To AIS B (sacral sensation) with a small gain in arm strength."""

PARTICIPANTS: tuple[ParticipantCourse, ...] = (P01, P02, P03, P04)

REHAB_EVERY_DAYS = 14
REHAB_LAST_DAY = 175
"""Rehabilitation sessions recorded every two weeks from day 7 to day 175 after transplant."""


def rehab_sessions(course: ParticipantCourse) -> tuple[tuple[int, str, int], ...]:
    """(day after transplant, kind, minutes) of each rehabilitation session recorded."""
    out = []
    for n, day in enumerate(range(7, REHAB_LAST_DAY + 1, REHAB_EVERY_DAYS)):
        if course.gait_training_from is not None and day >= course.gait_training_from:
            out.append((day, "gait training (body-weight-supported treadmill)", 60))
        elif n % 2 == 0:
            out.append((day, "physiotherapy", 60))
        else:
            out.append((day, "occupational therapy", 45))
    return tuple(out)
