"""The ``regencord`` Typer application and the console-script entry point :func:`main`.

Each command or command group lives in its own module under :mod:`regencord.cli.commands`
and is listed in :data:`COMMANDS` with a one-line summary. A module is imported only when
its command runs or its own help is asked for: ``regencord --help`` lists the summaries
without importing any command, and ``regencord trial show`` imports the trial commands and
the store, never the engine's batch package, the plots or the PDF renderer.

Help is plain text in the style of click (as git and sqlite-utils show it): paragraphs
re-wrapped to the terminal, ``[required]`` on required options, no type placeholders on
flags.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from regencord import __version__
from regencord.cli.helpstyle import plain


@dataclass(frozen=True)
class Entry:
    """A top-level command: where it lives and its summary in ``regencord --help``.

    ``attribute`` names a :class:`typer.Typer` (a command group) or a function (a command).
    """

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, Entry] = {
    "init": Entry("init", "init", "Create or upgrade the database."),
    "trial": Entry("trial", "app", "Register a trial and set its visit schedule."),
    "site": Entry("trial", "sites", "Sites (centres) of a trial."),
    "participant": Entry("participant", "app", "Participants: enrolment, eligibility, status."),
    "lot": Entry("lot", "app", "Cell lines and lots: QC results, release or rejection."),
    "transplant": Entry("transplant", "app", "Transplants, immunosuppression, chain of identity."),
    "visit": Entry("visit", "app", "Visits of the schedule: done or missed, windows, locks."),
    "exam": Entry("exam", "app", "ISNCSCI exams taken at visits."),
    "measure": Entry("measure", "app", "Functional measures taken at visits."),
    "ae": Entry("safety", "ae", "Adverse events."),
    "imaging": Entry("safety", "imaging", "Imaging findings (mass, syrinx, lesion)."),
    "rehab": Entry("safety", "rehab", "Rehabilitation sessions."),
    "check": Entry("quality", "check", "Data-quality checks: run, list or configure them."),
    "queries": Entry("quality", "queries", "List data queries by trial, site and state."),
    "query": Entry("quality", "query", "Answer or close data queries."),
    "audit": Entry("audit", "app", "The audit trail."),
    "reclassify": Entry("exam", "reclassify", "Re-run the classification of every stored exam."),
    "classify": Entry("classify", "classify", "Classify ISNCSCI exams from a JSON or CSV file."),
    "export": Entry(
        "transfer", "export", "Export one trial: transfer CSVs, SDTM-style datasets or FHIR."
    ),
    "import": Entry("transfer", "import_", "Import an exported trial into an empty database."),
    "redcap": Entry("redcap", "app", "REDCap ISNCSCI records: import into a trial, export back."),
    "report": Entry("report", "report", "Write the trial report (self-contained HTML, PDF)."),
    "demo": Entry("demo", "demo", "Create the synthetic demo trial and write its report."),
    "user": Entry("user", "app", "Accounts: roles, sites, passwords."),
    "token": Entry("token", "app", "API tokens: create, list, revoke."),
    "serve": Entry("serve", "serve", "Run the server (REST API)."),
}


def load(name: str) -> Any:
    """The click command of top-level command ``name``, importing its module."""
    entry = COMMANDS[name]
    module = importlib.import_module(f"regencord.cli.commands.{entry.module}")
    target = getattr(module, entry.attribute)
    wrapper = typer.Typer(add_completion=False, rich_markup_mode=None)
    if isinstance(target, typer.Typer):
        wrapper.add_typer(target, name=name)
    else:
        wrapper.command(name)(target)
    built = typer.main.get_command(wrapper)
    command = built.commands[name] if isinstance(built, TyperGroup) else built
    command.name = name
    return plain(command)


class _Loaded(Mapping[str, Any]):
    """The top-level commands by name; a command's module is imported when it is looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = load(name)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyCommands(TyperGroup):
    """The root group: loads a command's module on first use; lists summaries for help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Loaded()  # type: ignore[assignment]
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in COMMANDS:
            return TyperCommand(cmd_name, short_help=COMMANDS[cmd_name].summary)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    cls=LazyCommands,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
)


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
