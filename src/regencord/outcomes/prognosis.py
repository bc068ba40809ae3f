"""Walking prognosis from the baseline ISNCSCI exam.

**van Middendorp 2011** (van Middendorp JJ, Hosman AJF, Donders ART, et al. "A clinical
prediction rule for ambulation outcomes after traumatic spinal cord injury: a longitudinal
cohort study". Lancet 2011;377:1004-1010): from an exam within 15 days of injury, ::

    score = (-10 if age >= 65 else 0)
            + 2 * motor L3 + 2 * motor S1 + 5 * light touch L3 + 5 * light touch S1

each item the better of the right and left side (motor 0-5, light touch 0-2), so the score
runs from -10 to 40; the probability of independent indoor walking one year after injury is
``1 / (1 + exp(-(0.267 * score - 3.273)))``.

**Hicks 2017** (Hicks KE, Zhao Y, Fallah N, et al. "A simplified clinical prediction rule
for prognosticating independent walking after spinal cord injury: a prospective study from a
Canadian multicenter spinal cord injury registry". Spine J 2017;17(10):1383-1392) applied
the rule to the Rick Hansen SCI Registry (outcome: FIM locomotion 6-7, walk or walk and
wheelchair, at one year) and refitted it: the same score with logit ``0.125 * score -
1.763``, and a simplified score of age, motor L3 and light touch S1 only (same points,
-10 to 20) with logit ``0.211 * score - 1.425``.

Provenance: the predictors, the age cut-off, the outcome measures and the exam window are
in the papers' abstracts. The weights, the better-side rule and the four logistic
coefficients were checked only against a secondary calculator description
(medicalalgorithms.com), not the papers' full text; :attr:`ModelSpec.coefficient_source`
says so, and the simplified rule's dermatome (S1 here) is disputed between secondary
sources. See docs/adjudications.md.

NT cells are not guessed: a prognosis is the range of scores and probabilities over every
value the NT cells allow, ``determined`` only when that range is a single score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from regencord.isncsci import Cell, Exam, Level, Tag
from regencord.isncsci.exam import SideExam

AGE_MIN, AGE_MAX = 0, 120
OLD_AGE = 65
"""Age (years) from which the rule deducts :data:`OLD_AGE_POINTS`."""
OLD_AGE_POINTS = -10
ADULT_AGE = 18


class Modality(Enum):
    """An exam grid the rules read, with its highest (normal) score."""

    MOTOR = "motor"
    LIGHT_TOUCH = "light touch"

    @property
    def maximum(self) -> int:
        return 5 if self is Modality.MOTOR else 2

    def cell(self, side: SideExam, level: Level) -> Cell:
        grid = side.motor if self is Modality.MOTOR else side.light_touch
        return grid[level]


@dataclass(frozen=True)
class RuleItem:
    """One exam item of a rule: a modality at a level, and its points per grade."""

    modality: Modality
    level: Level
    weight: int

    @property
    def label(self) -> str:
        """``motor L3``, ``light touch S1``."""
        return f"{self.modality.value} {self.level.name}"


MOTOR_L3 = RuleItem(Modality.MOTOR, Level.L3, 2)
MOTOR_S1 = RuleItem(Modality.MOTOR, Level.S1, 2)
LIGHT_TOUCH_L3 = RuleItem(Modality.LIGHT_TOUCH, Level.L3, 5)
LIGHT_TOUCH_S1 = RuleItem(Modality.LIGHT_TOUCH, Level.S1, 5)
FULL_ITEMS = (MOTOR_L3, MOTOR_S1, LIGHT_TOUCH_L3, LIGHT_TOUCH_S1)
SIMPLIFIED_ITEMS = (MOTOR_L3, LIGHT_TOUCH_S1)


@dataclass(frozen=True)
class ModelSpec:
    """A rule: its items, the logistic map from score to probability, and its sources."""

    label: str
    """Short name used in sentences: ``van Middendorp 2011 rule``."""
    citation: str
    items: tuple[RuleItem, ...]
    intercept: float
    slope: float
    outcome: str
    """The outcome the probability is of, as the paper defined it."""
    coefficient_source: str
    """Where the weights and the logistic coefficients were checked."""

    @property
    def score_bounds(self) -> tuple[int, int]:
        """Lowest and highest possible score."""
        top = sum(item.weight * item.modality.maximum for item in self.items)
        return OLD_AGE_POINTS, top

    def probability(self, score: int) -> float:
        """``1 / (1 + exp(-(intercept + slope * score)))``."""
        return 1.0 / (1.0 + math.exp(-(self.intercept + self.slope * score)))


VAN_MIDDENDORP_CITATION = (
    "van Middendorp JJ, Hosman AJF, Donders ART, Pouw MH, Ditunno JF Jr, Curt A, Geurts ACH, "
    "Van de Meent H; EM-SCI Study Group. A clinical prediction rule for ambulation outcomes "
    "after traumatic spinal cord injury: a longitudinal cohort study. Lancet. "
    "2011;377(9770):1004-1010. doi:10.1016/S0140-6736(10)62276-3"
)
HICKS_CITATION = (
    "Hicks KE, Zhao Y, Fallah N, Rivers CS, Noonan VK, Plashkes T, Wai EK, Roffey DM, Tsai EC, "
    "Paquet J, Attabib N, Marion T, Ahn H, Phan P; RHSCIR Network. A simplified clinical "
    "prediction rule for prognosticating independent walking after spinal cord injury: a "
    "prospective study from a Canadian multicenter spinal cord injury registry. Spine J. "
    "2017;17(10):1383-1392. doi:10.1016/j.spinee.2017.05.031"
)
_SECONDARY = (
    "weights, better-side rule and logistic coefficients as restated by medicalalgorithms.com "
    "(secondary source; not checked against the paper's full text)"
)
_VAN_MIDDENDORP_OUTCOME = (
    "independent indoor walking 1 year after injury (Spinal Cord Independence Measure "
    "item 12, mobility indoors)"
)
_HICKS_OUTCOME = (
    "independent walking 1 year after injury (FIM locomotion 6 or 7, modified or complete "
    "independence, walk or walk and wheelchair)"
)


class PrognosisModel(Enum):
    """Which rule (and which calibration) a prognosis uses."""

    VAN_MIDDENDORP_2011 = "van_middendorp_2011"
    """The original rule and logistic model (EM-SCI cohort)."""
    HICKS_2017 = "hicks_2017"
    """The same five-item score, recalibrated on the Rick Hansen SCI Registry."""
    HICKS_2017_SIMPLIFIED = "hicks_2017_simplified"
    """Age, motor L3 and light touch S1 only, fitted on the Rick Hansen SCI Registry."""

    @property
    def spec(self) -> ModelSpec:
        return _SPECS[self]


_SPECS: dict[PrognosisModel, ModelSpec] = {
    PrognosisModel.VAN_MIDDENDORP_2011: ModelSpec(
        label="van Middendorp 2011 rule",
        citation=VAN_MIDDENDORP_CITATION,
        items=FULL_ITEMS,
        intercept=-3.273,
        slope=0.267,
        outcome=_VAN_MIDDENDORP_OUTCOME,
        coefficient_source=_SECONDARY,
    ),
    PrognosisModel.HICKS_2017: ModelSpec(
        label="Hicks 2017 recalibrated rule",
        citation=HICKS_CITATION,
        items=FULL_ITEMS,
        intercept=-1.763,
        slope=0.125,
        outcome=_HICKS_OUTCOME,
        coefficient_source=_SECONDARY,
    ),
    PrognosisModel.HICKS_2017_SIMPLIFIED: ModelSpec(
        label="Hicks 2017 simplified rule",
        citation=HICKS_CITATION,
        items=SIMPLIFIED_ITEMS,
        intercept=-1.425,
        slope=0.211,
        outcome=_HICKS_OUTCOME,
        coefficient_source=_SECONDARY
        + "; the sensory item is light touch S1 as in the RHSCIR sponsor's summary "
        "(Praxis Spinal Cord Institute), where the calculator says L3",
    ),
}


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    return value


def _age_points(age: int) -> int:
    return OLD_AGE_POINTS if age >= OLD_AGE else 0


def walking_score(
    *, age: int, motor_l3: int, motor_s1: int, light_touch_l3: int, light_touch_s1: int
) -> int:
    """The van Middendorp 2011 score, -10 to 40 (also the Hicks 2017 recalibrated score).

    ``(-10 if age >= 65 else 0) + 2*motor_l3 + 2*motor_s1 + 5*light_touch_l3 +
    5*light_touch_s1``; the values are those already chosen per item (the better side).
    Raises ``ValueError`` naming the argument when a value is out of range (age 0-120,
    motor 0-5, light touch 0-2) or not an integer.
    """
    values = {
        MOTOR_L3: _check_int("motor_l3", motor_l3, 0, 5),
        MOTOR_S1: _check_int("motor_s1", motor_s1, 0, 5),
        LIGHT_TOUCH_L3: _check_int("light_touch_l3", light_touch_l3, 0, 2),
        LIGHT_TOUCH_S1: _check_int("light_touch_s1", light_touch_s1, 0, 2),
    }
    age = _check_int("age", age, AGE_MIN, AGE_MAX)
    return _age_points(age) + sum(item.weight * values[item] for item in FULL_ITEMS)


def walking_probability(
    score: int, model: PrognosisModel = PrognosisModel.VAN_MIDDENDORP_2011
) -> float:
    """The probability of independent walking at one year for a score of ``model``."""
    low, high = model.spec.score_bounds
    return model.spec.probability(_check_int("score", score, low, high))


class SideChoice(Enum):
    """Which side gave an item's value (the better side)."""

    RIGHT = "right"
    LEFT = "left"
    EQUAL = "equal"
    """Both sides score the same."""
    OPEN = "open"
    """NT leaves the value open."""


