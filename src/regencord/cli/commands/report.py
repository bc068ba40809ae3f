"""``regencord report``: the trial report (HTML, optionally PDF) from the trial store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regencord.cli.followup import TrialOption, counted
from regencord.cli.options import DbOption, UserOption, run, say, user_of


def report(
    trial: TrialOption,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The HTML report to write.", dir_okay=False)
    ] = Path("report.html"),
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also write the report as PDF.", dir_okay=False)
    ] = None,
    responders: Annotated[
        Path | None,
        typer.Option(
            "--responders",
            help="Responder definitions (YAML spec); default: the presets.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Write the trial report: flow, baseline, efficacy against natural history, walking
    prognosis, safety, and one section per participant (self-contained HTML)."""
    from regencord.services.reporting import write_report  # plots, PDF: only when used

    summary = run(
        db,
        lambda d: write_report(
            d, trial, user=user_of(user), html=output, pdf=pdf, responders=responders
        ),
    )
    who = counted(summary.participants, "participant")
    say(f"report of trial {summary.trial} ({who}): {summary.html}")
    if summary.pdf is not None:
        say(f"PDF: {summary.pdf}")
    if summary.stale_exams:
        say(f"note: {counted(summary.stale_exams, 'exam')} classified by another engine version")
