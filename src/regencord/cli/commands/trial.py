"""``regencord trial …`` and ``regencord site …``: a trial, its sites, its visit schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regencord.cli.followup import counted
from regencord.cli.options import DbOption, ReasonOption, UserOption, run, say, user_of
from regencord.services import trials
from regencord.services.database import Database

app = typer.Typer(no_args_is_help=True, help="Register a trial and set its visit schedule.")
sites = typer.Typer(no_args_is_help=True, help="Sites (centres) of a trial.")


@app.command("create")
def create(
    code: Annotated[str, typer.Argument(help="Short trial code, e.g. KEIO-SCI-01.")],
    title: Annotated[str, typer.Option(help="Full title.")],
    phase: Annotated[str | None, typer.Option(help="Phase, e.g. 1/2.")] = None,
    registry_id: Annotated[str | None, typer.Option(help="UMIN, jRCT or NCT number.")] = None,
    sponsor: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Register a trial."""
    data = {"code": code, "title": title, "phase": phase, "registry_id": registry_id}
    data["sponsor"] = sponsor
    summary = run(db, lambda d: trials.create_trial(d, user=user_of(user), data=data))
    say(f"trial {summary.code} created")


@app.command("schedule")
def schedule(
    code: Annotated[str, typer.Argument(help="Trial code.")],
    file: Annotated[Path, typer.Argument(help="Schedule file (YAML or JSON).")],
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Set the visit schedule from a file.

    The file (YAML or JSON) holds 'visits: [{name, anchor, day, window_before,
    window_after, exam}]', with anchor 'injury' or 'transplant'.
    """

    def action(d: Database) -> trials.TrialView:
        data = trials.read_schedule_file(file)
        return trials.set_schedule(
            d, user=user_of(user), trial_code=code, schedule=data, reason=reason
        )

    summary = run(db, action)
    say(f"trial {summary.code}: schedule of {counted(len(summary.schedule), 'visit')} set")


@app.command("show")
def show(
    code: Annotated[str, typer.Argument()], db: DbOption = None, user: UserOption = None
) -> None:
    """Show a trial, its sites and schedule."""
    t = run(db, lambda d: trials.show_trial(d, code, user=user_of(user)))
    say(f"{t.code}: {t.title}")
    say(f"  phase {t.phase or '-'}, registry {t.registry_id or '-'}, sponsor {t.sponsor or '-'}")
    for site_code, name in t.sites:
        say(f"  site {site_code}: {name}")
    for v in t.schedule:
        window = f"-{v.window_before}/+{v.window_after}"
        say(f"  visit {v.name}: day {v.day} after {v.anchor.value} ({window})")


@sites.command("add")
def add_site(
    code: Annotated[str, typer.Argument(help="Site code.")],
    trial: Annotated[str, typer.Option(help="Trial code.")],
    name: Annotated[str, typer.Option(help="Site name.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a site to a trial."""
    data = {"code": code, "name": name}
    run(db, lambda d: trials.add_site(d, user=user_of(user), trial_code=trial, data=data))
    say(f"site {code} added to trial {trial}")
