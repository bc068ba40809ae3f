"""``regencord audit show``: the audit trail, filtered by trial, record and user;
``regencord audit verify``: its hash chain is intact and the records say what it says."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.followup import table
from regencord.cli.options import DbOption, UserOption, fail, run, say, user_of
from regencord.services import audit
from regencord.services.database import Database

app = typer.Typer(no_args_is_help=True, help="The audit trail.")


@app.command("show")
def show(
    trial: Annotated[
        str | None, typer.Option("--trial", help="Only records of this trial.", show_default=False)
    ] = None,
    table_name: Annotated[
        str | None,
        typer.Option("--table", help="Only this table, e.g. exam.", show_default=False),
    ] = None,
    record: Annotated[
        int | None,
        typer.Option("--record", help="Only this record id (with --table).", show_default=False),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Only changes by this user.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="The latest N rows.")] = (
        audit.DEFAULT_LIMIT
    ),
    db: DbOption = None,
) -> None:
    """Print the audit trail.

    One line per change: time, user, action, table, record, field, old -> new, reason."""
    if record is not None and table_name is None:
        fail(["--record needs --table"])

    def action(database: Database) -> list[audit.AuditRowView]:
        return audit.show_audit_trail(
            database,
            trial_code=trial,
            table=table_name,
            record_id=record,
            user=user_of(None),
            made_by=user,
            limit=limit,
        )

    lines = run(db, action)
    if not lines:
        say("no audit rows")
        return
    rows = [
        (
            f"{a.at:%Y-%m-%d %H:%M:%S}",
            a.user,
            a.action,
            a.table,
            a.record_id,
            a.field,
            f"{a.old or ''} -> {a.new or ''}" if a.field else None,
            a.reason,
        )
        for a in lines
    ]
    headers = ("time", "user", "action", "table", "record", "field", "old -> new", "reason")
    for line in table(headers, rows):
        say(line)


@app.command("verify")
def verify(
    trial: Annotated[
        str | None,
        typer.Option("--trial", help="Compare only this trial's records.", show_default=False),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Check the audit trail's hash chain and values.

    Checks that the hash chain is intact (no row changed, removed or inserted) and that
    every audited value equals the last value its audit trail records. Exit status 2
    naming the first broken row or record."""
    found = run(
        db, lambda database: audit.verify_audit(database, user=user_of(user), trial_code=trial)
    )
    if not found.intact:
        fail([f"audit trail broken: {found.problem}"])
    scope = f"records of trial {trial}" if trial else "records"
    say(
        f"audit trail intact: {found.rows} rows chained; "
        f"{found.records} {scope} hold the values their audit trail records"
    )
