"""Raw ISNCSCI exams (Praxis shape, all 134 values) from a compact description.

A description is what a clinician would sketch: the last normal dermatome per side, the
key-muscle grades, how far impaired sensation reaches below the level, and what is spared
further down (sacral sensation, deep anal pressure, voluntary anal contraction). The cells
follow by fixed rules, so one description always gives the same exam. Nothing here grades
an exam: the engine (:func:`regencord.isncsci.classify`) decides levels, AIS and scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regencord.isncsci import DERMATOMES, MYOTOMES, Level

Pair = tuple[int, int]


@dataclass(frozen=True)
class Sparing:
    """What is preserved below the zone of impaired sensation."""

    below: Pair = (0, 0)
    """Light touch and pin prick (0 absent, 1 impaired) of the dermatomes down to S3."""
    sacral: Pair = (0, 0)
    """Light touch and pin prick at S4-5."""
    vac: bool = False
    """Voluntary anal contraction."""
    dap: bool = False
    """Deep anal pressure."""


NONE = Sparing()
"""Nothing below the zone: no sacral sparing."""
SACRAL = Sparing(sacral=(1, 0), dap=True)
"""Sacral light touch and deep anal pressure only."""
PATCHY = Sparing(below=(1, 0), sacral=(1, 1), vac=True, dap=True)
"""Impaired light touch below the zone, sacral sensation, anal contraction."""
BROAD = Sparing(below=(1, 1), sacral=(1, 1), vac=True, dap=True)
"""Impaired light touch and pin prick below the zone, sacral sensation, anal contraction."""


@dataclass(frozen=True)
class ExamSpec:
    """One exam, compactly; pairs are (right, left).

    ``motor`` holds per side the grades of the ten key muscles C5 C6 C7 C8 T1 and
    L2 L3 L4 L5 S1, e.g. ``"54310 21100"``. Sensation is normal (2) down to
    ``sensory_level``, impaired (1) in the ``zone`` dermatomes below it (pin prick one
    dermatome shorter when the zone is wider than one), then as ``sparing`` says.
    """

    sensory_level: tuple[str, str]
    motor: tuple[str, str]
    zone: Pair = (1, 1)
    sparing: Sparing = NONE

    def grades(self, side: int) -> dict[Level, int]:
        """Key-muscle grades of one side (0 right, 1 left)."""
        digits = self.motor[side].replace(" ", "")
        if len(digits) != len(MYOTOMES) or not all(d in "012345" for d in digits):
            raise ValueError(f"motor {self.motor[side]!r} is not ten grades 0-5")
        return dict(zip(MYOTOMES, map(int, digits), strict=True))

    @property
    def uems(self) -> int:
        """Upper-extremity motor score as sketched (C5-T1, both sides)."""
        return sum(self.grades(s)[level] for s in (0, 1) for level in MYOTOMES[:5])

    @property
    def lems(self) -> int:
        """Lower-extremity motor score as sketched (L2-S1, both sides)."""
        return sum(self.grades(s)[level] for s in (0, 1) for level in MYOTOMES[5:])


def _sensory(spec: ExamSpec, side: int, modality: int) -> dict[str, str]:
    """Light touch (``modality`` 0) or pin prick (1) of one side."""
    level = Level.parse(spec.sensory_level[side])
    zone = spec.zone[side] - (1 if modality and spec.zone[side] > 1 else 0)
    out = {}
    for dermatome in DERMATOMES:
        if dermatome is Level.S4_5:
            value = spec.sparing.sacral[modality]
        elif dermatome <= level:
            value = 2
        elif dermatome <= level + zone:
            value = 1
        else:
            value = spec.sparing.below[modality]
        out[dermatome.name] = str(value)
    return out


def _side(spec: ExamSpec, side: int) -> dict[str, Any]:
    return {
        "motor": {level.name: str(grade) for level, grade in spec.grades(side).items()},
        "lightTouch": _sensory(spec, side, 0),
        "pinPrick": _sensory(spec, side, 1),
    }


def praxis_exam(spec: ExamSpec) -> dict[str, Any]:
    """The exam of ``spec`` in the Praxis shape, every value a string."""
    return {
        "right": _side(spec, 0),
        "left": _side(spec, 1),
        "voluntaryAnalContraction": "Yes" if spec.sparing.vac else "No",
        "deepAnalPressure": "Yes" if spec.sparing.dap else "No",
    }
