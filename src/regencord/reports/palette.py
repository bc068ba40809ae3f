"""Colours shared by the report's figures and HTML (colour-blind safe), without matplotlib."""

from __future__ import annotations

from regencord.isncsci import AIS, PossibleValues

AIS_COLOURS: dict[AIS, str] = {
    AIS.A: "#D55E00",  # vermillion
    AIS.B: "#E69F00",  # orange
    AIS.C: "#CC79A7",  # reddish purple
    AIS.D: "#0072B2",  # blue
    AIS.E: "#009E73",  # bluish green
}
"""Colour of each AIS grade everywhere in the report (Okabe-Ito)."""
UNDETERMINED_COLOUR = "#BBBBBB"
"""A grade NT values leave open (drawn hatched), or a baseline grade not determined."""
CTCAE_COLOURS: dict[int, str] = {
    1: "#FED976",
    2: "#FEB24C",
    3: "#FD8D3C",
    4: "#E31A1C",
    5: "#800026",
}
"""CTCAE grades 1-5 (ColorBrewer YlOrRd: sequential, colour-blind safe)."""


def ais_label(outcome: PossibleValues[AIS]) -> str:
    """``C`` for a determined grade, ``A/B`` when NT values leave several open."""
    return "/".join(sorted(g.value for g in outcome.values)) or "?"


def grade_colour(outcome: PossibleValues[AIS]) -> str:
    """The grade's colour, or :data:`UNDETERMINED_COLOUR` when NT values leave it open."""
    return AIS_COLOURS[outcome.value] if outcome.determined else UNDETERMINED_COLOUR
