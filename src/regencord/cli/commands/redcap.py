"""REDCap's ISNCSCI instrument on the command line: ``regencord classify --input-format
redcap`` (a whole export classified, streamed) and ``regencord redcap import|export``
(records ↔ a trial's participants, visits and exams). See :mod:`regencord.interop.redcap`.
"""

from __future__ import annotations

import io
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

from regencord.cli.followup import TrialOption
from regencord.cli.options import DbOption, UserOption, run, say, user_of
from regencord.interop.redcap.results import RedcapClassified, classify_export
from regencord.interop.redcap.stream import InvalidRedcap, RedcapExport
from regencord.isncsci.batch.pipeline import classified, worth_a_worker
from regencord.isncsci.files import OutputError, atomic_write
from regencord.services.database import Database
from regencord.services.redcap import (
    EventMap,
    RedcapImportResult,
    export_rows,
    import_records,
    write_rows,
)

if TYPE_CHECKING:
    from regencord.cli.commands.classify import OutputFormat

EXIT_INVALID_INPUT = 2
EXIT_WRITE_FAILED = 1

# Unlike exam CSV files, an export is classified in this process: a worker process (as
# ``regencord classify`` uses for large exam CSV files) was measured slower here, a REDCap
# row being mostly reading (about 570 fields a row); see benchmarks/bench_redcap.py.


def _fail(message: str, code: int = EXIT_INVALID_INPUT) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def classify_redcap(
    input_path: Path,
    output: Path | None,
    redcap_in: bool,
    output_format: OutputFormat | None,
    differences: Path | None,
    explain: bool,
) -> None:
    """``regencord classify INPUT --input-format redcap [--format redcap] [-o OUTPUT]
    [--differences FILE]``: every exam row of a REDCap export classified by the batch
    engine, the result fields written for REDCap's data import."""
    if not redcap_in:
        _fail("error: --format redcap needs --input-format redcap (a REDCap export)")
    if output_format is not None and output_format.value != "redcap":
        _fail("error: --input-format redcap writes --format redcap only")
    if explain:
        _fail("error: --explain is not available with --input-format redcap")
    for target in (output, differences):
        if target is not None and _same_file(input_path, target):
            _fail(f"error: {target} is the input file; nothing written")
    try:
        export = RedcapExport(input_path)
        with ExitStack() as files:
            out: TextIO = (
                io.StringIO() if output is None else files.enter_context(atomic_write(output))
            )
            diff = None if differences is None else files.enter_context(atomic_write(differences))
            in_worker = worth_a_worker(input_path)
            summary = classify_export(
                export, out, diff, classified=partial(classified, in_worker=in_worker)
            )
    except InvalidRedcap as e:
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        n = len(e.problems)
        _fail(f"error: {n} problem{'s' if n != 1 else ''} in {input_path}; nothing written")
    except OutputError as e:
        _fail(f"error: {e}; nothing written", EXIT_WRITE_FAILED)
    if output is None:
        assert isinstance(out, io.StringIO)
        typer.echo(out.getvalue(), nl=False)
    _say_summary(summary, output, differences)


def _say_summary(summary: RedcapClassified, output: Path | None, differences: Path | None) -> None:
    def say(text: str) -> None:
        typer.echo(text, err=output is None)

    rows = f"{summary.rows} exam row{'s' if summary.rows != 1 else ''}"
    say(f"classified {rows}" + (f" -> {output}" if output is not None else ""))
    line = (
        f"{summary.differing_rows} with stored results that differ from the fresh "
        f"classification ({summary.differing_fields} fields)"
    )
    if differences is not None:
        line += f" -> {differences}"
    say(line)
    if summary.unclassified_rows:
        say(f"{summary.unclassified_rows} without stored results")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


# --------------------------------------------------------------------------- redcap import|export

app = typer.Typer(
    no_args_is_help=True,
    help="REDCap's ISNCSCI instrument (isncsci_exam): import records as exams, export them.",
)

EventsOption = Annotated[
    Path,
    typer.Option(
        "--events",
        metavar="YAML",
        help="REDCap events -> the trial's visits (and data access groups -> sites).",
        show_default=False,
    ),
]


@app.command("import")
def import_(
    trial: TrialOption,
    records: Annotated[
        Path, typer.Argument(metavar="RECORDS", help="A REDCap flat CSV export (raw codes).")
    ],
    events: EventsOption,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import REDCap exams into a trial.

    Stores every isncsci_exam row of RECORDS as an exam of its participant (record_id =
    study id, who must exist) at the visit of its event, classified and audited, in one
    transaction; every bad row is reported by record, event and field, and nothing is
    written."""

    def action(d: Database) -> RedcapImportResult:
        mapping = EventMap.load(events)
        return import_records(d, user=user_of(user), trial_code=trial, path=records, events=mapping)

    report = run(db, action)
    say(
        f"imported {report.exams} exams of {report.participants} participants into trial "
        f"{report.trial} ({report.skipped_rows} rows without an exam skipped)"
    )


@app.command("export")
def export(
    trial: TrialOption,
    events: EventsOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="OUTPUT",
            help="CSV file to write (whole or not at all).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Export a trial's exams for REDCap.

    Writes the trial's exams as isncsci_exam rows for REDCap's data import: cells with
    tags and impairment reasons, VAC/DAP, non-key muscles, date, examiner, comments and
    the stored results."""
    rows = run(
        db,
        lambda d: export_rows(
            d, user=user_of(user), trial_code=trial, events=EventMap.load(events)
        ),
    )
    try:
        with atomic_write(output) as f:
            write_rows(rows, f)
    except OutputError as e:
        _fail(f"error: {e}; nothing written", EXIT_WRITE_FAILED)
    say(f"exported {len(rows)} exams of trial {trial} -> {output}")
