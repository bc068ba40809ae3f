"""Options every data-store command takes, and how service errors reach the terminal."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn, TypeVar

import typer

from regencord.services.database import open_database
from regencord.services.errors import InvalidInput, ServiceError
from regencord.store.db import Database

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
        help="Who makes the change, for the audit trail (default $REGENCORD_USER, else login).",
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


@contextmanager
def reported() -> Iterator[None]:
    """Service errors as one line each on stderr and exit status 2; no traceback."""
    try:
        yield
    except InvalidInput as error:
        fail([str(p) for p in error.problems] or [str(error)])
    except ServiceError as error:
        fail([str(error)])


def open_db(url: str | None, *, create: bool = True) -> Database:
    """The database of ``--db``, checked (see :func:`open_database`); a problem with it is
    one line on stderr and exit status 2. ``create``: the command may create the schema."""
    with reported():
        return open_database(url, create=create)
    raise AssertionError("unreachable")  # pragma: no cover - reported() exits


def run(url: str | None, action: Callable[[Database], T], *, create: bool = False) -> T:
    """Open the database (initialised, unless ``create``: see :func:`open_db`), run
    ``action``, report service errors, close."""
    db = open_db(url, create=create)
    try:
        with reported():
            return action(db)
    finally:
        db.dispose()


def say(text: str) -> None:
    typer.echo(text, file=sys.stdout)
