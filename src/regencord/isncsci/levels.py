"""Spinal segments, dermatomes and myotomes of the ISNCSCI examination.

International Standards (2019), "Sensory examination" and "Motor examination": 28 key
sensory points C2 to S4-5 per side, and 10 key muscle functions per side (C5-T1, L2-S1).
Levels C1 (used when C2 is impaired) to S4-5 are ordered rostral to caudal.
"""

from __future__ import annotations

from enum import Enum, IntEnum


class Level(IntEnum):
    """A spinal segment, in rostral-to-caudal order (C1 = 0, S4_5 = 28)."""

    C1 = 0
    C2 = 1
    C3 = 2
    C4 = 3
    C5 = 4
    C6 = 5
    C7 = 6
    C8 = 7
    T1 = 8
    T2 = 9
    T3 = 10
    T4 = 11
    T5 = 12
    T6 = 13
    T7 = 14
    T8 = 15
    T9 = 16
    T10 = 17
    T11 = 18
    T12 = 19
    L1 = 20
    L2 = 21
    L3 = 22
    L4 = 23
    L5 = 24
    S1 = 25
    S2 = 26
    S3 = 27
    S4_5 = 28

    @property
    def label(self) -> str:
        """The worksheet's name: ``C5``, ``S4_5``."""
        return self.name

    @classmethod
    def parse(cls, text: str) -> Level:
        """The level named ``text`` (``"C5"``, ``"s4_5"``, ``"S4-5"``); ``KeyError`` if none."""
        return cls[text.strip().upper().replace("-", "_")]


class Marker(Enum):
    """Results that are not a segment: ``INT`` (intact) and ``NA`` (not applicable)."""

    INT = "INT"
    NA = "NA"

    def __str__(self) -> str:
        return self.value


LevelValue = Level | Marker
"""A neurological level or ZPP as a result: a segment, ``Marker.INT`` or ``Marker.NA``."""

DERMATOMES: tuple[Level, ...] = tuple(Level)[1:]
"""The 28 key sensory points, C2 to S4-5."""

MYOTOMES: tuple[Level, ...] = (
    Level.C5,
    Level.C6,
    Level.C7,
    Level.C8,
    Level.T1,
    Level.L2,
    Level.L3,
    Level.L4,
    Level.L5,
    Level.S1,
)
"""The 10 key muscle functions: elbow flexors (C5) to ankle plantar flexors (S1)."""

UPPER_MYOTOMES: tuple[Level, ...] = MYOTOMES[:5]
LOWER_MYOTOMES: tuple[Level, ...] = MYOTOMES[5:]

NON_KEY_MUSCLE_LEVELS: tuple[Level, ...] = tuple(Level)[Level.C5 : Level.S1 + 1]
"""Levels a lowest non-key muscle with motor function may be recorded at (C5 to S1)."""

RESULT_LEVELS: tuple[Level, ...] = tuple(Level)[: Level.S3 + 1]
"""Levels a sensory, motor or neurological level can take (C1 to S3; INT beyond)."""


def is_myotome(level: Level) -> bool:
    """Whether ``level`` has a key muscle function."""
    return level in _MYOTOME_SET


_MYOTOME_SET = frozenset(MYOTOMES)


def outcome_sort_key(outcome: LevelValue) -> int:
    """Praxis display order: NA first, then rostral to caudal, INT last."""
    if outcome is Marker.NA:
        return -1
    if outcome is Marker.INT:
        return 99
    return int(outcome)
