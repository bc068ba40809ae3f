"""Options and output shared by the follow-up commands (visit, exam, measure, ae,
imaging, rehab)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

import typer

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


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as aligned plain-text lines under their headers."""
    cells = [[_text(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
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
