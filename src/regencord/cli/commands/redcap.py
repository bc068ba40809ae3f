"""REDCap's ISNCSCI instrument on the command line: ``regencord classify --input-format
redcap`` (a whole export classified, streamed) and ``regencord redcap import|export``
(records ↔ a trial's participants, visits and exams). See :mod:`regencord.interop.redcap`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import typer

from regencord.interop.redcap.results import RedcapClassified, classify_export
from regencord.interop.redcap.stream import InvalidRedcap, RedcapExport
from regencord.isncsci.batch import BatchClassification, ExamBatch
from regencord.isncsci.io import OutputError, atomic_write

if TYPE_CHECKING:
    from regencord.cli.commands.classify import OutputFormat

EXIT_INVALID_INPUT = 2
EXIT_WRITE_FAILED = 1

WORKER_MIN_BYTES = 32 << 20
"""Exports larger than this are classified in a second process while this one reads and
writes (as ``regencord classify`` does for exam CSV files)."""


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
        classified = _in_worker if _large(input_path) else None
        with ExitStack() as files:
            out: TextIO = (
                io.StringIO() if output is None else files.enter_context(atomic_write(output))
            )
            diff = None if differences is None else files.enter_context(atomic_write(differences))
            if classified is None:
                summary = classify_export(export, out, diff)
            else:
                summary = classify_export(export, out, diff, classified=classified)
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


def _large(path: Path) -> bool:
    try:
        return path.stat().st_size > WORKER_MIN_BYTES
    except OSError:
        return False


def _in_worker(batches: Iterable[ExamBatch]) -> Iterator[BatchClassification]:
    from regencord.cli.commands.classify import _classified_in_worker

    return _classified_in_worker(batches)
