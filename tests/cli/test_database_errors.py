"""A database that is missing, not initialised, not a database, unreachable or named by a
bad URL: one line saying what is wrong and what to do, exit status 2, no traceback, and
no file created by a command that only reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.store.db import make_engine
from tests.conftest_db import PG_VARIABLE


def _run(*args: str, cwd: Path) -> Result:
    here = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), env={"REGENCORD_DATABASE_URL": None})
    finally:
        os.chdir(here)


def _refused(result: Result, *expected: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for text in expected:
        assert text in lines[0]
    return lines[0]


def test_missing_sqlite_file_is_not_created_by_a_read(tmp_path: Path) -> None:
    result = _run("queries", "--trial", "T1", "--db", "sqlite:///none.db", cwd=tmp_path)
    _refused(result, "no database at none.db", "run `regencord init --db sqlite:///none.db`")
    assert list(tmp_path.iterdir()) == []


def test_database_without_tables(tmp_path: Path) -> None:
    make_engine(f"sqlite:///{tmp_path / 'empty.db'}").connect().close()  # an empty file
    result = _run("audit", "show", "--db", "sqlite:///empty.db", cwd=tmp_path)
    _refused(result, "holds no regencord trial data", "regencord init --db sqlite:///empty.db")


def test_garbage_file_given_to_init(tmp_path: Path) -> None:
    (tmp_path / "garbage.db").write_text("not a database at all\n" * 50)
    result = _run("init", "--db", "sqlite:///garbage.db", cwd=tmp_path)
    _refused(result, "garbage.db is not a SQLite database")
    assert (tmp_path / "garbage.db").read_text().startswith("not a database")


def test_init_in_a_missing_folder(tmp_path: Path) -> None:
    result = _run("init", "--db", "sqlite:///nowhere/trial.db", cwd=tmp_path)
    _refused(result, "folder nowhere does not exist")


def test_closed_postgresql_port(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:9/test"
    result = _run("queries", "--trial", "T1", "--db", url, cwd=tmp_path)
    _refused(result, "cannot reach PostgreSQL at 127.0.0.1:9", "is the server running?")


@pytest.mark.skipif(not os.environ.get(PG_VARIABLE), reason=f"{PG_VARIABLE} not set")
def test_missing_postgresql_database(tmp_path: Path) -> None:
    server = os.environ[PG_VARIABLE].rsplit("/", 1)[0]
    url = f"{server}/regencord_no_such_database"
    result = _run("queries", "--trial", "T1", "--db", url, cwd=tmp_path)
    _refused(
        result,
        "has no database 'regencord_no_such_database'",
        "createdb regencord_no_such_database",
        f"regencord init --db {url}",
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://someone@localhost/trial", "'mysql' databases are not supported"),
        ("::not a url::", "'::not a url::' is not a database URL"),
        ("", "database URL is empty: give one"),
        ("   ", "database URL is empty: give one"),
    ],
)
def test_bad_urls(tmp_path: Path, url: str, expected: str) -> None:
    result = _run("queries", "--trial", "T1", "--db", url, cwd=tmp_path)
    _refused(result, expected)
    assert list(tmp_path.iterdir()) == []  # '' does not fall back to ./regencord.db


def test_init_then_read(tmp_path: Path) -> None:
    assert _run("init", "--db", "sqlite:///trial.db", cwd=tmp_path).exit_code == 0
    result = _run("audit", "show", "--db", "sqlite:///trial.db", cwd=tmp_path)
    assert result.exit_code == 0, result.output