@dataclass(frozen=True)
class ItemInput:
    """One item as read from the exam: both cells, the value range, and the side chosen."""

    item: RuleItem
    right: Cell
    left: Cell
    low: int
    high: int
    side: SideChoice

    @property
    def value(self) -> int | None:
        """The item's value, ``None`` when NT leaves it open."""
        return self.low if self.low == self.high else None

    def text(self) -> str:
        """The value for a sentence: ``4``, or ``3-5 (NT)`` when open."""
        if self.value is not None:
            return str(self.value)
        return f"{self.low}\u2013{self.high} (NT)"


def _read_item(item: RuleItem, exam: Exam) -> ItemInput:
    """The better of the two sides; an NT side can be anything from 0 to normal."""
    right = item.modality.cell(exam.right, item.level)
    left = item.modality.cell(exam.left, item.level)
    top = item.modality.maximum
    r, lt = right.score, left.score
    if r is not None and lt is not None:
        side = SideChoice.EQUAL if r == lt else SideChoice.RIGHT if r > lt else SideChoice.LEFT
        return ItemInput(item, right, left, max(r, lt), max(r, lt), side)
    known = [(s, v) for s, v in ((SideChoice.RIGHT, r), (SideChoice.LEFT, lt)) if v is not None]
    if known and known[0][1] == top:
        return ItemInput(item, right, left, top, top, known[0][0])
    low = known[0][1] if known else 0
    return ItemInput(item, right, left, low, top, SideChoice.OPEN)


