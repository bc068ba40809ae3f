"""``regencord user …``, ``regencord token …`` and ``regencord serve``'s checks (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.services import signin
from regencord.store.db import Database
from tests.accounts_fixtures import cheap_hashing
from tests.services.followup_data import TRIAL, cli_url, setup_trial

__all__ = ["cheap_hashing"]

PASSWORD = "twelve chars at least"


class Cli:
    def __init__(self, db: Database) -> None:
        self.url = cli_url(db)

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(
            app, [*args, "--db", self.url], input=stdin, env={"COLUMNS": "200"}
        )

    def ok(self, *args: str, stdin: str | None = None) -> str:
        result = self(*args, stdin=stdin)
        assert result.exit_code == 0, result.output
        return result.stdout

    def refused(self, *args: str, stdin: str | None = None) -> list[str]:
        result = self(*args, stdin=stdin)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), lines
        return [line.removeprefix("error: ") for line in lines]


@pytest.fixture
def cli(db: Database, cheap_hashing: None) -> Cli:
    setup_trial(db, participants=())
    return Cli(db)


def test_user_commands(cli: Cli) -> None:
    assert cli.ok("user", "list") == "no accounts: every --user acts (single-user mode)\n"
    out = cli.ok(
        "user", "add", "root", "--role", "admin", "--password-stdin", "--user", "me",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert out == "account root: admin, active, sites -\n"
    out = cli.ok(
        "user", "add", "amy", "--role", "assessor", "--site", "S01", "--password-stdin",
        "--user", "root", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert out == f"account amy: assessor, active, sites {TRIAL}/S01\n"
    assert cli.ok("user", "list") == (
        f"amy: assessor, active, sites {TRIAL}/S01\nroot: admin, active, sites -\n"
    )
    out = cli.ok("user", "sites", "amy", "--remove", "S01", "--user", "root")
    assert out == "account amy: assessor, active, sites -\n"
    out = cli.ok("user", "passwd", "amy", "--password-stdin", "--user", "root",
                 stdin="another good password\n")  # fmt: skip
    assert out == "password of amy changed\n"
    out = cli.ok("user", "disable", "amy", "--user", "root", "--reason", "left the trial")
    assert out == "account amy: assessor, disabled, sites -\n"


def test_user_commands_refuse_bad_input_without_a_traceback(cli: Cli) -> None:
    add = ("user", "add", "root", "--role", "admin", "--password-stdin", "--user", "me")
    assert cli.refused(*add, stdin="short\n") == [
        "account root: password: must be at least 12 characters long"
    ]
    assert cli.refused(*add, stdin="") == ["--password-stdin: standard input holds no password"]
    [line] = cli.refused("user", "add", "amy", "--role", "assessor", "--password-stdin",
                         "--user", "me", stdin=PASSWORD + "\n")  # fmt: skip
    assert line == "account amy: role: 'assessor' must be admin for the first account"
    cli.ok(*add, stdin=PASSWORD + "\n")
    [line] = cli.refused("user", "add", "bob", "--role", "monitor", "--password-stdin",
                         "--user", "me", stdin=PASSWORD + "\n")  # fmt: skip
    assert line.startswith("'me' is not an active account")
    [line] = cli.refused("user", "sites", "root", "--add", "S77", "--user", "root")
    assert line == "account root: site: 'S77' is not a site of any trial"
    [line] = cli.refused("user", "disable", "ghost", "--user", "root")
    assert line == "account 'ghost' does not exist"


def test_token_commands(cli: Cli, db: Database) -> None:
    cli.ok("user", "add", "root", "--role", "admin", "--password-stdin", "--user", "me",
           stdin=PASSWORD + "\n")  # fmt: skip
    result = cli("token", "create", "root", "--days", "7", "--user", "root")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("rc_") and len(token) == 46
    assert "shown once" in result.stderr and token not in result.stderr
    assert signin.authenticate_token(db, token).username == "root"
    listed = cli.ok("token", "list")
    assert listed.startswith("token 1 of root: created ") and listed.endswith(", active\n")
    assert token not in listed
    out = cli.ok("token", "revoke", "1", "--user", "root")
    assert out.startswith("token 1 of root:") and "revoked" in out
    [line] = cli.refused("token", "create", "root", "--days", "0", "--user", "root")
    assert line == "token of root: days: 0 must be 1 to 3650"
    [line] = cli.refused("token", "revoke", "42", "--user", "root")
    assert line == "token 42 does not exist"


def test_serve_refuses_a_database_that_is_not_initialised(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(
        app,
        ["serve", "--db", f"sqlite:///{missing}"],
        env={"REGENCORD_SECRET_KEY_FILE": str(tmp_path / "key")},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: no database at {missing}")
    assert "Traceback" not in result.output


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["serve", "--workers", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        env={"REGENCORD_SECRET_KEY_FILE": str(tmp_path / "key")},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: server settings: workers: 0 must be a whole number ≥ 1\n"
