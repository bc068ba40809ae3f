"""``regencord init``, ``trial``, ``site`` and ``participant``: confirmations on success;
on bad input exit status 2 and one ``error:`` line per problem, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.store.db import Database
from regencord.store.migrate import alembic_config
from tests.store.helpers import audit_rows

T = "KEIO-SCI-01"

SCHEDULE_YAML = """\
visits:
  - {name: screening, anchor: injury, day: 0, window_after: 3}
  - name: week 2
    anchor: transplant
    day: 14
    window_before: 2
    window_after: 2
  - {name: week 52, anchor: transplant, day: 364, window_before: 14, window_after: 14}
"""


def url_of(db: Database) -> str:
    """A ``--db`` URL reaching the test database (PostgreSQL: its schema, by search_path)."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        with db.engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "120"} | (env or {}))


class Cli:
    """Runs ``regencord`` against one test database."""

    def __init__(self, db: Database) -> None:
        self.url = url_of(db)

    def __call__(self, *args: str | Path, user: str | None = "alice") -> Result:
        options = ["--db", self.url] + (["--user", user] if user else [])
        return invoke(*args, *options)

    def ok(self, *args: str | Path, user: str | None = "alice") -> str:
        result = self(*args, user=user)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return result.stdout

    def refused(self, *args: str | Path, user: str | None = "alice") -> list[str]:
        """The error lines of a refused command (exit 2, no traceback, nothing on stdout)."""
        result = self(*args, user=user)
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr
        return [line.removeprefix("error: ") for line in lines]


@pytest.fixture
def cli(db: Database) -> Cli:
    return Cli(db)


@pytest.fixture
def trial_cli(cli: Cli) -> Cli:
    """A trial with two sites."""
    cli.ok("trial", "create", T, "--title", "iPSC-NS/PC for subacute SCI", "--phase", "1/2")
    cli.ok("site", "add", "KEIO", "--trial", T, "--name", "Keio University Hospital")
    cli.ok("site", "add", "OSK", "--trial", T, "--name", "Osaka")
    return cli


# ------------------------------------------------------------------------------- init


