"""``regencord user …``: accounts, their roles and sites (see :mod:`regencord.services.accounts`).

Passwords are read from standard input (``--password-stdin``: its first line) or asked for
twice without echo on a terminal; never from an option, which other users could see in the
process list.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from regencord.cli.options import (
    DbOption,
    ReasonOption,
    UserOption,
    fail,
    run,
    say,
    user_of,
)
from regencord.services import accounts
from regencord.services.access import Role
from regencord.services.accounts import AccountView

app = typer.Typer(no_args_is_help=True, help="Accounts: roles, sites, passwords.")

Username = Annotated[str, typer.Argument(metavar="USERNAME", help="The account's user name.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (else it is asked "
        "for on the terminal).",
    ),
]
SITE_HELP = "CODE (that site in every trial) or TRIAL/CODE."


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice on the terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            fail(["--password-stdin: standard input holds no password"])
        return password
    if not sys.stdin.isatty():
        fail(["no terminal to ask for the password: give it with --password-stdin"])
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


def _line(account: AccountView) -> str:
    state = "active" if account.active else "disabled"
    sites = ", ".join(account.sites) if account.sites else "-"
    return f"{account.username}: {account.role.value}, {state}, sites {sites}"


@app.command("add")
def add(
    username: Username,
    role: Annotated[Role, typer.Option("--role", help="The account's role.", show_default=False)],
    site: Annotated[
        list[str] | None,
        typer.Option("--site", metavar="CODE", help=f"A site of the account: {SITE_HELP}"),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add an account. The first account must be an admin; after it, only an admin
    (--user) adds accounts."""
    password = read_password(password_stdin)
    made = run(
        db,
        lambda d: accounts.add_account(
            d,
            user=user_of(user),
            username=username,
            role=role,
            password=password,
            sites=site or [],
        ),
    )
    say(f"account {_line(made)}")


@app.command("list")
def list_(db: DbOption = None, user: UserOption = None) -> None:
    """List the accounts, their roles and sites (admins only).

    Once accounts exist, only an admin may list them."""
    found = run(db, lambda d: accounts.list_accounts(d, user=user_of(user)))
    for account in found:
        say(_line(account))
    if not found:
        say("no accounts: every --user acts (single-user mode)")


@app.command("disable")
def disable(
    username: Username,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Disable an account: it can no longer sign in or use its tokens."""
    done = run(
        db,
        lambda d: accounts.disable_account(d, user=user_of(user), username=username, reason=reason),
    )
    say(f"account {_line(done)}")


@app.command("passwd")
def passwd(
    username: Username,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set an account's password (an admin's, or one's own)."""
    password = read_password(password_stdin)
    run(
        db,
        lambda d: accounts.set_password(
            d, user=user_of(user), username=username, password=password
        ),
    )
    say(f"password of {username} changed")


@app.command("sites")
def sites(
    username: Username,
    add: Annotated[
        list[str] | None,
        typer.Option("--add", metavar="CODE", help=f"Add a site: {SITE_HELP}"),
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", metavar="CODE", help=f"Remove a site: {SITE_HELP}"),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add sites to an account or remove them; prints the account's sites."""
    done = run(
        db,
        lambda d: accounts.change_sites(
            d, user=user_of(user), username=username, add=add or [], remove=remove or []
        ),
    )
    say(f"account {_line(done)}")
