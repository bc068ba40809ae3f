"""Functional measures: each kind's ranges, SCIM III items and subscales, one measure of
a kind per visit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from regencord.services import measures, visits
from regencord.services.errors import InvalidInput, ReasonNeeded
from regencord.services.measures import SCIM_ITEMS, scim_scores
from regencord.store.db import Database
from regencord.store.models import FunctionalMeasure, MeasureKind
from tests.services.followup_data import TRIAL, USER, audit_rows, count, setup_trial

FULL_SCIM = {item.key: max(item.scores) for item in SCIM_ITEMS}
SOME_SCIM: dict[str, Any] = {
    "feeding": 2, "bathing_upper": 1, "bathing_lower": 0, "dressing_upper": 2,
    "dressing_lower": 1, "grooming": 2,  # self-care 8
    "respiration": 10, "bladder": 9, "bowel": 8, "toilet": 2,  # 29
    "bed_mobility": 4, "transfer_bed_wheelchair": 1, "transfer_wheelchair_toilet_tub": 1,
    "mobility_indoors": 3, "mobility_moderate_distances": 2, "mobility_outdoors": 2,
    "stairs": 0, "transfer_wheelchair_car": 1, "transfer_ground_wheelchair": 0,  # 14
}  # fmt: skip


def add(db: Database, kind: str, data: dict[str, Any], visit: str = "baseline",
        **kw: Any) -> measures.MeasureView:  # fmt: skip
    kw.setdefault("measure_date", "2024-01-10")
    return measures.add_measure(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit, kind=kind, data=data, **kw
    )


def fields(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.field for p in error.value.problems]


def test_scim_items_and_subscales() -> None:
    assert len(SCIM_ITEMS) == 19
    full = scim_scores(FULL_SCIM)
    assert (full.self_care, full.respiration_sphincter, full.mobility, full.total) == (
        20, 40, 40, 100,
    )  # fmt: skip
    some = scim_scores(SOME_SCIM)
    assert (some.self_care, some.respiration_sphincter, some.mobility, some.total) == (
        8, 29, 14, 51,
    )  # fmt: skip
    zero = scim_scores({i.key: 0 for i in SCIM_ITEMS})
    assert zero.total == 0


def test_scim_items_by_form_number() -> None:
    numbered = {item.number: FULL_SCIM[item.key] for item in SCIM_ITEMS}
    numbered["2a"] = numbered.pop("2A")
    assert scim_scores(numbered).items == FULL_SCIM


def test_scim_problems_all_at_once() -> None:
    items = dict(SOME_SCIM)
    items["bladder"] = 10  # not a bladder score
    items["respiration"] = 11  # above the scale
    items["stairs"] = "two"
    del items["grooming"]
    items["walking"] = 3
    items["1"] = 2  # feeding again, by number
    with pytest.raises(InvalidInput) as caught:
        scim_scores(items, "SCIM of P01")
    assert sorted(fields(caught)) == sorted(
        ["items.bladder", "items.respiration", "items.stairs", "items.grooming",
         "items.walking", "items.1"]
    )  # fmt: skip
    lines = str(caught.value).splitlines()
    assert "SCIM of P01: items.bladder: 10 is not one of 0, 3, 6, 9, 11, 13, 15" in lines
    assert "SCIM of P01: items.grooming: is missing (item 4)" in lines


def test_scim_measure_stores_items_and_totals(db: Database) -> None:
    setup_trial(db)
    stored = add(db, "scim", {"items": SOME_SCIM})
    assert stored.kind is MeasureKind.SCIM
    assert stored.value == 51 and stored.scim_total == 51
    assert (stored.scim_self_care, stored.scim_respiration_sphincter, stored.scim_mobility) == (
        8, 29, 14,
    )  # fmt: skip
    assert stored.scim_items == SOME_SCIM
    assert stored.display.startswith("SCIM 51 (self-care 8")


@pytest.mark.parametrize("level", [0, 9, 20, "12", 13.0])
def test_wisci_levels(db: Database, level: object) -> None:
    setup_trial(db)
    stored = add(db, "wisci", {"value": level})
    assert stored.value == float(level) and stored.unit == "level"  # type: ignore[arg-type]


@pytest.mark.parametrize("level", [-1, 21, 9.5, "high", None])
def test_wisci_out_of_range(db: Database, level: object) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        add(db, "wisci", {"value": level})
    assert fields(caught) == ["value"]
    assert str(caught.value).startswith("WISCI of P01 at baseline: value: ")
    assert count(db, FunctionalMeasure) == 0


def test_walk_tests(db: Database) -> None:
    setup_trial(db)
    walk = add(db, "10mwt", {"seconds": 35, "aid": "walker"})
    assert (walk.kind, walk.value, walk.unit, walk.aid) == (
        MeasureKind.TEN_METRE_WALK, 35, "s", "walker",
    )  # fmt: skip
    assert walk.display == "10MWT 35 s (walker)"
    six = add(db, "6mwt", {"metres": 120})
    assert (six.kind, six.value, six.unit) == (MeasureKind.SIX_MINUTE_WALK, 120, "m")
    assert add(db, "six_minute_walk", {"metres": 0}, "week 12").value == 0


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("10mwt", {"seconds": 0}, "seconds"),
        ("10mwt", {"seconds": -3}, "seconds"),
        ("10mwt", {"seconds": 601}, "seconds"),
        ("10mwt", {"aid": "walker"}, "seconds"),
        ("6mwt", {"metres": -1}, "metres"),
        ("6mwt", {"metres": 5000}, "metres"),
        ("6mwt", {"metres": float("nan")}, "metres"),
        ("wisci", {"value": 3, "seconds": 4}, "seconds"),
        ("custom", {"value": 12}, "name"),
        ("custom", {"name": "grip", "value": float("inf")}, "value"),
        ("custom", {"name": "wisci", "value": 1}, "name"),
        ("custom", {"name": "grip", "value": 1, "unit": "x" * 21}, "unit"),
    ],
)
def test_measure_ranges(db: Database, kind: str, data: dict[str, Any], field: str) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        add(db, kind, data)
    assert fields(caught) == [field]
    assert count(db, FunctionalMeasure) == 0


def test_unknown_kind(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match="kind: 'walk' is not a kind of measure"):
        add(db, "walk", {"value": 1})


def test_custom_measures(db: Database) -> None:
    setup_trial(db)
    grip = add(db, "custom", {"name": "grip", "value": 12.5, "unit": "kg"})
    assert (grip.name, grip.value, grip.unit, grip.display) == ("grip", 12.5, "kg", "grip 12.5 kg")
    pinch = add(db, "custom", {"name": "pinch", "value": 3})
    assert pinch.unit is None
    with pytest.raises(InvalidInput, match="already has a Grip measure"):
        add(db, "custom", {"name": "Grip", "value": 13, "unit": "kg"})


def test_one_measure_of_a_kind_per_visit(db: Database) -> None:
    setup_trial(db)
    first = add(db, "wisci", {"value": 9})
    with pytest.raises(InvalidInput, match=f"already has a WISCI \\(measure {first.id}\\)"):
        add(db, "wisci", {"value": 10})
    with pytest.raises(ReasonNeeded):
        add(db, "wisci", {"value": 10}, replace=True)
    second = add(db, "wisci", {"value": 10}, replace=True, reason="level misread")
    assert second.replaced == (first.id,)
    listed = measures.list_measures(db, trial_code=TRIAL, study_id="P01", user=USER)
    assert [(m.id, m.value) for m in listed] == [(second.id, 10)]
    assert {a.reason for a in audit_rows(db, "functional_measure", first.id, "delete")} == {
        "level misread"
    }


def test_measure_dates(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match=r"measure_date: '2023-06-01' is before the injury"):
        add(db, "wisci", {"value": 3}, measure_date="2023-06-01")
    future = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput, match="is in the future"):
        add(db, "wisci", {"value": 3}, measure_date=future)
    with pytest.raises(InvalidInput, match="measure_date: is required"):
        add(db, "wisci", {"value": 3}, measure_date=None)
    visits.record_visit(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="week 12", actual_date="2024-03-26"
    )
    taken = add(db, "wisci", {"value": 3}, "week 12", measure_date=None)
    assert taken.measure_date == date(2024, 3, 26)
    inserted = {a.field: a.new_value for a in audit_rows(db, "functional_measure", taken.id)}
    assert inserted["kind"] == "wisci" and inserted["value"] == "3.0"


def test_load_scim_file(tmp_path: Path) -> None:
    plain = tmp_path / "scim.json"
    plain.write_text(json.dumps(SOME_SCIM), encoding="utf-8")
    assert measures.load_scim_file(plain) == SOME_SCIM
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"items": SOME_SCIM}), encoding="utf-8")
    assert measures.load_scim_file(wrapped) == SOME_SCIM
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InvalidInput, match="does not hold an object of item scores"):
        measures.load_scim_file(bad)


def test_database_refuses_out_of_range_values(db: Database) -> None:
    """The ranges are also check constraints, behind the services' validation."""
    setup_trial(db)
    add(db, "wisci", {"value": 9})
    with pytest.raises(IntegrityError), db.transaction(user=USER) as session:
        existing = session.get(FunctionalMeasure, 1)
        assert existing is not None
        session.add(
            FunctionalMeasure(
                visit=existing.visit, kind=MeasureKind.WISCI, measure_date=date(2024, 1, 10),
                value=25.0,
            )
        )  # fmt: skip