def test_init_creates_the_database(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    url = f"sqlite:///{tmp_path / 'new.db'}"
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    for _ in range(2):  # and again: already current
        result = invoke("init", "--db", url)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"database ready at schema revision {head}"
    result = invoke("trial", "create", "T1", "--title", "First", "--db", url, "--user", "a")
    assert result.stdout.strip() == "trial T1 created"


def test_database_url_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = invoke("init", env={"REGENCORD_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.db").exists()


# ------------------------------------------------------------------------------ trial


def test_trial_and_sites(trial_cli: Cli) -> None:
    out = trial_cli.ok("trial", "show", T, user=None)
    assert out.splitlines() == [
        f"{T}: iPSC-NS/PC for subacute SCI",
        "  phase 1/2, registry -, sponsor -",
        "  site KEIO: Keio University Hospital",
        "  site OSK: Osaka",
    ]


def test_trial_create_confirms(cli: Cli) -> None:
    out = cli.ok("trial", "create", "T1", "--title", "First", "--registry-id", "jRCT1")
    assert out == "trial T1 created\n"
    assert cli.ok("site", "add", "S1", "--trial", "T1", "--name", "Keio") == (
        "site S1 added to trial T1\n"
    )


def test_duplicate_trial(trial_cli: Cli) -> None:
    assert trial_cli.refused("trial", "create", T, "--title", "Again") == [
        f"trial {T}: code: '{T}' is already used by a trial"
    ]


def test_bad_trial_code(cli: Cli) -> None:
    [line] = cli.refused("trial", "create", "has space", "--title", "x")
    assert line.startswith("trial has space: code: 'has space' string should match pattern")


def test_duplicate_site(trial_cli: Cli) -> None:
    assert trial_cli.refused("site", "add", "KEIO", "--trial", T, "--name", "Keio") == [
        f"site KEIO: code: 'KEIO' is already a site of {T}"
    ]


def test_unknown_trial(cli: Cli) -> None:
    assert cli.refused("trial", "show", "NOPE", user=None) == ["trial 'NOPE' does not exist"]
    assert cli.refused("site", "add", "S1", "--trial", "NOPE", "--name", "x") == [
        "trial 'NOPE' does not exist"
    ]


# --------------------------------------------------------------------------- schedule


def test_schedule_from_yaml(trial_cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "schedule.yaml"
    file.write_text(SCHEDULE_YAML, encoding="utf-8")
    assert trial_cli.ok("trial", "schedule", T, file) == f"trial {T}: schedule of 3 visits set\n"
    visits = [
        line for line in trial_cli.ok("trial", "show", T, user=None).splitlines() if "visit" in line
    ]
    assert visits == [
        "  visit screening: day 0 after injury (-0/+3)",
        "  visit week 2: day 14 after transplant (-2/+2)",
        "  visit week 52: day 364 after transplant (-14/+14)",
    ]


def test_schedule_from_json(trial_cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "schedule.json"
    visits = [{"name": "baseline", "anchor": "injury", "day": 0, "exam": True}]
    file.write_text(json.dumps({"visits": visits}), encoding="utf-8")
    assert trial_cli.ok("trial", "schedule", T, file) == f"trial {T}: schedule of 1 visit set\n"


def test_schedule_change_needs_a_reason(trial_cli: Cli, tmp_path: Path) -> None:
    first, second = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    first.write_text(SCHEDULE_YAML, encoding="utf-8")
    second.write_text(SCHEDULE_YAML.replace("window_after: 3", "window_after: 5"), "utf-8")
    trial_cli.ok("trial", "schedule", T, first)
    [line] = trial_cli.refused("trial", "schedule", T, second)
    assert "needs a reason" in line
    assert "(-0/+3)" in trial_cli.ok("trial", "show", T, user=None)

    trial_cli.ok("trial", "schedule", T, second, "--reason", "protocol v2", user="bob")
    assert "(-0/+5)" in trial_cli.ok("trial", "show", T, user=None)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.yaml", "visits: [\n", "broken.yaml: is not valid"),
        ("broken.json", '{"visits": ', "broken.json: is not valid"),
        ("list.yaml", "- screening\n", "list.yaml: is not a mapping with 'visits'"),
        (
            "anchor.yaml",
            "visits: [{name: v1, anchor: surgery, day: 1}]",
            "schedule of trial KEIO-SCI-01: visits.0.anchor: 'surgery' input should be "
            "'injury' or 'transplant'",
        ),
        (
            "window.yaml",
            "visits: [{name: v1, anchor: injury, day: 1, window_before: -2}]",
            "schedule of trial KEIO-SCI-01: visits.0.window_before: -2 input should be "
            "greater than or equal to 0",
        ),
        (
            "duplicate.yaml",
            "visits: [{name: v1, anchor: injury, day: 1}, {name: v1, anchor: injury, day: 7}]",
            "visit names must be unique; repeated: v1",
        ),
        ("nothing.yaml", "visits: []", "visits: [] list should have at least 1 item"),
    ],
)
def test_bad_schedule_file(
    trial_cli: Cli, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    [line] = trial_cli.refused("trial", "schedule", T, file)
    assert expected in line
    assert "visit" not in trial_cli.ok("trial", "show", T, user=None)


@pytest.mark.parametrize("kind", ["missing", "directory", "not utf-8"])
def test_unreadable_schedule_file(trial_cli: Cli, tmp_path: Path, kind: str) -> None:
    file = tmp_path / "schedule.yaml"
    if kind == "directory":
        file.mkdir()
    elif kind == "not utf-8":
        file.write_bytes(b"visits: \xff\xfe")
    [line] = trial_cli.refused("trial", "schedule", T, file)
    assert line.startswith(f"schedule file {file}: cannot be read")


def test_schedule_of_unknown_trial(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "schedule.yaml"
    file.write_text(SCHEDULE_YAML, encoding="utf-8")
    assert cli.refused("trial", "schedule", "NOPE", file) == ["trial 'NOPE' does not exist"]


# ------------------------------------------------------------------------ participant

ADD = ("participant", "add", "--trial", T, "--site", "KEIO")
PERSON = ("--age", "34", "--sex", "male", "--injury-date", "2025-01-10")


def add(cli: Cli, study_id: str = "P-001", *extra: str, site: str = "KEIO") -> str:
    return cli.ok("participant", "add", study_id, "--trial", T, "--site", site, *PERSON, *extra)


def yes(cli: Cli, criterion: str, study_id: str = "P-001", *extra: str) -> str:
    return cli.ok(
        "participant", "eligibility", study_id, "--trial", T, "--criterion", criterion,
        "--met", "yes", *extra,
    )  # fmt: skip


def enrolled(cli: Cli, study_id: str = "P-001") -> None:
    add(cli, study_id, "--consent-date", "2025-01-12")
    yes(cli, "AIS A", study_id)
    cli.ok("participant", "status", study_id, "enrolled", "--trial", T)


def test_participant_add(trial_cli: Cli, db: Database) -> None:
    out = add(trial_cli, "P-001", "--mechanism", "fall", "--vertebral-level", "c4-c5")
    assert out == f"participant P-001 added to trial {T} at site KEIO (screening)\n"
    rows = audit_rows(db, table="participant")
    assert {r.user for r in rows} == {"alice"}
    assert {r.field: r.new_value for r in rows}["vertebral_level"] == "C4-C5"


def test_participant_add_with_every_problem_on_its_own_line(trial_cli: Cli) -> None:
    lines = trial_cli.refused(
        *ADD, "P 1", "--age", "abc", "--sex", "robot", "--injury-date", "10/01/2025",
        "--vertebral-level", "C9",
    )  # fmt: skip
    assert [line.split(":")[1].strip() for line in lines] == [
        "study_id",
        "age_at_injury",
        "sex",
        "injury_date",
        "vertebral_level",
    ]
    assert lines[0].startswith("participant P 1: study_id: 'P 1' string should match pattern")
    assert lines[3] == (
        "participant P 1: injury_date: '10/01/2025' is not a valid date (YYYY-MM-DD)"
    )
    assert trial_cli.ok("participant", "list", "--trial", T) == "no participants\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--age", "121"), "age_at_injury: '121' input should be less than or equal to 120"),
        (("--age", "-1"), "age_at_injury: '-1' input should be greater than or equal to 0"),
        (("--consent-date", "2025-01-09"), "consent_date: '2025-01-09' is before the injury"),
        (("--injury-date", "2999-01-01"), "injury_date: '2999-01-01' is in the future"),
        (("--vertebral-level", "C5-C4"), "must run from the upper to a lower vertebra"),
    ],
)
def test_participant_add_refuses(trial_cli: Cli, extra: tuple[str, ...], expected: str) -> None:
    [line] = trial_cli.refused(*ADD, "P-001", *PERSON, *extra)
    assert line.startswith("participant P-001: ")
    assert expected in line


def test_participant_add_needs_age_sex_and_injury_date(trial_cli: Cli) -> None:
    assert trial_cli.refused(*ADD, "P-001", "--sex", "female") == [
        "participant P-001: --age, --injury-date must be given"
    ]


def test_participant_add_unknown_site_or_duplicate(trial_cli: Cli) -> None:
    assert trial_cli.refused(
        "participant", "add", "P-001", "--trial", T, "--site", "NAGOYA", *PERSON
    ) == [f"site 'NAGOYA' is not a site of trial {T}"]
    add(trial_cli)
    assert trial_cli.refused(*ADD, "P-001", *PERSON) == [
        f"participant P-001: study_id: 'P-001' is already used in trial {T}"
    ]


def test_eligibility(trial_cli: Cli) -> None:
    add(trial_cli)
    assert yes(trial_cli, "AIS A") == "participant P-001: 'AIS A' met\n"
    out = trial_cli.ok(
        "participant", "eligibility", "P-001", "--trial", T, "--criterion", "age 18-60",
        "--met", "No", "--note", "61",
    )  # fmt: skip
    assert out == "participant P-001: 'age 18-60' not met\n"
    show = trial_cli.ok("participant", "show", "P-001", "--trial", T)
    assert "    [met] AIS A\n    [NOT met] age 18-60 (61)\n" in show


def test_eligibility_refuses(trial_cli: Cli) -> None:
    add(trial_cli)
    base = ("participant", "eligibility", "P-001", "--trial", T, "--criterion", "AIS A")
    assert trial_cli.refused(*base, "--met", "maybe") == [
        "eligibility of participant P-001: met: 'maybe' is not yes or no"
    ]
    trial_cli.ok(*base, "--met", "no")
    [line] = trial_cli.refused(*base, "--met", "yes")
    assert line.endswith("changing met needs a reason (--reason)")
    trial_cli.ok(*base, "--met", "yes", "--reason", "re-examined")
    assert trial_cli.refused(
        "participant", "eligibility", "P-404", "--trial", T, "--criterion", "x", "--met", "yes"
    ) == [f"participant 'P-404' is not in trial {T}"]


def test_status_enrolled(trial_cli: Cli) -> None:
    add(trial_cli)
    assert trial_cli.refused("participant", "status", "P-001", "enrolled", "--trial", T) == [
        "participant P-001: consent_date: is required to enrol (--consent-date)",
        "participant P-001: eligibility: has no answered criteria; record the checklist first",
    ]
    yes(trial_cli, "AIS A")
    out = trial_cli.ok(
        "participant", "status", "P-001", "Enrolled", "--trial", T, "--consent-date", "2025-01-12"
    )
    assert out == "participant P-001 is now enrolled\n"
    assert "  consent 2025-01-12\n" in trial_cli.ok("participant", "show", "P-001", "--trial", T)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("completed", "status: 'completed' cannot follow enrolled; allowed next: transplanted"),
        ("transplanted", "status: 'transplanted' is set by recording the transplant"),
        ("withdrawn", "status: 'withdrawn' is set by withdrawing"),
        ("lost", "status: 'lost' is not a status"),
    ],
)
def test_status_refuses(trial_cli: Cli, status: str, expected: str) -> None:
    enrolled(trial_cli)
    [line] = trial_cli.refused("participant", "status", "P-001", status, "--trial", T)
    assert line.startswith(f"participant P-001: {expected}")


