"""Use cases: a trial, its sites and its visit schedule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regencord.services import trials
from regencord.services.errors import InvalidInput, NotFound, ReasonNeeded
from regencord.store.db import Database
from regencord.store.models import Anchor
from tests.store.helpers import audit_rows

SCHEDULE: dict[str, Any] = {
    "visits": [
        {"name": "screening", "anchor": "injury", "day": 0, "window_after": 3, "exam": True},
        {"name": "week 2", "anchor": "transplant", "day": 14, "window_before": 2},
        {
            "name": "week 52",
            "anchor": "transplant",
            "day": 364,
            "window_before": 14,
            "window_after": 14,
        },
    ]
}


def _trial(db: Database, code: str = "KEIO-SCI-01") -> trials.TrialView:
    return trials.create_trial(
        db,
        user="alice",
        data={
            "code": code,
            "title": "iPSC-NS/PC transplantation for subacute SCI",
            "phase": "1/2",
            "registry_id": "jRCTa031190228",
        },
    )


def _problems(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str, object]]:
    return [(p.record, p.field, p.value) for p in error.value.problems]


# ----------------------------------------------------------------------------- trials


def test_create_trial(db: Database) -> None:
    summary = _trial(db)
    assert (summary.code, summary.phase, summary.registry_id) == (
        "KEIO-SCI-01",
        "1/2",
        "jRCTa031190228",
    )
    assert summary.sites == () and summary.schedule == ()
    assert trials.show_trial(db, "KEIO-SCI-01", user="reader") == summary
    assert {r.field for r in audit_rows(db, table="trial")} >= {"code", "title", "phase"}


def test_trial_code_is_unique(db: Database) -> None:
    _trial(db)
    with pytest.raises(InvalidInput, match="already used") as error:
        _trial(db)
    assert _problems(error) == [("trial KEIO-SCI-01", "code", "KEIO-SCI-01")]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "has space", "title": "x"}, "code"),
        ({"code": "", "title": "x"}, "code"),
        ({"code": "T1", "title": ""}, "title"),
        ({"code": "T1", "title": "x", "colour": "red"}, "colour"),
        ({"code": "T1"}, "title"),
    ],
)
def test_bad_trial_is_refused(db: Database, data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        trials.create_trial(db, user="alice", data=data)
    assert [p.field for p in error.value.problems] == [field]
    with pytest.raises(NotFound):
        trials.show_trial(db, "T1", user="reader")


def test_unknown_trial(db: Database) -> None:
    with pytest.raises(NotFound, match="'NOPE'"):
        trials.show_trial(db, "NOPE", user="reader")


# ------------------------------------------------------------------------------ sites


def test_sites(db: Database) -> None:
    _trial(db)
    trials.add_site(
        db, user="alice", trial_code="KEIO-SCI-01", data={"code": "OSK", "name": "Osaka"}
    )
    summary = trials.add_site(
        db, user="alice", trial_code="KEIO-SCI-01", data={"code": "KEIO", "name": "Keio"}
    )
    assert summary.sites == (("KEIO", "Keio"), ("OSK", "Osaka"))


def test_site_code_is_unique_within_a_trial(db: Database) -> None:
    _trial(db, "T1")
    _trial(db, "T2")
    site = {"code": "KEIO", "name": "Keio"}
    trials.add_site(db, user="alice", trial_code="T1", data=site)
    trials.add_site(db, user="alice", trial_code="T2", data=site)  # another trial: fine
    with pytest.raises(InvalidInput, match="already a site of T1") as error:
        trials.add_site(db, user="alice", trial_code="T1", data=site)
    assert _problems(error) == [("site KEIO", "code", "KEIO")]


def test_site_of_unknown_trial(db: Database) -> None:
    with pytest.raises(NotFound):
        trials.add_site(db, user="alice", trial_code="NOPE", data={"code": "S", "name": "S"})


def test_bad_site(db: Database) -> None:
    _trial(db)
    with pytest.raises(InvalidInput) as error:
        trials.add_site(db, user="a", trial_code="KEIO-SCI-01", data={"code": "-x", "name": ""})
    assert {p.field for p in error.value.problems} == {"code", "name"}
    assert trials.show_trial(db, "KEIO-SCI-01", user="reader").sites == ()


# --------------------------------------------------------------------------- schedule


def test_set_schedule(db: Database) -> None:
    _trial(db)
    summary = trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=SCHEDULE)
    assert [
        (v.name, v.anchor, v.day, v.window_before, v.window_after, v.exam) for v in summary.schedule
    ] == [
        ("screening", Anchor.INJURY, 0, 0, 3, True),
        ("week 2", Anchor.TRANSPLANT, 14, 2, 0, True),
        ("week 52", Anchor.TRANSPLANT, 364, 14, 14, True),
    ]
    assert trials.show_trial(db, "KEIO-SCI-01", user="reader").schedule == summary.schedule


def test_changing_the_schedule_needs_a_reason(db: Database) -> None:
    _trial(db)
    trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=SCHEDULE)
    changed = {"visits": [dict(SCHEDULE["visits"][0], window_after=5), SCHEDULE["visits"][2]]}
    with pytest.raises(ReasonNeeded, match="needs a reason"):
        trials.set_schedule(db, user="bob", trial_code="KEIO-SCI-01", schedule=changed)
    assert len(trials.show_trial(db, "KEIO-SCI-01", user="reader").schedule) == 3

    before = len(audit_rows(db))
    summary = trials.set_schedule(
        db, user="bob", trial_code="KEIO-SCI-01", schedule=changed, reason="protocol v2"
    )
    assert [(v.name, v.window_after) for v in summary.schedule] == [
        ("screening", 5),
        ("week 52", 14),
    ]
    rows = audit_rows(db)[before:]
    assert {(r.user, r.reason) for r in rows} == {("bob", "protocol v2")}
    assert ("update", "window_after", "3", "5") in {
        (r.action, r.field, r.old_value, r.new_value) for r in rows
    }
    assert "delete" in {r.action for r in rows}  # week 2 is soft-deleted, not erased


def test_setting_a_schedule_again_needs_a_reason(db: Database) -> None:
    _trial(db)
    trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=SCHEDULE)
    with pytest.raises(ReasonNeeded):
        trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=SCHEDULE)


@pytest.mark.parametrize(
    ("visit", "field", "value"),
    [
        ({"anchor": "birth"}, "visits.0.anchor", "birth"),
        ({"window_before": -1}, "visits.0.window_before", -1),
        ({"window_after": -3}, "visits.0.window_after", -3),
        ({"day": "soon"}, "visits.0.day", "soon"),
        ({"name": ""}, "visits.0.name", ""),
        ({"colour": "red"}, "visits.0.colour", "red"),
    ],
)
def test_bad_visit_is_named_by_field_and_value(
    db: Database, visit: dict[str, Any], field: str, value: object
) -> None:
    _trial(db)
    bad = {"visits": [dict(SCHEDULE["visits"][0], **visit)]}
    with pytest.raises(InvalidInput) as error:
        trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=bad)
    assert _problems(error) == [("schedule of trial KEIO-SCI-01", field, value)]
    assert trials.show_trial(db, "KEIO-SCI-01", user="reader").schedule == ()


def test_duplicate_visit_names(db: Database) -> None:
    _trial(db)
    bad = {"visits": [SCHEDULE["visits"][0], dict(SCHEDULE["visits"][1], name="screening")]}
    with pytest.raises(InvalidInput, match="repeated: screening"):
        trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=bad)


def test_empty_schedule(db: Database) -> None:
    _trial(db)
    with pytest.raises(InvalidInput) as error:
        trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule={"visits": []})
    assert [p.field for p in error.value.problems] == ["visits"]


def test_schedule_of_unknown_trial(db: Database) -> None:
    with pytest.raises(NotFound):
        trials.set_schedule(db, user="alice", trial_code="NOPE", schedule=SCHEDULE)


# ---------------------------------------------------------------------- schedule files


def test_schedule_from_yaml_and_json_files(tmp_path: Path) -> None:
    yaml_file = tmp_path / "schedule.yaml"
    yaml_file.write_text(
        "visits:\n"
        "  - {name: screening, anchor: injury, day: 0, window_after: 3}\n"
        "  - name: week 2\n    anchor: transplant\n    day: 14\n    window_before: 2\n",
        encoding="utf-8",
    )
    json_file = tmp_path / "schedule.JSON"
    json_file.write_text(json.dumps(SCHEDULE), encoding="utf-8")
    assert trials.read_schedule_file(yaml_file)["visits"][1] == {
        "name": "week 2",
        "anchor": "transplant",
        "day": 14,
        "window_before": 2,
    }
    assert trials.read_schedule_file(json_file) == SCHEDULE


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yaml", "visits: [\n", "is not valid"),
        ("broken.json", '{"visits": [', "is not valid"),
        ("list.yaml", "- a\n- b\n", "is not a mapping"),
        ("empty.yaml", "", "is not a mapping"),
        ("latin1.yaml", "visits: caf\xe9".encode("latin-1"), "cannot be read"),
    ],
)
def test_bad_schedule_file(tmp_path: Path, name: str, content: str | bytes, message: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message) as error:
        trials.read_schedule_file(path)
    assert [(p.record, p.field) for p in error.value.problems] == [(f"schedule file {path}", "")]
    assert str(error.value).startswith(f"schedule file {path}: ")  # no "(file)" field


def test_missing_schedule_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot be read"):
        trials.read_schedule_file(tmp_path / "absent.yaml")


def test_a_removed_visit_can_come_back(db: Database) -> None:
    _trial(db)
    trials.set_schedule(db, user="alice", trial_code="KEIO-SCI-01", schedule=SCHEDULE)
    shorter = {"visits": SCHEDULE["visits"][:2]}
    trials.set_schedule(db, user="a", trial_code="KEIO-SCI-01", schedule=shorter, reason="v2")
    summary = trials.set_schedule(
        db, user="a", trial_code="KEIO-SCI-01", schedule=SCHEDULE, reason="v3: back again"
    )
    assert [v.name for v in summary.schedule] == ["screening", "week 2", "week 52"]
