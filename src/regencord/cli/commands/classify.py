"""``regencord classify``: classify ISNCSCI exams read from a JSON or CSV file.

The command only wires options to the engine and renders what comes back: a table,
explanations, problems, a progress bar. Results written to a file or printed as JSON/CSV
come from the engine's streaming pipeline
(:func:`regencord.isncsci.batch.pipeline.classify_file`: a CSV file a batch of exams at a
time, each batch's results appended to the output, memory flat however long the file).
The table and ``--explain`` use the scalar engine exam by exam
(:mod:`regencord.isncsci.io`); they are meant for a screenful of exams.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TextIO, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from regencord.isncsci import ENGINE_VERSION, Classification, Exam, InvalidExam, Problem
from regencord.isncsci.batch.pipeline import ROWS_PER_BATCH, classify_file
from regencord.isncsci.errors import exam_label
from regencord.isncsci.io import (
    ExamSource,
    FileFormat,
    OutputError,
    atomic_write,
    classify_all,
    format_of,
    result_row,
    save_results,
    write_results,
)

T = TypeVar("T")

PROGRESS_MIN_EXAMS = 1000
"""A progress bar is shown (on a terminal) for inputs of more exams than this."""

PROGRESS_MIN_BYTES = 256 * 1024
"""A CSV file is not counted first: a progress bar is shown (on a terminal) for files larger
than this, about :data:`PROGRESS_MIN_EXAMS` exam rows."""

CSV_ROWS_PER_BATCH = ROWS_PER_BATCH
"""Exams of a CSV file read, classified and written at a time (the pipeline's default)."""

TABLE_MAX_EXAMS = 1000
"""The most exams printed as a table: the table is built whole (its columns fit its widest
value) and is meant for a screenful; more are refused before anything is printed, with the
options that stream them (``-o FILE``, ``--format csv``)."""

EXIT_INVALID_INPUT = 2
EXIT_WRITE_FAILED = 1


class _TooManyForTable(Exception):
    """More exams than :data:`TABLE_MAX_EXAMS` for a table."""


def _at_most(items: Iterable[T], limit: int) -> Iterator[T]:
    for n, item in enumerate(items, 1):
        if n > limit:
            raise _TooManyForTable
        yield item


class InputFormat(StrEnum):
    """What INPUT holds: exams (JSON or CSV, by its extension) or a REDCap export."""

    EXAMS = "exams"
    REDCAP = "redcap"


class OutputFormat(StrEnum):
    """A format of the results: JSON, CSV, or REDCap's result fields (for its data import)."""

    JSON = "json"
    CSV = "csv"
    REDCAP = "redcap"


def classify(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Exams to classify: a .json file (one exam or an array, Praxis shape) or a "
            ".csv file (one exam per row).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUTPUT",
            help="Write the results to this file (written whole or not at all) instead of "
            "printing a table.",
            show_default=False,
        ),
    ] = None,
    format_option: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="Format of the results. Default: OUTPUT's extension, else json (redcap "
            "with --input-format redcap). Without -o, the results are printed in this "
            "format instead of a table.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Also print the steps that led to each result."),
    ] = False,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            "--input-format",
            help="exams: JSON or CSV exams; redcap: a REDCap flat CSV export of the "
            "isncsci_exam instrument (raw codes), results written as its result fields.",
            case_sensitive=False,
        ),
    ] = InputFormat.EXAMS,
    differences: Annotated[
        Path | None,
        typer.Option(
            "--differences",
            metavar="FILE",
            help="With --input-format redcap: write the stored results that differ from "
            "the fresh classification to this CSV file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Classify ISNCSCI exams (International Standards, 2019 revision).

    Reports every problem in INPUT at once; writes nothing unless every exam is valid.
    """
    if input_format is InputFormat.REDCAP or format_option is OutputFormat.REDCAP:
        from regencord.cli.commands.redcap import classify_redcap

        redcap_in = input_format is InputFormat.REDCAP
        classify_redcap(input_path, output, redcap_in, format_option, differences, explain)
        return
    if differences is not None:
        _fail("error: --differences needs --input-format redcap", EXIT_INVALID_INPUT)
    output_format = None if format_option is None else FileFormat(format_option.value)
    if output is not None and _same_file(input_path, output):
        _fail(f"error: {output} is the input file; nothing written", EXIT_INVALID_INPUT)
    if output is not None and output_format is None and format_of(output) is None:
        accepted = ", ".join(f".{f.value}" for f in FileFormat)
        _fail(
            f"error: --output: {str(output)!r} has no known extension ({accepted}); "
            "name the file so, or give --format; nothing written",
            EXIT_INVALID_INPUT,
        )
    fmt = output_format or (format_of(output) if output is not None else None) or FileFormat.JSON
    explanations: list[tuple[str, list[str]]] = []
    table_rows: list[Classification] = []
    printed: io.StringIO | None = None
    try:
        source = ExamSource(input_path)
        if explain or (output is None and output_format is None):
            read: Iterable[Exam] = source
            total = 0
            if output is None and output_format is None:
                # A table's exams are read (not classified) first: too many are refused early.
                read = list(_at_most(source, TABLE_MAX_EXAMS))
            elif sys.stderr.isatty():
                total = source.count()
            with _progress(total, wanted=progress_wanted(total, stderr_is_terminal=_tty())) as to:
                exams = _advancing(read, to)
                results = _tap(classify_all(exams), explanations, explain)
                if output is not None:
                    count = save_results(results, output, fmt)
                elif output_format is not None:
                    printed = io.StringIO()
                    count = write_results(results, printed, fmt)
                else:
                    table_rows = list(results)
                    count = len(table_rows)
        elif output is not None:
            with atomic_write(output) as f:
                count = _classify_in_bulk(source, f, fmt)
        else:
            printed = io.StringIO()
            count = _classify_in_bulk(source, printed, fmt)
    except InvalidExam as e:
        _fail_with_problems(e.problems, input_path)
    except _TooManyForTable:
        _fail(
            f"error: {input_path} holds more than {TABLE_MAX_EXAMS} exams, too many to print "
            f"as a table: write the results to a file (-o results.csv) or print them as CSV "
            "(--format csv)",
            EXIT_INVALID_INPUT,
        )
    except OutputError as e:
        _fail(f"error: {e}; nothing written", EXIT_WRITE_FAILED)
    except (OSError, UnicodeDecodeError) as e:
        _fail(f"error: cannot read {input_path}: {e}; nothing written", EXIT_INVALID_INPUT)

    _print_explanations(explanations, to_stderr=printed is not None)
    if output is not None:
        typer.echo(f"classified {_plural(count, 'exam')} -> {output}")
    elif printed is not None:
        typer.echo(printed.getvalue(), nl=False)
    elif table_rows:
        Console(highlight=False).print(_table(table_rows, input_path))
    else:
        typer.echo(f"no exams in {input_path}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _fail_with_problems(problems: list[Problem], input_path: Path) -> NoReturn:
    for problem in problems:
        typer.echo(str(problem), err=True)
    _fail(
        f"error: {_plural(len(problems), 'problem')} in {input_path}; nothing written",
        EXIT_INVALID_INPUT,
    )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def progress_wanted(total: int, *, stderr_is_terminal: bool) -> bool:
    """Whether classifying ``total`` exams deserves a progress bar on stderr."""
    return stderr_is_terminal and total > PROGRESS_MIN_EXAMS


def csv_progress_wanted(size: int, *, stderr_is_terminal: bool) -> bool:
    """Whether classifying a CSV file of ``size`` bytes deserves a progress bar on stderr."""
    return stderr_is_terminal and size > PROGRESS_MIN_BYTES


def _tty() -> bool:
    return sys.stderr.isatty()


Progressed = Callable[[int], None]
"""Reports how much is done so far (exams, or bytes of a CSV file)."""


@contextmanager
def _progress(total: int, *, wanted: bool, in_bytes: bool = False) -> Iterator[Progressed]:
    """A function to call with how much of ``total`` is done: moves a progress bar on
    stderr if ``wanted`` (see :func:`progress_wanted`, :func:`csv_progress_wanted`)."""
    if not wanted:
        yield lambda done: None
        return
    amount: ProgressColumn = TaskProgressColumn() if in_bytes else MofNCompleteColumn()
    with Progress(
        TextColumn("classifying"),
        BarColumn(),
        amount,
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("classifying", total=total)
        yield lambda done: progress.update(task, completed=done)


def _advancing(items: Iterable[T], progressed: Progressed) -> Iterator[T]:
    for done, item in enumerate(items, 1):
        yield item
        progressed(done)


def _classify_in_bulk(source: ExamSource, stream: TextIO, fmt: FileFormat) -> int:
    """Classify every exam of ``source`` with the engine's streaming pipeline
    (:func:`~regencord.isncsci.batch.pipeline.classify_file`), with a progress bar on a
    terminal; raises :class:`InvalidExam` after writing the batches before the problems."""
    with _bar(in_bytes=source.format is FileFormat.CSV) as progressed:
        return classify_file(
            source, stream, fmt, rows_per_batch=CSV_ROWS_PER_BATCH, progress=progressed
        )


@contextmanager
def _bar(*, in_bytes: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress callback ``(done, total)`` that starts a bar (see :func:`_progress`) the
    first time it is called, if the total deserves one: bytes of a CSV file
    (:func:`csv_progress_wanted`), else exams (:func:`progress_wanted`)."""
    with ExitStack() as stack:
        moved: Progressed | None = None

        def progressed(done: int, total: int) -> None:
            nonlocal moved
            if moved is None:
                rule = csv_progress_wanted if in_bytes else progress_wanted
                wanted = rule(total, stderr_is_terminal=_tty())
                moved = stack.enter_context(_progress(total, wanted=wanted, in_bytes=in_bytes))
            moved(done)

        yield progressed


def _tap(
    results: Iterable[Classification],
    explanations: list[tuple[str, list[str]]],
    explain: bool,
) -> Iterator[Classification]:
    for index, result in enumerate(results, 1):
        if explain:
            explanations.append((exam_label(index, result.exam_id), result.explain()))
        yield result


def _print_explanations(explanations: list[tuple[str, list[str]]], *, to_stderr: bool) -> None:
    for label, lines in explanations:
        typer.echo(label, err=to_stderr)
        for line in lines:
            typer.echo(f"  {line}", err=to_stderr)
        typer.echo("", err=to_stderr)


_TABLE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AIS", ("ais",)),
    ("NLI", ("nli",)),
    ("Sensory\nR/L", ("right_sensory_level", "left_sensory_level")),
    ("Motor\nR/L", ("right_motor_level", "left_motor_level")),
    ("Sensory\nZPP R/L", ("right_sensory_zpp", "left_sensory_zpp")),
    ("Motor\nZPP R/L", ("right_motor_zpp", "left_motor_zpp")),
    ("UEMS", ("uems",)),
    ("LEMS", ("lems",)),
    ("LT", ("light_touch",)),
    ("PP", ("pin_prick",)),
)
_NUMERIC = frozenset(["UEMS", "LEMS", "LT", "PP"])


def _table(results: list[Classification], input_path: Path) -> Table:
    table = Table(
        title=f"ISNCSCI classification of {input_path.name}",
        caption=f"{ENGINE_VERSION}. * non-SCI impairment considered, ND not determinable, "
        "INT intact, NA not applicable",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
        caption_justify="left",
    )
    table.add_column("Exam", no_wrap=True)
    for heading, _ in _TABLE_COLUMNS:
        table.add_column(heading, justify="right" if heading in _NUMERIC else "left")
    for index, result in enumerate(results, 1):
        row = result_row(result)
        exam = row["exam_id"] or f"#{index}"
        cells = [Text("/".join(row[c] for c in columns)) for _, columns in _TABLE_COLUMNS]
        table.add_row(Text(exam), *cells)
    return table