def test_withdraw(trial_cli: Cli) -> None:
    enrolled(trial_cli)
    assert trial_cli.refused("participant", "withdraw", "P-001", "--trial", T) == [
        "participant P-001: withdrawing needs a reason (--reason)"
    ]
    out = trial_cli.ok(
        "participant", "withdraw", "P-001", "--trial", T, "--reason", "moved abroad", user="bob"
    )
    assert out == f"participant P-001 withdrawn from trial {T}\n"
    [line] = trial_cli.refused("participant", "status", "P-001", "enrolled", "--trial", T)
    assert line.endswith("allowed next: none (withdrawal is final)")


def test_update_needs_a_reason(trial_cli: Cli) -> None:
    add(trial_cli)
    base = ("participant", "update", "P-001", "--trial", T)
    assert trial_cli.refused(*base, "--age", "35") == [
        "participant P-001: changing age_at_injury needs a reason (--reason)"
    ]
    assert trial_cli.refused(*base) == [
        "participant P-001: nothing to change (give --age, --sex, … )"
    ]
    out = trial_cli.ok(*base, "--age", "35", "--sex", "female", "--reason", "transcription error")
    assert out == "participant P-001 saved (version 2)\n"
    assert "age at injury 35, sex female" in trial_cli.ok(
        "participant", "show", "P-001", "--trial", T
    )


