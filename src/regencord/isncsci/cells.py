"""Cell values of the exam worksheet: scores, NT, and the non-SCI tags ``*`` and ``**``.

International Standards (2019), "Not testable (NT)" and the worksheet's scoring keys:
motor 0-5, sensory 0-2, ``NT`` when a part cannot be examined. A score or NT may be tagged
as impaired by a condition other than the SCI: ``*`` = consider not normal for
classification, ``**`` = consider normal for classification (Rupp et al. 2021, and the
2019 worksheet's "0*, 1*, NT* = non-SCI condition present").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import lru_cache

from regencord.isncsci.rules import valid_score


class Tag(Enum):
    """Non-SCI impairment tag on a cell."""

    NONE = ""
    NOT_NORMAL = "*"
    NORMAL = "**"


class ImpairmentReason(StrEnum):
    """Why a cell is tagged as impaired by a condition other than the SCI (the reasons the
    REDCap ISNCSCI instrument and the 2019 worksheet's comments box name)."""

    PLEXOPATHY = "plexopathy"
    PERIPHERAL_NEUROPATHY = "peripheral neuropathy"
    MYONEURONAL_DISEASE = "pre-existing myoneuronal disease"
    """E.g. stroke, multiple sclerosis."""
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Cell:
    """One worksheet cell: a score (``None`` = NT) and its tag."""

    score: int | None
    tag: Tag = Tag.NONE

    @property
    def is_nt(self) -> bool:
        return self.score is None

    def __str__(self) -> str:
        return ("NT" if self.score is None else str(self.score)) + self.tag.value


class CellKind(Enum):
    """What a cell records, with its highest (normal) score."""

    MOTOR = 5
    SENSORY = 2

    @property
    def normal(self) -> int:
        return self.value


_CELL_RE = re.compile(r"^(NT|[0-5])(\*{0,2})$")

MOTOR_HINT = "a motor score (0-5 or NT; 0-4 and NT optionally tagged * or **)"
SENSORY_HINT = "a sensory score (0-2 or NT; 0, 1 and NT optionally tagged * or **)"


def parse_cell(raw: object, kind: CellKind) -> Cell | None:
    """The cell ``raw`` denotes, or ``None`` when it is not a valid value of ``kind``.

    A normal score (5 motor, 2 sensory) cannot carry a non-SCI tag: the worksheet lists
    tagged scores 0*-4* and NT* for motor and 0*, 1* and NT* for sensory.
    """
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    return _parse_text(str(raw), kind)


@lru_cache(maxsize=4096)
def _parse_text(text: str, kind: CellKind) -> Cell | None:
    """:func:`parse_cell` of a text; cached, as a worksheet repeats a few dozen values
    (cells are immutable)."""
    match = _CELL_RE.match(text.strip().upper())
    if match is None:
        return None
    score = None if match.group(1) == "NT" else int(match.group(1))
    tag = {"": Tag.NONE, "*": Tag.NOT_NORMAL, "**": Tag.NORMAL}[match.group(2)]
    if not valid_score(score, tag is not Tag.NONE, kind.normal):
        return None
    return Cell(score, tag)


class AnalFunction(Enum):
    """Voluntary anal contraction (VAC) or deep anal pressure (DAP): Yes / No / NT."""

    YES = "Yes"
    NO = "No"
    NT = "NT"

    @classmethod
    def parse(cls, raw: object) -> AnalFunction | None:
        """The value ``raw`` denotes (case-insensitive), or ``None``."""
        if not isinstance(raw, str):
            return None
        for member in cls:
            if raw.strip().lower() == member.value.lower():
                return member
        return None
