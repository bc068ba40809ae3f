"""The ``regencord`` Typer application and the console-script entry point :func:`main`.

Each command or command group lives in its own module under :mod:`regencord.cli.commands`
and is registered here: a single command with ``app.command(name)(function)``, a group
with ``app.add_typer(module.app, name=...)``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from regencord import __version__
from regencord.cli.commands import (
    audit,
    classify,
    demo,
    exam,
    init,
    lot,
    measure,
    participant,
    quality,
    redcap,
    report,
    safety,
    timeline,
    transfer,
    transplant,
    trial,
    visit,
)

app = typer.Typer(
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
    help="Running and analysing clinical trials of regenerative therapies for spinal cord injury.",
)

app.command("classify")(classify.classify)
app.command("init")(init.init)
app.add_typer(trial.app, name="trial")
app.add_typer(trial.sites, name="site")
app.add_typer(participant.app, name="participant")
app.add_typer(lot.app, name="lot")
app.add_typer(transplant.app, name="transplant")
app.add_typer(visit.app, name="visit")
app.add_typer(exam.app, name="exam")
app.add_typer(measure.app, name="measure")
app.add_typer(safety.ae, name="ae")
app.add_typer(safety.imaging, name="imaging")
app.add_typer(safety.rehab, name="rehab")
app.command("reclassify")(exam.reclassify)
app.add_typer(quality.check, name="check")
app.command("queries")(quality.queries)
app.add_typer(quality.query, name="query")
app.add_typer(audit.app, name="audit")
participant.app.command("timeline")(timeline.timeline)
app.command("export")(transfer.export)
app.command("import")(transfer.import_)
app.add_typer(redcap.app, name="redcap")
app.command("report")(report.report)
app.command("demo")(demo.demo)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"regencord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Running and analysing clinical trials of regenerative therapies for spinal cord
    injury."""


def main() -> None:
    """Entry point of the ``regencord`` console script."""
    app()