def test_show(trial_cli: Cli) -> None:
    add(trial_cli, "P-001", "--mechanism", "fall", "--vertebral-level", "C4")
    yes(trial_cli, "AIS A")
    trial_cli.ok(
        "participant", "status", "P-001", "enrolled", "--trial", T, "--consent-date", "2025-01-12",
        user="bob",
    )  # fmt: skip
    trial_cli.ok(
        "participant", "withdraw", "P-001", "--trial", T, "--reason", "moved", user="carol"
    )
    lines = trial_cli.ok("participant", "show", "P-001", "--trial", T, user=None).splitlines()
    assert lines[:9] == [
        f"participant P-001 of trial {T}, site KEIO",
        "  status withdrawn (version 3)",
        "  age at injury 34, sex male",
        "  injury 2025-01-10, mechanism fall, vertebral level C4",
        "  consent 2025-01-12",
        "  withdrawn: moved",
        "  eligibility:",
        "    [met] AIS A",
        "  status history:",
    ]
    history = [line.split("UTC  ", 1)[1] for line in lines[9:]]
    assert history == [
        "screening  by alice",
        "screening → enrolled  by bob",
        "enrolled → withdrawn  by carol: moved",
    ]
    assert trial_cli.refused("participant", "show", "P-404", "--trial", T) == [
        f"participant 'P-404' is not in trial {T}"
    ]


def test_list(trial_cli: Cli) -> None:
    enrolled(trial_cli, "P-002")
    add(trial_cli, "P-001", site="OSK")
    add(trial_cli, "P-003", "--vertebral-level", "T10")
    out = trial_cli.ok("participant", "list", "--trial", T, user=None)
    assert out.splitlines() == [
        "P-001  site OSK  screening  age 34  male  injury 2025-01-10  level -",
        "P-002  site KEIO  enrolled  age 34  male  injury 2025-01-10  level -",
        "P-003  site KEIO  screening  age 34  male  injury 2025-01-10  level T10",
    ]

    def ids(*filters: str) -> list[str]:
        listed = trial_cli.ok("participant", "list", "--trial", T, *filters, user=None)
        return [line.split()[0] for line in listed.splitlines() if line.startswith("P-")]

    assert ids("--site", "KEIO") == ["P-002", "P-003"]
    assert ids("--status", "screening") == ["P-001", "P-003"]
    assert ids("--site", "KEIO", "--status", "enrolled") == ["P-002"]
    assert trial_cli.ok("participant", "list", "--trial", T, "--status", "withdrawn") == (
        "no participants\n"
    )
    [line] = trial_cli.refused("participant", "list", "--trial", T, "--status", "gone")
    assert line.startswith(f"participants of trial {T}: status: 'gone' is not a status")
    assert trial_cli.refused("participant", "list", "--trial", T, "--site", "X") == [
        f"site 'X' is not a site of trial {T}"
    ]


def test_user_defaults_to_the_environment(trial_cli: Cli, db: Database) -> None:
    result = invoke(*ADD, "P-009", *PERSON, "--db", trial_cli.url, env={"REGENCORD_USER": "erin"})
    assert result.exit_code == 0, result.output
    assert {r.user for r in audit_rows(db, table="participant")} == {"erin"}


def test_participant_help_lists_the_commands() -> None:
    result = invoke("participant", "--help")
    assert result.exit_code == 0
    for command in ("add", "update", "eligibility", "status", "withdraw", "show", "list"):
        assert command in result.stdout
