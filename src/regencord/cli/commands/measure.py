"""``regencord measure …``: functional measures taken at visits (WISCI, SCIM, 10-metre
and 6-minute walk tests, custom measures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from regencord.cli.followup import (
    DateOption,
    OptionalVisit,
    ParticipantOption,
    TrialOption,
    VisitOption,
    replacing,
    table,
)
from regencord.cli.options import DbOption, ReasonOption, UserOption, run, say, user_of
from regencord.services import measures
from regencord.services.database import Database
from regencord.services.measures import MeasureView

app = typer.Typer(no_args_is_help=True, help="Functional measures taken at visits.")


@app.command("add")
def add(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    kind: Annotated[
        str,
        typer.Option("--kind", help="wisci, scim, 10mwt, 6mwt or custom.", show_default=False),
    ],
    value: Annotated[
        float | None, typer.Option(help="WISCI level (0-20), or a custom measure's value.")
    ] = None,
    items: Annotated[
        Path | None,
        typer.Option(help="SCIM: JSON file of the 19 item scores, by name or form number."),
    ] = None,
    seconds: Annotated[float | None, typer.Option(help="10MWT: time in seconds.")] = None,
    aid: Annotated[str | None, typer.Option(help="10MWT: walking aid used, or none.")] = None,
    metres: Annotated[float | None, typer.Option(help="6MWT: distance in metres.")] = None,
    name: Annotated[str | None, typer.Option(help="Custom measure: its name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Custom measure: its unit.")] = None,
    date: DateOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Replace the visit's measure of this kind (needs --reason)."
        ),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Record a measure taken at a visit."""

    def action(d: Database) -> MeasureView:
        given: dict[str, Any] = {
            "value": int(value) if value is not None and value.is_integer() else value,
            "seconds": seconds,
            "aid": aid,
            "metres": metres,
            "name": name,
            "unit": unit,
        }
        data = {k: v for k, v in given.items() if v is not None}
        if items is not None:
            data["items"] = measures.load_scim_file(items)
        return replacing(
            lambda: measures.add_measure(
                d,
                user=user_of(user),
                trial_code=trial,
                study_id=participant,
                visit=visit,
                kind=kind,
                data=data,
                measure_date=date,
                replace=replace,
                reason=reason,
            )
        )

    m = run(db, action)
    replaced = f", replacing measure {', '.join(map(str, m.replaced))}" if m.replaced else ""
    say(
        f"measure {m.id} stored for {m.participant} at {m.visit} ({m.measure_date}): "
        f"{m.display}{replaced}"
    )


@app.command("list")
def list_(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: OptionalVisit = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """A participant's measures (or one visit's)."""
    who = user_of(user)
    found = run(
        db,
        lambda d: measures.list_measures(
            d, user=who, trial_code=trial, study_id=participant, visit=visit
        ),
    )
    if not found:
        say(f"no measures of {participant}" + (f" at {visit}" if visit else ""))
        return
    rows = [
        [m.id, m.visit + (" (locked)" if m.locked else ""), m.measure_date, m.display]
        for m in found
    ]
    for line in table(["Measure", "Visit", "Date", "Value"], rows):
        say(line)
