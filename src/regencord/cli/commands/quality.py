"""``regencord check …``, ``regencord queries`` and ``regencord query …``: data-quality
checks per trial, and the queries they open."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.followup import counted, table
from regencord.cli.options import DbOption, ReasonOption, UserOption, fail, run, say, user_of
from regencord.services import quality
from regencord.services.database import Database
from regencord.services.quality import QualityRuleView, QueryView

check = typer.Typer(
    no_args_is_help=False,
    invoke_without_command=True,
    help="Data-quality checks: run them (--trial T), list or configure them.",
)
query = typer.Typer(no_args_is_help=True, help="Answer or close a data query.")

OptionalTrial = Annotated[
    str | None, typer.Option("--trial", help="Trial code.", show_default=False)
]
TrialOption = Annotated[str, typer.Option("--trial", help="Trial code.", show_default=False)]
TextOption = Annotated[str, typer.Option("--text", help="What you write.", show_default=False)]


@check.callback()
def run_checks(
    ctx: typer.Context, trial: OptionalTrial = None, db: DbOption = None, user: UserOption = None
) -> None:
    """Run the trial's enabled checks on every participant; open a query per new finding."""
    if ctx.invoked_subcommand is not None:
        return
    if trial is None:
        fail(["--trial is required to run the checks"])
    name = trial

    def action(database: Database) -> quality.RuleRunResult:
        return quality.run_checks(database, user=user_of(user), trial_code=name)

    done = run(db, action)
    say(
        f"checked {counted(done.checked, 'participant')}: "
        f"{counted(len(done.opened), 'query')} opened, "
        f"{len(done.still_failing)} still failing, {len(done.passing)} now passing "
        "(left for a person to close)"
    )
    for query_id in done.opened:
        say(f"opened query {query_id}")


def _settings_lines(views: list[QualityRuleView]) -> list[str]:
    rows = [
        (v.code, v.enabled, ", ".join(f"{k}={n}" for k, n in v.parameters.items()) or "-", v.title)
        for v in views
    ]
    return table(("check", "enabled", "parameters", "what it finds"), rows)


@check.command("list")
def list_checks(trial: TrialOption, db: DbOption = None, user: UserOption = None) -> None:
    """The built-in checks as the trial has set them."""
    for line in _settings_lines(
        run(db, lambda d: quality.list_quality_rules(d, user=user_of(user), trial_code=trial))
    ):
        say(line)


@check.command("configure")
def configure(
    trial: TrialOption,
    code: Annotated[str, typer.Argument(help="The check's code (see `check list`).")],
    enabled: Annotated[
        bool | None,
        typer.Option("--enabled/--disabled", help="Turn the check on or off.", show_default=False),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", metavar="KEY=VALUE", help="Set a parameter (repeatable)."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Turn a check on or off, or set its parameters, for a trial."""
    values: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail([f"--param {item!r}: expected KEY=VALUE"])
        values[key.strip()] = value.strip()

    def action(database: Database) -> QualityRuleView:
        return quality.configure_rule(
            database,
            user=user_of(user),
            trial_code=trial,
            code=code,
            enabled=enabled,
            parameters=values,
            reason=reason,
        )

    view = run(db, action)
    for line in _settings_lines([view]):
        say(line)


def _state(view: QueryView) -> str:
    """The query's state, and "check now passes" when its check no longer finds the fault."""
    return f"{view.state.value} (check now passes)" if view.passing else view.state.value


def _query_rows(views: list[QueryView]) -> list[str]:
    rows = [
        (v.id, v.trial, v.site, _state(v), v.participant, f"{v.table} {v.record_id}",
         v.check, v.message)
        for v in views
    ]  # fmt: skip
    headers = ("id", "trial", "site", "state", "participant", "record", "check", "message")
    return table(headers, rows)


def queries(
    trial: OptionalTrial = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Only this site (code).", show_default=False)
    ] = None,
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only queries in this state: open, answered, closed."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List data queries by trial, site and state."""
    found = run(
        db,
        lambda d: quality.list_queries(
            d, user=user_of(user), trial_code=trial, site=site, state=state
        ),
    )
    if not found:
        say("no queries")
        return
    for line in _query_rows(found):
        say(line)
    passing = sum(v.passing for v in found)
    if passing:
        say(
            f"{counted(passing, 'query')} whose check now passes: close with "
            "'regencord query close --passing --reason …'"
        )


def _show(view: QueryView) -> None:
    say(f"query {view.id} ({_state(view)}): {view.participant} {view.table} {view.record_id}")
    say(f"  {view.check}: {view.message}")
    for step in view.steps:
        say(f"  {step.at:%Y-%m-%d %H:%M} {step.user} [{step.state.value}] {step.text}")


@query.command("show")
def show(
    query_id: Annotated[int, typer.Argument(help="Query id.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """A query with every step."""
    _show(run(db, lambda d: quality.show_query(d, query_id, user=user_of(user))))


@query.command("answer")
def answer(
    query_id: Annotated[int, typer.Argument(help="Query id.")],
    text: TextOption,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Answer a query (the site's explanation or correction)."""
    _show(
        run(db, lambda d: quality.answer_query(d, user=user_of(user), query_id=query_id, text=text))
    )


@query.command("close")
def close(
    text: Annotated[
        str,
        typer.Option(
            "--text",
            "--reason",
            metavar="TEXT",
            help="Why it is closed (recorded in the query and the audit trail).",
            show_default=False,
        ),
    ],
    query_id: Annotated[
        int | None, typer.Argument(help="Query id (not with --passing).", show_default=False)
    ] = None,
    passing: Annotated[
        bool,
        typer.Option(
            "--passing", help="Close every open or answered query whose check now passes."
        ),
    ] = False,
    trial: Annotated[
        str | None,
        typer.Option("--trial", help="With --passing: only this trial.", show_default=False),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Close a query, or with --passing every query whose check now passes.

    Each closed query records the reason as its last step, audited.
    """
    if passing == (query_id is not None):
        fail(["give either a query id or --passing"])
    if query_id is not None:
        number = query_id
        _show(
            run(
                db,
                lambda d: quality.close_query(d, user=user_of(user), query_id=number, text=text),
            )
        )
        return
    closed = run(
        db,
        lambda d: quality.close_passing_queries(d, user=user_of(user), text=text, trial_code=trial),
    )
    for view in closed:
        say(f"closed query {view.id}: {view.participant} {view.check}: {view.message}")
    say(f"closed {counted(len(closed), 'query')} whose check now passes")
