"""``regencord token …``: API tokens (see :mod:`regencord.services.signin`)."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.options import DbOption, UserOption, run, say, user_of
from regencord.services import signin
from regencord.services.signin import DEFAULT_TOKEN_DAYS, TokenView

app = typer.Typer(no_args_is_help=True, help="API tokens: create, list, revoke.")


def _line(token: TokenView) -> str:
    state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
    return (
        f"token {token.id} of {token.username}: created {token.created_at:%Y-%m-%d %H:%M}, "
        f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC, {state}"
    )


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The token's account.")],
    days: Annotated[
        int, typer.Option("--days", help="Days until the token expires (1 to 3650).")
    ] = DEFAULT_TOKEN_DAYS,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an API token and print it, once: only its hash is stored.

    Scripts send it as 'Authorization: Bearer TOKEN'.
    """
    made = run(
        db, lambda d: signin.create_token(d, user=user_of(user), username=username, days=days)
    )
    say(made.token)
    typer.echo(f"{_line(made.summary)}; shown once, store it now", err=True)


@app.command("list")
def list_(
    username: Annotated[
        str | None, typer.Argument(metavar="USERNAME", help="Only this account's tokens.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List API tokens (never the tokens themselves).

    An admin lists every account's tokens; anyone else only their own."""
    found = run(db, lambda d: signin.list_tokens(d, username, user=user_of(user)))
    for token in found:
        say(_line(token))
    if not found:
        say("no tokens")


@app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's number.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Revoke an API token: it stops working at once."""
    done = run(db, lambda d: signin.revoke_token(d, user=user_of(user), token_id=token_id))
    say(_line(done))
