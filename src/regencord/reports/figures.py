"""Figures of the trial report, each an inline SVG string: ``<svg class="rc-figure
rc-figure-KIND" role="img" aria-label=...>`` without prolog, scripts or external references
(size it with CSS, e.g. ``svg.rc-figure {max-width: 100%; height: auto}``).

Time runs in weeks after injury (day 0). AIS grades keep one colour-blind-safe colour
(Okabe-Ito) everywhere: :data:`AIS_COLOURS`; a grade that NT values leave open (e.g.
``{A, B}``) is drawn hatched grey and written ``A/B``. Every figure draws its many marks as a
few collections, so a 500-participant trial renders in a fraction of a second per figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from regencord.isncsci import AIS, Totals
from regencord.outcomes.model import ExamPoint, ParticipantData
from regencord.outcomes.trajectory import trajectory
from regencord.reports._plot import (
    WEEK,
    X_LABEL,
    darker,
    grade_handles,
    message_svg,
    new_figure,
    style,
    to_svg,
)
from regencord.reports.lanes import adverse_event_timeline, ais_lanes
from regencord.reports.palette import (
    AIS_COLOURS,
    CTCAE_COLOURS,
    UNDETERMINED_COLOUR,
    ais_label,
    grade_colour,
)

__all__ = [
    "AIS_COLOURS",
    "CTCAE_COLOURS",
    "UNDETERMINED_COLOUR",
    "MotorScore",
    "NaturalHistoryBand",
    "adverse_event_timeline",
    "ais_label",
    "ais_lanes",
    "band_from_mean_sd",
    "motor_change_runs",
    "motor_trajectories",
]

MotorScore = Literal["lems", "uems", "motor_total"]


_MOTOR_SCORES: dict[str, tuple[str, Callable[[Totals], int | None]]] = {
    "lems": ("LEMS", lambda t: t.lower_extremity),
    "uems": ("UEMS", lambda t: t.upper_extremity),
    "motor_total": ("total motor score", lambda t: t.motor),
}


@dataclass(frozen=True)
class NaturalHistoryBand:
    """Expected change from baseline without treatment (low to high) at days after injury,
    e.g. from a natural-history cohort; ``label`` names the source in the legend."""

    label: str
    days: tuple[int, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]

    def __post_init__(self) -> None:
        if not len(self.days) == len(self.low) == len(self.high) >= 2:
            raise ValueError("a band needs at least two days, each with a low and a high")
        if any(b <= a for a, b in zip(self.days, self.days[1:], strict=False)):
            raise ValueError("band days must increase")
        if any(lo > hi for lo, hi in zip(self.low, self.high, strict=True)):
            raise ValueError("band low values must not exceed high values")


def band_from_mean_sd(
    label: str, mean: float, sd: float, *, day_end: int = 365, day_start: int = 0
) -> NaturalHistoryBand:
    """A band from 0 at the baseline day ``day_start`` to ``mean ± sd`` at ``day_end``.

    A visual guide only: it assumes recovery grows linearly between the two days, which
    natural-history recovery (fast early, then a plateau) does not.
    """
    return NaturalHistoryBand(label, (day_start, day_end), (0.0, mean - sd), (0.0, mean + sd))


def baseline_exam(participant: ParticipantData) -> ExamPoint | None:
    """The participant's baseline exam, as the outcomes define it."""
    base = trajectory(participant).baseline
    return base.exam if base is not None else None


def motor_change_runs(
    participant: ParticipantData, score: MotorScore = "lems"
) -> list[list[tuple[int, int]]] | None:
    """``(day, change from the baseline exam)`` of a motor score at each exam from the
    baseline on (the pre-treatment exam, :attr:`Trajectory.baseline`), in runs split
    where NT leaves the score undetermined (a gap, never a 0); ``None`` without exams or
    when the baseline score is undetermined."""
    get = _MOTOR_SCORES[score][1]
    first = baseline_exam(participant)
    base = get(first.result.totals) if first is not None else None
    if first is None or base is None:
        return None
    runs: list[list[tuple[int, int]]] = [[]]
    for e in participant.exams:
        if e.day < first.day:
            continue  # screening exams before the baseline
        value = get(e.result.totals)
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((e.day, value - base))
    return [run for run in runs if run]


