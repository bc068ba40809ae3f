"""The report figures: inline SVG that parses, is self-contained and shows what it should."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from regencord.isncsci import Exam, classify
from regencord.outcomes.model import (
    AdverseEventPoint,
    ExamPoint,
    LotInfo,
    ParticipantData,
    TransplantInfo,
)
from regencord.reports.figures import (
    NaturalHistoryBand,
    adverse_event_timeline,
    ais_lanes,
    band_from_mean_sd,
    motor_change_runs,
    motor_trajectories,
)
from tests.isncsci.builders import make_exam

INJURY = date(2025, 3, 1)
SVG_NS = "http://www.w3.org/2000/svg"
LOT = LotInfo(
    "LOT-7", "NPC-1", "iPSC bank", None, 10, date(2025, 1, 1), date(2026, 1, 1), None, None
)


def point(visit: str, day: int, raw: dict[str, Any]) -> ExamPoint:
    exam = Exam.from_praxis(raw)
    return ExamPoint(visit, day, INJURY + timedelta(days=day), exam, classify(exam))


def ae(
    term: str,
    onset: int,
    length: int | None,
    *,
    grade: int = 2,
    serious: bool = False,
    related: str = "not_related",
) -> AdverseEventPoint:
    resolution = None if length is None else INJURY + timedelta(days=onset + length)
    return AdverseEventPoint(
        term,
        onset,
        INJURY + timedelta(days=onset),
        resolution,
        grade,
        serious,
        related,
        "not_related",
        "not_related",
        "recovered" if length is not None else "not_recovered",
    )


def participant(
    study_id: str,
    exams: Sequence[ExamPoint] = (),
    *,
    status: str = "transplanted",
    transplant_day: int | None = 21,
    events: Sequence[AdverseEventPoint] = (),
) -> ParticipantData:
    transplant = None
    if transplant_day is not None:
        when = INJURY + timedelta(days=transplant_day)
        transplant = TransplantInfo(when, transplant_day, 2_000_000, 40.0, "4 sites", LOT)
    return ParticipantData(
        study_id,
        "site-1",
        34,
        "F",
        INJURY,
        status,
        transplant=transplant,
        exams=tuple(exams),
        adverse_events=tuple(events),
    )


# Exams: complete C5 (LEMS 0), then motor function returning below the level.
BASELINE = make_exam(level_right="C5", level_left="C5")
RECOVERING = make_exam(level_right="C5", level_left="C5", cells={"both.motor.L3": "2"})
LEMS_NT = make_exam(level_right="C5", level_left="C5", cells={"right.motor.L4": "NT"})
AIS_A_OR_B = make_exam(level_right="C5", level_left="C5", cells={"both.lightTouch.S4_5": "NT"})


@pytest.fixture(scope="module")
def trial() -> list[ParticipantData]:
    return [
        participant(
            "RC-001",
            [point("baseline", 10, BASELINE), point("week 12", 94, RECOVERING)],
            events=[ae("pyrexia", 25, 3, serious=True), ae("neuropathic pain", 40, None)],
        ),
        participant(
            "RC-002",
            [
                point("baseline", 12, BASELINE),
                point("week 4", 40, LEMS_NT),
                point("week 12", 96, RECOVERING),
            ],
            events=[ae("wound dehiscence", 22, 10, grade=3, related="possible")],
        ),
        participant(
            "RC-003",
            [point("baseline", 9, AIS_A_OR_B), point("week 4", 37, BASELINE)],
            status="withdrawn",
        ),
        participant("RC-004", status="enrolled", transplant_day=None),
    ]


FIGURES: list[Callable[[Sequence[ParticipantData]], str]] = [
    motor_trajectories,
    lambda ps: motor_trajectories(ps, score="uems", band=band_from_mean_sd("NH", 2, 1)),
    lambda ps: motor_trajectories(ps, score="motor_total"),
    ais_lanes,
    adverse_event_timeline,
]


def check_svg(svg: str) -> ET.Element:
    """The SVG parses, inline-ready and self-contained; its root element."""
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<script" not in svg
    assert "http" not in svg.replace(f'xmlns="{SVG_NS}"', "")
    assert "xlink" not in svg and "<style" not in svg and "<metadata" not in svg
    root = ET.fromstring(f"<div>{svg}</div>")[0]
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{{{SVG_NS}}}title") is not None
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', svg):
        assert ref in ids
    return root


def texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join(t.text or "" for t in root.iter(f"{{{SVG_NS}}}text"))


@pytest.mark.parametrize("figure", FIGURES)
def test_figures_are_inline_svg(figure: Callable[..., str], trial: list[ParticipantData]) -> None:
    check_svg(figure(trial))


@pytest.mark.parametrize("figure", FIGURES)
def test_figures_of_an_empty_trial(figure: Callable[..., str]) -> None:
    check_svg(figure([]))


@pytest.mark.parametrize("figure", FIGURES)
def test_figures_of_participants_without_exams(figure: Callable[..., str]) -> None:
    ps = [participant("RC-010"), participant("RC-011", status="withdrawn", transplant_day=None)]
    check_svg(figure(ps))


def test_study_ids_label_a_small_trial(trial: list[ParticipantData]) -> None:
    motor = texts(motor_trajectories(trial))
    assert {"RC-001", "RC-002"} <= set(motor.split())
    lanes = texts(ais_lanes(trial))
    assert all(p.study_id in lanes for p in trial)
    events = texts(adverse_event_timeline(trial))
    assert "RC-001" in events and "RC-002" in events and "RC-003" not in events
    assert "2 of 4 participants with adverse events" in events
    assert "pyrexia" in events


def test_motor_trajectories_notes_participants_not_drawn(trial: list[ParticipantData]) -> None:
    nt_baseline = participant("RC-005", [point("baseline", 10, LEMS_NT)])
    text = texts(motor_trajectories([*trial, nt_baseline]))
    assert "1 with baseline LEMS not determinable (NT)" in text
    assert "1 without exams" in text


def test_an_nt_score_is_a_gap_not_a_zero(trial: list[ParticipantData]) -> None:
    # RC-002: LEMS 0 at baseline, NT at week 4, 4 at week 12.
    assert motor_change_runs(trial[1], "lems") == [[(12, 0)], [(96, 4)]]
    assert motor_change_runs(trial[1], "uems") == [[(12, 0), (40, 0), (96, 0)]]
    assert motor_change_runs(trial[1], "motor_total") == [[(12, 0)], [(96, 4)]]
    assert motor_change_runs(trial[3]) is None
    assert motor_change_runs(participant("RC-005", [point("baseline", 10, LEMS_NT)])) is None


def test_motor_trajectories_reject_an_unknown_score(trial: list[ParticipantData]) -> None:
    with pytest.raises(ValueError, match="score"):
        motor_trajectories(trial, score="sems")  # type: ignore[arg-type]


def test_ais_lanes_label_an_ambiguous_grade(trial: list[ParticipantData]) -> None:
    assert {str(g) for g in trial[2].exams[0].result.ais} == {"A", "B"}
    svg = ais_lanes(trial)
    check_svg(svg)
    assert "A/B" in texts(svg)
    assert "withdrawn" in texts(svg) and "transplant" in texts(svg)


def test_band_from_mean_sd() -> None:
    band = band_from_mean_sd("EMSCI", 6.0, 2.5, day_start=14, day_end=180)
    assert band == NaturalHistoryBand("EMSCI", (14, 180), (0.0, 3.5), (0.0, 8.5))


@pytest.mark.parametrize(
    ("days", "low", "high"),
    [((0,), (0.0,), (0.0,)), ((0, 0), (0.0, 1.0), (0.0, 2.0)), ((0, 9), (0.0, 3.0), (0.0, 2.0))],
)
def test_band_validation(
    days: tuple[int, ...], low: tuple[float, ...], high: tuple[float, ...]
) -> None:
    with pytest.raises(ValueError):
        NaturalHistoryBand("x", days, low, high)


def test_band_in_the_legend(trial: list[ParticipantData]) -> None:
    band = band_from_mean_sd("EMSCI AIS A cohort", 2.0, 1.0, day_start=10)
    assert "EMSCI AIS A cohort" in texts(motor_trajectories(trial, band=band))
    long = "Natural history: European Multicenter Study about SCI, AIS A-D (mean ± SD)"
    svg = motor_trajectories(trial, band=band_from_mean_sd(long, 2.0, 1.0))
    lines = [t.text or "" for t in ET.fromstring(svg).iter(f"{{{SVG_NS}}}text")]
    assert " ".join(lines).count(long) == 1 and long not in lines  # wrapped


def test_figures_have_distinct_ids(trial: list[ParticipantData]) -> None:
    ids: list[str] = []
    for figure in FIGURES:
        root = check_svg(figure(trial))
        ids += [e.get("id") or "" for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_figures_are_deterministic(trial: list[ParticipantData]) -> None:
    assert ais_lanes(trial) == ais_lanes(trial)


def test_study_ids_and_text_are_escaped() -> None:
    p = participant(
        "RC<&>'1\"",
        [point("baseline", 10, BASELINE), point("w4", 30, RECOVERING)],
        events=[ae("<b>rash</b> & itch $x$", 30, 4)],
    )
    for figure in FIGURES:
        assert "RC<&>'1\"" in texts(figure([p]))
    assert "<b>rash</b> & itch $x$" in texts(adverse_event_timeline([p]))


def test_a_large_trial_renders_fast(trial: list[ParticipantData]) -> None:
    """500 participants (exams shared between them: classification is not timed)."""
    exams = [e for p in trial for e in p.exams]
    ps = [
        participant(
            f"RC-{i:03d}",
            [exams[(i + k) % len(exams)] for k in range(4)],
            status="withdrawn" if i % 13 == 0 else "transplanted",
            events=[ae("pyrexia", 20 + i % 30, 5 + i % 9, grade=1 + i % 5)] * (i % 3),
        )
        for i in range(500)
    ]
    ps = [replace(p, exams=tuple(sorted(p.exams, key=lambda e: e.day))) for p in ps]
    start = time.perf_counter()
    for figure in FIGURES:
        check_svg(figure(ps))
    assert time.perf_counter() - start < 10  # about 0.6 s measured; generous for slow CI
