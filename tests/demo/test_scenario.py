"""The demo's design follows the published one: four AIS A participants, NLI C3/4 to T10,
transplant 14-28 days after injury, follow-up to week 52 in the past."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from regencord.demo.scenario import (
    DEMO_TRIAL_CODE,
    DESIGN,
    PARTICIPANTS,
    SCHEDULE,
    ParticipantCourse,
    rehab_sessions,
)
from regencord.isncsci import Level


def test_design() -> None:
    assert DESIGN.code == DEMO_TRIAL_CODE
    assert "SYNTHETIC" in DESIGN.title
    assert DESIGN.dose_cells == 2_000_000
    assert 0 < DESIGN.immunosuppression_days <= 200  # transient, about six months
    assert [v["name"] for v in SCHEDULE][-1] == "week 52"


def test_participants_fit_the_design() -> None:
    assert [c.study_id for c in PARTICIPANTS] == ["P01", "P02", "P03", "P04"]
    for c in PARTICIPANTS:
        assert c.age_at_injury >= 18
        assert c.injury_date.year == 2025
        assert Level.C4 <= Level.parse(c.nli) <= Level.T10
        assert 14 <= c.transplant_day <= 28
        assert c.injury_date < c.consent_date < c.visit_date(c.visits[0]) < c.transplant_date
        assert c.visit_date(c.final) < date(2026, 11, 1)
        assert c.visits[0].ais == "A" and c.final.visit == "week 52"


def test_participants_are_pseudonymous() -> None:
    names = {f.name for f in fields(ParticipantCourse)}
    assert not names & {"name", "birth_date", "date_of_birth", "address", "phone"}


def test_intended_outcomes() -> None:
    final = {c.study_id: c.final.ais for c in PARTICIPANTS}
    assert final["P01"] == "D" and final["P02"] == "C"
    assert final["P03"] in "AB" and final["P04"] in "AB"


def test_rehabilitation_every_two_weeks() -> None:
    sessions = rehab_sessions(PARTICIPANTS[0])
    assert [day for day, _, _ in sessions][:3] == [7, 21, 35]
    assert any("gait" in kind for _, kind, _ in sessions)
    assert not any("gait" in kind for _, kind, _ in rehab_sessions(PARTICIPANTS[2]))