def _cell_notes(inputs: Iterable[ItemInput]) -> tuple[list[str], list[str]]:
    """Why the score is open (NT cells that matter) and which tagged cells were used."""
    reasons: list[str] = []
    notes: list[str] = []
    for inp in inputs:
        for side, cell in (("right", inp.right), ("left", inp.left)):
            name = f"{side} {inp.item.label}"
            if cell.is_nt and inp.value is None:
                reasons.append(f"{name} is {cell}")
            elif cell.tag is not Tag.NONE and cell.score == inp.low:
                notes.append(f"{name} is {cell} (non-SCI condition); the recorded score is used")
    return reasons, notes


@dataclass(frozen=True)
class WalkingPrognosis:
    """A rule applied to one exam: the score (or its range over NT), the probability of
    independent walking at one year, and what it was computed from."""

    model: PrognosisModel
    age: int
    inputs: tuple[ItemInput, ...]
    score_range: tuple[int, int]
    probability_range: tuple[float, float]
    reasons: tuple[str, ...] = ()
    """NT cells that leave the score open (empty when determined)."""
    notes: tuple[str, ...] = ()
    """Caveats: tagged cells used, age under 18."""

    @property
    def determined(self) -> bool:
        return self.score_range[0] == self.score_range[1]

    @property
    def score(self) -> int | None:
        """The score, ``None`` when NT leaves it open (see :attr:`score_range`)."""
        return self.score_range[0] if self.determined else None

    @property
    def probability(self) -> float | None:
        """The probability, ``None`` when NT leaves it open (see :attr:`probability_range`)."""
        return self.probability_range[0] if self.determined else None

    @property
    def citation(self) -> str:
        return self.model.spec.citation

    def sentence(self) -> str:
        """``van Middendorp 2011 rule: score 25 (age <65; motor L3 4, S1 3; light touch L3
        2, S1 1) → 97% probability of independent walking at 1 year.``"""
        spec = self.model.spec
        parts = [f"age {'≥' if self.age >= OLD_AGE else '<'}{OLD_AGE}"]
        for modality in Modality:
            values = [
                (f"{modality.value} " if i == 0 else "") + f"{inp.item.level.name} {inp.text()}"
                for i, inp in enumerate(x for x in self.inputs if x.item.modality is modality)
            ]
            if values:
                parts.append(", ".join(values))
        low, high = self.score_range
        score = str(low) if low == high else f"{low} to {high}"
        text = (
            f"{spec.label}: score {score} ({'; '.join(parts)}) \u2192 "
            f"{_percent_range(*self.probability_range)} probability of independent walking "
            "at 1 year"
        )
        if self.reasons:
            text += f"; not determined: {', '.join(self.reasons)}"
        return text + "."


