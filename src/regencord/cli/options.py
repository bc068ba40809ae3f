"""Options every data-store command takes, and how service errors reach the terminal."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, NoReturn, TypeVar

import typer

from regencord.services.database import Database, open_database
from regencord.services.errors import FieldProblem, InvalidInput, ServiceError
from regencord.services.unit import DatabaseProblem

T = TypeVar("T")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (default $REGENCORD_DATABASE_URL, else sqlite:///regencord.db).",
        show_default=False,
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Who acts (changes or reads), for the audit trail "
        "(default $REGENCORD_USER, else login).",
        show_default=False,
    ),
]
ReasonOption = Annotated[
    str | None,
    typer.Option("--reason", help="Why a saved value is changed (recorded in the audit trail)."),
]

EXIT_INVALID = 2


def user_of(option: str | None) -> str:
    return option or os.environ.get("REGENCORD_USER") or getpass.getuser()


def fail(lines: list[str], *, code: int = EXIT_INVALID) -> NoReturn:
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


FIELD_FLAGS: dict[str, str] = {
    "url": "--db",
    "user": "--user",
    "reason": "--reason",
    "missed_reason": "--reason",
    "trial": "--trial",
    "table": "--table",
    "text": "--text",
    "consent_date": "--consent-date",
    "actual_date": "--date",
    "exam_date": "--date",
    "measure_date": "--date",
    "replace": "--replace",
}
"""The flag of each service field whose flag is not simply ``--field-name`` or that
several commands share. A command whose flag differs passes its own ``flags``."""


def flag_of(field: str | None, flags: Mapping[str, str] | None = None) -> str | None:
    """The command-line flag that gives the service field ``field``: the command's own
    ``flags`` first, then :data:`FIELD_FLAGS`; ``None`` for a field no flag gives (a
    column of a file, a whole record)."""
    if not field:
        return None
    return (flags or {}).get(field) or FIELD_FLAGS.get(field)


def _with_flag(text: str, flag: str | None) -> str:
    # A message that already names the flag (a service not yet moved to fields) keeps one.
    return f"{text} ({flag})" if flag and not text.endswith(f"({flag})") else text


def _not_given(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def problem_line(problem: FieldProblem, flags: Mapping[str, str] | None = None) -> str:
    """One problem as the terminal shows it: the service's words, and, when the problem is
    a value not given, the flag that gives it (``consent_date: is required to enrol
    (--consent-date)``). A bad value is shown as typed, so its flag needs no naming."""
    flag = flag_of(problem.field, flags) if _not_given(problem.value) else None
    return _with_flag(str(problem), flag)


def error_line(error: ServiceError, flags: Mapping[str, str] | None = None) -> str:
    """One service error as the terminal shows it, naming the flag of its field
    (``… needs a reason (--reason)``) and the command that initialises a database."""
    text = str(error)
    if isinstance(error, DatabaseProblem) and error.initialise is not None:
        text += f": run `regencord init --db {error.initialise}`"
    return _with_flag(text, flag_of(error.field, flags))


def error_lines(error: ServiceError, flags: Mapping[str, str] | None = None) -> list[str]:
    """Every line of a service error (one per problem of an :class:`InvalidInput`)."""
    if isinstance(error, InvalidInput) and error.problems:
        return [problem_line(p, flags) for p in error.problems]
    return [error_line(error, flags)]


@contextmanager
def reported(flags: Mapping[str, str] | None = None) -> Iterator[None]:
    """Service errors as one line each on stderr and exit status 2; no traceback.
    ``flags``: the command's own field-to-flag names (see :func:`flag_of`)."""
    try:
        yield
    except ServiceError as error:
        fail(error_lines(error, flags))


def open_db(url: str | None, *, create: bool = True) -> Database:
    """The database of ``--db``, checked (see :func:`open_database`); a problem with it is
    one line on stderr and exit status 2. ``create``: the command may create the schema."""
    with reported():
        return open_database(url, create=create)
    raise AssertionError("unreachable")  # pragma: no cover - reported() exits


def run(
    url: str | None,
    action: Callable[[Database], T],
    *,
    create: bool = False,
    flags: Mapping[str, str] | None = None,
) -> T:
    """Open the database (initialised, unless ``create``: see :func:`open_db`), run
    ``action``, report service errors (``flags``: see :func:`reported`), close."""
    db = open_db(url, create=create)
    try:
        with reported(flags):
            return action(db)
    finally:
        db.dispose()


def say(text: str) -> None:
    typer.echo(text, file=sys.stdout)
