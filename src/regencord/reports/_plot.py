"""What the figure modules share: the style and palette, lanes, and figures exported as SVG
strings that can be inlined in HTML (no prolog, no external references, ids unique per
figure)."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from regencord.isncsci import AIS
from regencord.outcomes.model import ParticipantData
from regencord.reports.palette import AIS_COLOURS

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

WEEK = 7.0
X_LABEL = "Weeks after injury"

WIDTH_IN = 7.5
"""Figure width in inches (540 pt)."""

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays text: small, searchable, selectable
    "svg.hashsalt": "regencord",  # deterministic ids (renamed per figure below)
    "text.parse_math": False,  # "$" in a study id or AE term is a dollar sign
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 8,
    "legend.fontsize": 7,
    "legend.frameon": False,
}
_NO_METADATA: dict[str, object] = {"Format": None, "Type": None, "Creator": None, "Date": None}

_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_EMPTY_DEFS = re.compile(r"<defs>\s*</defs>")
_GEOMETRY = re.compile(r'( (?:d|x|y|width|height|transform)=")([^"]*)')
_DECIMALS = re.compile(r"(\.\d\d)\d+")  # 1/100 pt is plenty
_BETWEEN_TAGS = re.compile(r">\s+<")
_ID = re.compile(r' id="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


@contextmanager
def style() -> Iterator[None]:
    """The report style; build and export figures inside it."""
    with mpl.rc_context(_RC):
        yield


def new_figure(height_in: float) -> Figure:
    """A figure of the report width, laid out by matplotlib's constrained layout."""
    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def to_svg(fig: Figure, *, kind: str, title: str) -> str:
    """``fig`` as an inline SVG element: ``<svg class="rc-figure rc-figure-KIND" role="img"
    aria-label="TITLE">`` with a ``<title>``, no XML prolog or DOCTYPE, no metadata, no
    global stylesheet, ``href`` instead of ``xlink:href``, and ids prefixed by ``KIND`` and a
    hash of the figure so that several figures can share a page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=_NO_METADATA)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "", 1)
    svg = svg.replace("xlink:href=", "href=")
    # matplotlib's "*{stroke-linejoin: round; stroke-linecap: butt}" would style the whole
    # page once inlined: set the same (inherited) properties on the root instead.
    svg = _EMPTY_DEFS.sub("", _STYLE.sub("", svg))
    svg = _GEOMETRY.sub(
        lambda m: m.group(1) + _DECIMALS.sub(r"\1", " ".join(m.group(2).split())), svg
    )
    svg = _BETWEEN_TAGS.sub("><", svg)
    refs = {m.group(2) for m in _REF.finditer(svg)}
    prefix = f"{kind}-{hashlib.sha1(svg.encode()).hexdigest()[:8]}-"
    svg = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in refs else "", svg)
    svg = _REF.sub(lambda m: m.group(1) + prefix + m.group(2), svg)
    label = escape(title, quote=True)
    root = (
        f'<svg class="rc-figure rc-figure-{kind}" role="img" aria-label="{label}" '
        'stroke-linejoin="round" stroke-linecap="butt" '
    )
    head, rest = svg[len("<svg ") :].split(">", 1)
    return f"{root}{head}><title>{label}</title>{rest}"


def message_svg(*, kind: str, title: str, message: str) -> str:
    """A small figure that only says ``message`` (an empty trial, nothing to plot)."""
    with style():
        fig = new_figure(0.8)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, message, ha="center", va="center", color="#555555")
        return to_svg(fig, kind=kind, title=title)


def add_rects(
    ax: Axes,
    rects: Sequence[tuple[float, float, float, float]],
    facecolors: Sequence[str] | str,
    **kwargs: object,
) -> None:
    """Rectangles ``(x0, x1, y0, y1)`` as one collection (one SVG group, fast to draw)."""
    if not rects:
        return
    r = np.asarray(rects, dtype=float)
    x0, x1, y0, y1 = r.T
    verts = np.stack(
        [
            np.stack([x0, y0], 1),
            np.stack([x0, y1], 1),
            np.stack([x1, y1], 1),
            np.stack([x1, y0], 1),
        ],
        axis=1,
    )
    collection = PolyCollection(verts, facecolors=facecolors, **kwargs)  # type: ignore[arg-type]
    collection.set_clip_on(False)  # inside the axes anyway: no clip-path on each rectangle
    ax.add_collection(collection)


def lane_height(lanes: float) -> float:
    """Figure height in inches for ``lanes`` lanes of height 1: readable lanes up to 60,
    then compressed (up to 20 in) so that a large trial stays one figure."""
    if lanes <= 60:
        return 1.3 + 0.24 * lanes
    return min(1.3 + 0.24 * 60 + 0.03 * (lanes - 60), 20.0)


def darker(colour: str, factor: float = 0.7) -> str:
    """``colour`` (``#RRGGBB``) darkened, for text drawn in a line's colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02X}{:02X}{:02X}".format(*(int(c * factor) for c in (r, g, b)))


def grade_handles(grades: set[AIS], prefix: str = "AIS ") -> list[Patch]:
    """Legend entries of the grades in ``grades``, A to E."""
    return [Patch(color=AIS_COLOURS[g], label=f"{prefix}{g.value}") for g in AIS if g in grades]


def xy(points: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    return [x for x, _ in points], [y for _, y in points]


def lane_centres(heights: Sequence[float]) -> list[float]:
    """Centres of lanes of ``heights`` stacked top to bottom, the first centred on 0 when its
    height is 1 (so lanes of height 1 are centred on 0, 1, 2, ...)."""
    centres, top = [], -0.5
    for h in heights:
        centres.append(top + h / 2)
        top += h
    return centres


def lanes_figure(
    ids: Sequence[str], x_max: float, heights: Sequence[float] | None = None
) -> tuple[Figure, Axes]:
    """Axes with a lane per id (of height 1, or ``heights``), top to bottom, weeks after
    injury from 0 to ``x_max``; the ids label the lanes up to 60 lanes."""
    n = len(ids)
    heights = [1.0] * n if heights is None else heights
    total = sum(heights)
    fig = new_figure(lane_height(total))
    ax = fig.add_subplot()
    ax.set_ylim(total - 0.5, -0.5)
    ax.set_xlim(0, x_max)
    if n <= 60:
        ax.set_yticks(lane_centres(heights), ids, fontsize=7 if n <= 30 else 6)
        bounds = list(itertools.accumulate(heights, initial=-0.5))[1:-1]
        ax.hlines(bounds, 0, 1, transform=ax.get_yaxis_transform(), colors="#EEEEEE", lw=0.6)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"Participants (n = {n})")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(X_LABEL)
    return fig, ax


def transplant_bars(
    ax: Axes, ps: Sequence[ParticipantData], heights: Sequence[float] | None = None
) -> list[Line2D]:
    """The transplant day as a black bar across each lane; its legend entry, if any."""
    heights = [1.0] * len(ps) if heights is None else heights
    bars = [
        (p.transplant.day / WEEK, y, h)
        for p, y, h in zip(ps, lane_centres(heights), heights, strict=True)
        if p.transplant is not None
    ]
    if not bars:
        return []
    x = [x for x, _, _ in bars]
    low, high = [y - h / 2 for _, y, h in bars], [y + h / 2 for _, y, h in bars]
    ax.vlines(x, low, high, colors="black", lw=2 if len(ps) <= 60 else 1, zorder=4)
    return [Line2D([], [], ls="", marker="|", ms=8, mew=2, c="black", label="transplant")]