def _percent(p: float) -> str:
    pct = round(p * 100)
    return "<1" if pct < 1 else ">99" if pct > 99 else str(pct)


def _percent_range(low: float, high: float) -> str:
    a, b = _percent(low), _percent(high)
    return f"{a}%" if a == b else f"{a}\u2013{b}%"


def walking_prognosis(
    exam: Exam, age: int, model: PrognosisModel = PrognosisModel.VAN_MIDDENDORP_2011
) -> WalkingPrognosis:
    """Apply ``model`` to ``exam`` (the baseline exam) for a participant of ``age`` years.

    Each item takes the better of the right and left side. An NT cell may be any score from
    0 to normal, so an item with NT is a range (the known side up to normal; determined
    when the known side is already normal). The score and probability are then ranges over
    those values; ``reasons`` names the NT cells that leave them open. Tagged cells (``*``,
    ``**``) count with their recorded score and are listed in ``notes``. The rules were
    derived in adults on exams within 15 days of injury; ages under 18 are noted.
    """
    age = _check_int("age", age, AGE_MIN, AGE_MAX)
    spec = model.spec
    inputs = tuple(_read_item(item, exam) for item in spec.items)
    base = _age_points(age)
    low = base + sum(inp.item.weight * inp.low for inp in inputs)
    high = base + sum(inp.item.weight * inp.high for inp in inputs)
    reasons, notes = _cell_notes(inputs)
    if age < ADULT_AGE:
        notes.append(f"age {age} is under {ADULT_AGE}: the rule was derived in adults")
    return WalkingPrognosis(
        model=model,
        age=age,
        inputs=inputs,
        score_range=(low, high),
        probability_range=(spec.probability(low), spec.probability(high)),
        reasons=tuple(reasons),
        notes=tuple(notes),
    )


