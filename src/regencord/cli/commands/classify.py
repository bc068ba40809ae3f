"""``regencord classify``: classify ISNCSCI exams read from a JSON or CSV file.

The command only wires options to :mod:`regencord.isncsci.io` (reading, validating,
classifying, writing) and renders what comes back: a table, explanations, problems.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from regencord.isncsci import ENGINE_VERSION, Classification, InvalidExam, Problem
from regencord.isncsci.errors import exam_label
from regencord.isncsci.io import (
    ExamSource,
    FileFormat,
    OutputError,
    classify_all,
    format_of,
    result_row,
    save_results,
    write_results,
)

T = TypeVar("T")

PROGRESS_MIN_EXAMS = 1000
"""A progress bar is shown (on a terminal) for inputs of more exams than this."""

EXIT_INVALID_INPUT = 2
EXIT_WRITE_FAILED = 1


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
    output_format: Annotated[
        FileFormat | None,
        typer.Option(
            "--format",
            help="Format of the results. Default: OUTPUT's extension, else json. Without "
            "-o, the results are printed in this format instead of a table.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Also print the steps that led to each result."),
    ] = False,
) -> None:
    """Classify ISNCSCI exams (International Standards, 2019 revision).

    Reports every problem in INPUT at once; writes nothing unless every exam is valid.
    """
    if output is not None and _same_file(input_path, output):
        _fail(f"error: {output} is the input file; nothing written", EXIT_INVALID_INPUT)
    fmt = output_format or (format_of(output) if output is not None else None) or FileFormat.JSON
    explanations: list[tuple[str, list[str]]] = []
    table_rows: list[Classification] = []
    printed: io.StringIO | None = None
    try:
        source = ExamSource(input_path)
        total = source.count() if sys.stderr.isatty() else 0
        with _progress(total) as advance:
            results = _tap(classify_all(_advancing(source, advance)), explanations, explain)
            if output is not None:
                count = save_results(results, output, fmt)
            elif output_format is not None:
                printed = io.StringIO()
                count = write_results(results, printed, fmt)
            else:
                table_rows = list(results)
                count = len(table_rows)
    except InvalidExam as e:
        _fail_with_problems(e.problems, input_path)
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


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A function to call once per exam: advances a progress bar on stderr when stderr is
    a terminal and there are more than :data:`PROGRESS_MIN_EXAMS` exams."""
    if not progress_wanted(total, stderr_is_terminal=sys.stderr.isatty()):
        yield lambda: None
        return
    with Progress(
        TextColumn("classifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("classifying", total=total)
        yield lambda: progress.advance(task)


def _advancing(items: Iterable[T], advance: Callable[[], None]) -> Iterator[T]:
    for item in items:
        yield item
        advance()


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
