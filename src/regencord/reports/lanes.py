"""Lane (swimmer) figures: one lane per participant along weeks after injury. Use them
through :mod:`regencord.reports.figures`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from regencord.outcomes.model import AdverseEventPoint, ParticipantData
from regencord.outcomes.safety import RELATED
from regencord.reports._plot import (
    WEEK,
    add_rects,
    grade_handles,
    lane_centres,
    lanes_figure,
    message_svg,
    style,
    to_svg,
    transplant_bars,
    xy,
)
from regencord.reports.palette import AIS_COLOURS, CTCAE_COLOURS, UNDETERMINED_COLOUR, ais_label

"""``related_to_cells`` values drawn as related to the transplanted cells."""

Rect = tuple[float, float, float, float]
"""``(x0, x1, y0, y1)``"""


def ais_lanes(participants: Sequence[ParticipantData]) -> str:
    """One lane per participant (in the given order, top to bottom): the AIS grade from each
    exam to the next (the last one extended a little), exams as dots, the transplant day as a
    black bar, a cross ending the lane of a withdrawn participant. A grade NT values leave
    open is hatched grey and labelled (``A/B``) in lanes tall enough (up to 60 lanes)."""
    title = "AIS grade over time, one lane per participant"
    ps = list(participants)
    if not ps:
        return message_svg(kind="lanes", title=title, message="No participants")
    days = [e.day for p in ps for e in p.exams] + [p.transplant.day for p in ps if p.transplant]
    last_day = max(days, default=0)
    ext = max(7.0, 0.04 * last_day)
    rects: list[Rect] = []
    colours: list[str] = []
    open_rects: list[Rect] = []
    open_labels: list[tuple[float, float, str]] = []
    exams: list[tuple[float, float]] = []
    withdrawn: list[tuple[float, float]] = []
    for y, p in enumerate(ps):
        starts = [float(e.day) for e in p.exams]
        stops = [*starts[1:], starts[-1] + ext] if starts else []
        previous = None  # the grade of the lane's last rectangle, to extend it
        for e, stop in zip(p.exams, stops, strict=True):
            rect = (e.day / WEEK, stop / WEEK, y - 0.35, y + 0.35)
            grade = e.result.ais.value if e.result.ais.determined else None
            if grade is not None and grade is previous:
                rects[-1] = (rects[-1][0], *rect[1:])
            elif grade is not None:
                rects.append(rect)
                colours.append(AIS_COLOURS[grade])
            else:
                open_rects.append(rect)
                open_labels.append(((rect[0] + rect[1]) / 2, y, ais_label(e.result.ais)))
            previous = grade
            exams.append((e.day / WEEK, y))
        if p.status == "withdrawn":
            end = stops[-1] if stops else (p.transplant.day if p.transplant else 0)
            withdrawn.append((end / WEEK, y))
    n = len(ps)
    with style():
        fig, ax = lanes_figure([p.study_id for p in ps], (last_day + 2 * ext) / WEEK)
        add_rects(ax, rects, colours, linewidths=0)
        add_rects(
            ax, open_rects, UNDETERMINED_COLOUR, hatch="////", edgecolors="#555555", linewidths=0
        )
        if n <= 60:
            box = {"boxstyle": "square,pad=0.1", "fc": "white", "lw": 0}
            for x, mid, text in open_labels:
                ax.text(x, mid, text, ha="center", va="center", fontsize=6.5, bbox=box)
        size = 12 if n <= 60 else 3
        if exams:
            ax.scatter(*xy(exams), s=size, c="black", zorder=3, linewidths=0)
        if withdrawn:
            ax.scatter(*xy(withdrawn), s=size * 3, marker="X", c="black", zorder=5)
        grades = {g for p in ps for e in p.exams if e.result.ais.determined for g in e.result.ais}
        handles: list[Patch | Line2D] = [*grade_handles(grades)]
        open_grades = sorted({text for *_, text in open_labels})
        if len(open_grades) > 4:
            open_grades = ["grade not determined"]
        handles += [
            Patch(fc=UNDETERMINED_COLOUR, ec="#555555", hatch="////", label=f"{label} (NT)")
            for label in open_grades
        ]
        handles.append(Line2D([], [], ls="", marker="o", ms=3, c="black", label="exam"))
        handles += transplant_bars(ax, ps)
        if withdrawn:
            handles.append(Line2D([], [], ls="", marker="X", ms=5, c="black", label="withdrawn"))
        fig.legend(handles=handles, loc="outside right upper")
        return to_svg(fig, kind="lanes", title=title)


def adverse_event_timeline(participants: Sequence[ParticipantData]) -> str:
    """One lane per participant with adverse events: each event a bar from onset to
    resolution, coloured by CTCAE grade, hatched when possibly, probably or definitely related
    to the cells, a triangle at the onset of a serious event; an ongoing event runs to the
    participant's last follow-up (or the trial's latest day) and ends in an arrowhead.
    Overlapping events share their lane in sub-rows; the transplant day is a black bar."""
    title = "Adverse events by weeks after injury, one lane per participant with events"
    everyone = list(participants)
    ps = [p for p in everyone if p.adverse_events]
    if not ps:
        return message_svg(kind="ae", title=title, message="No adverse events")
    latest = max(_last_day(p) for p in everyone)
    events: list[list[tuple[float, float, AdverseEventPoint]]] = []  # per lane, in weeks
    for p in ps:
        last = _last_day(p)
        lane = []
        for ae in sorted(p.adverse_events, key=lambda a: a.onset_day):
            if ae.resolution_date is not None:
                end = _days_after(ae.onset_day, ae.onset_date, ae.resolution_date)
            else:
                end = last if last > ae.onset_day else max(latest, ae.onset_day)
            lane.append((ae.onset_day / WEEK, end / WEEK, ae))
        events.append(lane)
    x_max = max(stop for lane in events for _, stop, _ in lane) * 1.08 + 1
    labelled = sum(map(len, events)) <= 30
    # Term labels right of the bars, about 3.6 pt a character on a ~380 pt wide axes.
    text_width = 3.6 * x_max / 380 if labelled else 0.0
    bars: list[tuple[float, float, AdverseEventPoint]] = []
    slots: list[tuple[int, int]] = []  # lane, sub-row
    sub_rows: list[int] = []
    for y, lane in enumerate(events):
        rows = _pack([(start, stop + text_width * (len(ae.term) + 2)) for start, stop, ae in lane])
        bars += lane
        slots += [(y, k) for k in rows]
        sub_rows.append(max(rows) + 1)
    # A lane holds two labelled sub-rows; it grows for more.
    heights = [max(1.0, 0.5 * m) if labelled else 1.0 for m in sub_rows]
    centres = lane_centres(heights)
    if labelled:
        x_max = max(x_max, max(stop + text_width * len(ae.term) for _, stop, ae in bars))
    plain: list[Rect] = []
    plain_colours: list[str] = []
    related: list[Rect] = []
    related_colours: list[str] = []
    serious: list[tuple[float, float]] = []
    ongoing: list[tuple[float, float]] = []
    terms: list[tuple[float, float, str]] = []
    for (start, stop, ae), (lane_index, k) in zip(bars, slots, strict=True):
        h = 0.8 * heights[lane_index] / sub_rows[lane_index]
        y0 = centres[lane_index] - 0.4 * heights[lane_index] + k * h
        rect = (start, max(stop, start + 0.004 * x_max), y0 + 0.08 * h, y0 + 0.92 * h)
        is_related = ae.related_to_cells in RELATED
        (related if is_related else plain).append(rect)
        colour = CTCAE_COLOURS.get(ae.ctcae_grade, UNDETERMINED_COLOUR)
        (related_colours if is_related else plain_colours).append(colour)
        if ae.serious:
            serious.append((start, y0 + h / 2))
        if ae.resolution_date is None:
            ongoing.append((rect[1], y0 + h / 2))
        gap = 0.014 if ae.resolution_date is None else 0.006  # clear of the arrowhead
        terms.append((rect[1] + gap * x_max, y0 + h / 2, ae.term))
    with style():
        fig, ax = lanes_figure([p.study_id for p in ps], x_max, heights)
        add_rects(ax, plain, plain_colours, edgecolors="#666666", linewidths=0.3)
        add_rects(ax, related, related_colours, edgecolors="#333333", linewidths=0.3, hatch="////")
        size = 14 if len(ps) <= 60 else 4
        if serious:
            ax.scatter(
                *xy(serious), marker="^", s=2 * size, c="black", ec="white", lw=0.4, zorder=5
            )
        if ongoing:
            ax.scatter(*xy(ongoing), marker=">", s=size, c="black", zorder=5)
        if labelled:
            for x, mid, term in terms:
                ax.text(x, mid, term, fontsize=6, va="center", color="#333333")
        handles: list[Patch | Line2D] = [
            Patch(fc=c, ec="#666666", lw=0.3, label=f"CTCAE grade {g}")
            for g, c in CTCAE_COLOURS.items()
        ]
        handles += [
            Patch(fc="white", ec="#333333", hatch="////", label="related to cells"),
            Line2D([], [], ls="", marker="^", ms=5, c="black", label="serious"),
            Line2D([], [], ls="", marker=">", ms=4, c="black", label="ongoing"),
            *transplant_bars(ax, ps, heights),
        ]
        fig.legend(handles=handles, loc="outside right upper")
        ax.set_title(
            f"{len(ps)} of {len(everyone)} participants with adverse events",
            loc="left",
            color="#555555",
        )
        return to_svg(fig, kind="ae", title=title)


def _days_after(start_day: int, start: date, end: date) -> int:
    return start_day + (end - start).days


def _last_day(p: ParticipantData) -> int:
    """The participant's last follow-up: the latest day of anything recorded."""
    days = [e.day for e in p.exams] + [m.day for m in p.measures] + [i.day for i in p.imaging]
    for ae in p.adverse_events:
        days.append(ae.onset_day)
        if ae.resolution_date is not None:
            days.append(_days_after(ae.onset_day, ae.onset_date, ae.resolution_date))
    if p.transplant is not None:
        days.append(p.transplant.day)
    return max(days, default=0)


def _pack(spans: list[tuple[float, float]]) -> list[int]:
    """A sub-row for each span (sorted by start) so that spans in a sub-row do not overlap."""
    row_ends: list[float] = []
    rows = []
    for start, stop in spans:
        k = next((i for i, end in enumerate(row_ends) if end < start), len(row_ends))
        row_ends[k : k + 1] = [stop]
        rows.append(k)
    return rows