# Observed outcome ---------------------------------------------------------------------------

WISCI_LEVELS: dict[int, str] = {
    0: "unable to stand and/or participate in assisted walking",
    1: "parallel bars, braces, physical assistance of two persons, less than 10 m",
    2: "parallel bars, braces, physical assistance of two persons, 10 m",
    3: "parallel bars, braces, physical assistance of one person, 10 m",
    4: "parallel bars, no braces, physical assistance of one person, 10 m",
    5: "parallel bars, braces, no physical assistance, 10 m",
    6: "walker, braces, physical assistance of one person, 10 m",
    7: "two crutches, braces, physical assistance of one person, 10 m",
    8: "walker, no braces, physical assistance of one person, 10 m",
    9: "walker, braces, no physical assistance, 10 m",
    10: "one cane/crutch, braces, physical assistance of one person, 10 m",
    11: "two crutches, no braces, physical assistance of one person, 10 m",
    12: "two crutches, braces, no physical assistance, 10 m",
    13: "walker, no braces, no physical assistance, 10 m",
    14: "one cane/crutch, no braces, physical assistance of one person, 10 m",
    15: "one cane/crutch, braces, no physical assistance, 10 m",
    16: "two crutches, no braces, no physical assistance, 10 m",
    17: "no devices, no braces, physical assistance of one person, 10 m",
    18: "one cane/crutch, no braces, no physical assistance, 10 m",
    19: "no devices, braces, no physical assistance, 10 m",
    20: "no devices, no braces, no physical assistance, 10 m",
}
"""The 21 levels of the Walking Index for Spinal Cord Injury II (Ditunno PL, Ditunno JF Jr.
Spinal Cord 2001;39:654-656), shortened. Levels 0-15 as worded in the NINDS Common Data
Element for WISCI II; levels 16-20 are not checked against a published table."""

WISCI_INDEPENDENT_LEVELS: frozenset[int] = frozenset(
    level
    for level, text in WISCI_LEVELS.items()
    if "no physical assistance" in text and not text.startswith("parallel bars")
)
"""WISCI II levels of walking 10 m with no physical assistance, outside the parallel bars:
9, 12, 13, 15, 16, 18, 19, 20."""

SCIM_INDOOR_WALKING = 4
"""SCIM III item 12 (mobility indoors) grade from which the person walks without
supervision or help (4: walking frame or crutches, swing; up to 8: no walking aids)."""


def independent_walking(wisci: float | None, scim_indoor_mobility: int | None) -> bool | None:
    """Whether an observed visit shows independent walking, the outcome the rules predict.

    van Middendorp 2011 scored "independent indoor walking based on the Spinal Cord
    Independence Measure" at one year, read here as SCIM III item 12 (mobility indoors)
    ``>= 4``: walking indoors without supervision or physical help, with or without aids.
    That is the definition used when ``scim_indoor_mobility`` is given. Otherwise WISCI II
    decides: independent at the levels in :data:`WISCI_INDEPENDENT_LEVELS` (10 m with no
    physical assistance, outside the parallel bars, any devices or braces). The WISCI II is
    a capacity scale in a standardised setting and the SCIM a performance scale in daily
    life, so the SCIM is preferred when both are recorded. ``None`` when neither is.

    Raises ``ValueError`` for a WISCI II that is not a whole level 0-20 or a SCIM item 12
    grade outside 0-8.
    """
    if scim_indoor_mobility is not None:
        grade = _check_int("scim_indoor_mobility", scim_indoor_mobility, 0, 8)
        return grade >= SCIM_INDOOR_WALKING
    if wisci is None:
        return None
    if isinstance(wisci, bool) or not isinstance(wisci, int | float):
        raise ValueError(f"wisci must be a WISCI II level from 0 to 20, got {wisci!r}")
    if not (float(wisci).is_integer() and 0 <= wisci <= 20):
        raise ValueError(f"wisci must be a WISCI II level from 0 to 20, got {wisci!r}")
    return int(wisci) in WISCI_INDEPENDENT_LEVELS