def motor_trajectories(
    participants: Sequence[ParticipantData],
    *,
    score: MotorScore = "lems",
    band: NaturalHistoryBand | None = None,
) -> str:
    """Change of a motor score from each participant's baseline (pre-treatment) exam, by weeks after
    injury: one line per participant, coloured by baseline AIS, labelled with study ids when
    there are at most 12, over ``band``. A score that NT leaves undetermined is a gap in the
    line; a participant whose baseline score is undetermined is not drawn (noted above)."""
    if score not in _MOTOR_SCORES:
        raise ValueError(f"score must be one of {', '.join(_MOTOR_SCORES)}, got {score!r}")
    name = _MOTOR_SCORES[score][0]
    title = f"Change in {name} from baseline by weeks after injury"
    segments: list[list[tuple[float, float]]] = []
    colours: list[str] = []
    points: list[tuple[float, float, str]] = []  # every plotted exam
    lone: list[tuple[float, float, str]] = []  # exams on no line (NT before and after)
    ends: list[tuple[str, float, float, str]] = []  # study id at the last point
    grades: set[AIS] = set()
    no_exams = no_baseline = 0
    for p in participants:
        if not p.exams:
            no_exams += 1
            continue
        runs = motor_change_runs(p, score)
        if runs is None:
            no_baseline += 1
            continue
        first = baseline_exam(p)
        assert first is not None
        ais = first.result.ais
        colour = grade_colour(ais)
        grades.update(ais.values if ais.determined else ())
        for run in runs:
            weeks = [(day / WEEK, float(change)) for day, change in run]
            if len(weeks) > 1:
                segments.append(weeks)
                colours.append(colour)
            points.extend((x, y, colour) for x, y in weeks)
            if len(weeks) == 1:
                lone.append(points[-1])
        ends.append((p.study_id, points[-1][0], points[-1][1], colour))
    if not segments and not points:
        return message_svg(kind="motor", title=title, message=f"No {name} to plot")
    n = len(ends)
    with style():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        handles: list[Patch | Line2D] = []
        if band is not None:
            ax.fill_between(
                [d / WEEK for d in band.days],
                band.low,
                band.high,
                color="#999999",
                alpha=0.3,
                lw=0,
            )
            handles.append(Patch(color="#999999", alpha=0.3, label=textwrap.fill(band.label, 30)))
        ax.axhline(0, color="#888888", lw=0.6, zorder=1)
        lw, alpha = (1.4, 1.0) if n <= 12 else (1.0, 0.8) if n <= 60 else (0.7, 0.35)
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=lw, alpha=alpha))
        shown = points if n <= 60 else lone
        if shown:
            xs, ys, cs = zip(*shown, strict=True)
            ax.scatter(xs, ys, c=list(cs), s=10 if n <= 60 else 4, zorder=3, linewidths=0)
        ax.autoscale_view()
        ax.set_xlim(left=0)
        if n <= 12:
            _label_ends(ax, ends)
        handles += grade_handles(grades, "baseline AIS ")
        if any(c == UNDETERMINED_COLOUR for *_, c in ends):
            handles.append(Patch(color=UNDETERMINED_COLOUR, label="baseline AIS not determined"))
        fig.legend(handles=handles, loc="outside right upper")
        ax.set_xlabel(X_LABEL)
        ax.set_ylabel(f"Change in {name} (points)")
        notes = [f"{n} participant{'s' if n != 1 else ''}"]
        if no_baseline:
            notes.append(f"not shown: {no_baseline} with baseline {name} not determinable (NT)")
        if no_exams:
            notes.append(f"{no_exams} without exams")
        ax.set_title("; ".join(notes), loc="left", color="#555555")
        return to_svg(fig, kind="motor", title=title)


def _label_ends(ax: Axes, ends: list[tuple[str, float, float, str]]) -> None:
    """Study ids right of each line's last point, pushed apart so they do not overlap."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    gap = 0.045 * (y1 - y0)
    placed: list[float] = []
    for sid, x, y, colour in sorted(ends, key=lambda e: e[2]):
        placed.append(max(y, placed[-1] + gap) if placed else y)
        ax.text(
            x + 0.01 * (x1 - x0), placed[-1], sid, fontsize=7, va="center", color=darker(colour)
        )
    ax.set_xlim(x0, x1 + 0.12 * (x1 - x0))
    ax.set_ylim(y0, max(y1, placed[-1] + gap))
