"""Options and output shared by the follow-up commands (visit, exam, measure, ae,
imaging, rehab)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, TypeVar

import typer

from regencord.cli.options import flag_of
from regencord.services.errors import FieldProblem, InvalidInput
from regencord.services.recording import ReplaceNeeded

T = TypeVar("T")

TrialOption = Annotated[str, typer.Option("--trial", help="Trial code.", show_default=False)]
ParticipantOption = Annotated[
    str, typer.Option("--participant", help="The participant's study id.", show_default=False)
]
VisitOption = Annotated[
    str,
    typer.Option("--visit", help='Visit of the schedule, e.g. "week 12".', show_default=False),
]
OptionalParticipant = Annotated[
    str | None,
    typer.Option("--participant", help="Only this participant (study id).", show_default=False),
]
OptionalVisit = Annotated[
    str | None, typer.Option("--visit", help="Only this visit.", show_default=False)
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="Date taken (default: the visit's date; an unrecorded visit is recorded on it).",
        show_default=False,
    ),
]


def replacing(action: Callable[[], T]) -> T:
    """``action()``, its "the visit already has one" problems telling which flags replace
    the stored record (``to replace it, pass --replace with a --reason``)."""
    try:
        return action()
    except InvalidInput as error:
        if not any(isinstance(p, ReplaceNeeded) for p in error.problems):
            raise
        how = f"to replace it, pass {flag_of('replace')} with a {flag_of('reason')}"
        raise InvalidInput(
            [
                FieldProblem(p.record, p.field, p.value, f"{p.held}; {how}")
                if isinstance(p, ReplaceNeeded)
                else p
                for p in error.problems
            ]
        ) from None


REQUIRED = "  [required]"
"""The end of the help of an option that the command or its use case requires, while the
option parser does not, so that every missing value is reported at once."""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` in agreement: ``1 participant``, ``2 participants``, ``0 queries``."""
    if n == 1:
        return f"1 {noun}"
    if plural is None:
        plural = (
            noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
        )
    return f"{n} {plural}"


COLUMN_WIDTH = 40
"""The widest a column is padded to; a longer cell is printed whole and shifts the rest
of its own line only, so that one long value (a schedule in the audit trail) does not pad
every line to its length, whether the output is a terminal or a pipe."""


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as aligned plain-text lines under their headers (see :data:`COLUMN_WIDTH`)."""
    cells = [[_text(c) for c in row] for row in rows]
    widths = [
        max([len(h), *(len(r[i]) for r in cells if len(r[i]) <= COLUMN_WIDTH)])
        for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return lines


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
