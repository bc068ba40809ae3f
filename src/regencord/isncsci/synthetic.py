"""Realistic synthetic ISNCSCI exams, for tests, benchmarks and demos.

>>> from regencord.isncsci.synthetic import generate_exams
>>> exams = generate_exams(1000, seed=7, nt_rate=0.03, tag_rate=0.02)

Each exam is a Praxis-shaped dict (see :mod:`regencord.isncsci.exam`) with an id
``SYN-000001``. An exam is modelled on an injury pattern rather than drawn cell by cell:

- an injury level weighted like spinal cord injury registries (about 55% cervical, 30%
  thoracic, 12% lumbar, a few sacral; high C1-C3 lesions are rare), with sensory and motor
  levels per side near it (the sides differ by 0 to 2 levels);
- a severity: complete (no sacral sparing, a zone of partial preservation of a few
  segments below the level), sensory incomplete, motor incomplete with few or many
  antigravity muscles below the level, a central-cord-like pattern (arms weaker than legs),
  and a few percent of normal exams;
- sacral sparing (S4-5 light touch and pin prick, deep anal pressure, voluntary anal
  contraction) that fits the severity.

Then, independently: NT cells (single cells with probability ``nt_rate``, sometimes a whole
limb or the sacral exam untestable), non-SCI tags ``*``/``**`` on below-normal and NT cells
(probability ``tag_rate``; never on a normal 5 or 2), and a lowest non-key muscle with motor
function on a side (probability ``non_key_rate``). The exams are valid but their patterns
are only approximate: classify them to know their levels and grade.

Generation uses only :class:`random.Random`; exam ``i`` of a seed is drawn from its own
generator, so ``generate_exams(10, seed=1)[:5] == generate_exams(5, seed=1)``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from regencord.isncsci.levels import (
    DERMATOMES,
    LOWER_MYOTOMES,
    MYOTOMES,
    NON_KEY_MUSCLE_LEVELS,
    UPPER_MYOTOMES,
    Level,
    is_myotome,
)

__all__ = ["PATTERNS", "Pattern", "generate_exam", "generate_exams", "synthetic_id"]

T = TypeVar("T")

Pattern = Literal[
    "normal",
    "complete",
    "sensory_incomplete",
    "motor_incomplete_weak",
    "motor_incomplete_strong",
    "central_cord",
]
"""The injury pattern an exam is modelled on (roughly AIS E, A, B, C, D, and central cord)."""

PATTERNS: tuple[tuple[Pattern, float], ...] = (
    ("normal", 3.0),
    ("complete", 36.0),
    ("sensory_incomplete", 12.0),
    ("motor_incomplete_weak", 15.0),
    ("motor_incomplete_strong", 26.0),
    ("central_cord", 8.0),
)
"""Patterns with their relative weights. Central cord applies to cervical levels only (other
levels fall back to a strong motor-incomplete pattern)."""

_INJURY_LEVELS: tuple[tuple[Level, float], ...] = (
    # cervical: 55
    (Level.C1, 0.7),
    (Level.C2, 1.3),
    (Level.C3, 3.0),
    (Level.C4, 13.0),
    (Level.C5, 14.0),
    (Level.C6, 11.0),
    (Level.C7, 7.0),
    (Level.C8, 5.0),
    # thoracic: 29.5
    (Level.T1, 2.5),
    (Level.T2, 2.0),
    (Level.T3, 2.0),
    (Level.T4, 3.0),
    (Level.T5, 2.5),
    (Level.T6, 2.5),
    (Level.T7, 2.0),
    (Level.T8, 2.0),
    (Level.T9, 2.0),
    (Level.T10, 2.5),
    (Level.T11, 2.5),
    (Level.T12, 4.0),
    # lumbar: 12.5
    (Level.L1, 5.0),
    (Level.L2, 3.0),
    (Level.L3, 2.0),
    (Level.L4, 1.5),
    (Level.L5, 1.0),
    # sacral: 3
    (Level.S1, 1.5),
    (Level.S2, 1.0),
    (Level.S3, 0.5),
)
"""The sensory level of the more rostral side, with registry-like relative weights."""

_SENSORY_GRIDS = ("lightTouch", "pinPrick")
_TAGS = ("*", "**")


def synthetic_id(index: int) -> str:
    """The id of the ``index``-th synthetic exam, counting from 1: ``SYN-000001``."""
    return f"SYN-{index:06d}"


def generate_exams(
    n: int,
    *,
    seed: int,
    nt_rate: float = 0.0,
    tag_rate: float = 0.0,
    non_key_rate: float = 0.0,
) -> list[dict[str, Any]]:
    """``n`` synthetic Praxis-shaped exams with ids ``SYN-000001`` … ; deterministic for a
    seed, and each exam depends only on the seed, its index and the rates."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return [
        generate_exam(
            random.Random(f"regencord-synthetic:{seed}:{i}"),
            nt_rate=nt_rate,
            tag_rate=tag_rate,
            non_key_rate=non_key_rate,
            exam_id=synthetic_id(i),
        )
        for i in range(1, n + 1)
    ]


def generate_exam(
    rng: random.Random,
    *,
    nt_rate: float = 0.0,
    tag_rate: float = 0.0,
    non_key_rate: float = 0.0,
    exam_id: str | None = None,
    pattern: Pattern | None = None,
) -> dict[str, Any]:
    """One synthetic Praxis-shaped exam drawn with ``rng``.

    ``pattern`` forces an injury pattern (drawn from :data:`PATTERNS` by default);
    ``exam_id`` is stored as the exam's ``id`` when given.
    """
    for name, rate in (
        ("nt_rate", nt_rate),
        ("tag_rate", tag_rate),
        ("non_key_rate", non_key_rate),
    ):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {rate}")
    chosen: Pattern = pattern if pattern is not None else _weighted(rng, PATTERNS)
    if chosen == "normal":
        exam = _normal_exam()
        motor_levels: dict[str, Level | None] = {"right": None, "left": None}
    else:
        exam, motor_levels = _injured_exam(rng, chosen)
    if nt_rate > 0:
        _add_nt(rng, exam, nt_rate)
    if tag_rate > 0:
        _add_tags(rng, exam, tag_rate)
    if non_key_rate > 0:
        for side in ("right", "left"):
            if rng.random() < non_key_rate:
                exam[side]["lowestNonKeyMuscleWithMotorFunction"] = _non_key_level(
                    rng, motor_levels[side]
                ).name
    if exam_id is not None:
        return {"id": exam_id, **exam}
    return exam


# --- the injury --------------------------------------------------------------------------


def _normal_exam() -> dict[str, Any]:
    def side() -> dict[str, Any]:
        return {
            "motor": {m.name: "5" for m in MYOTOMES},
            "lightTouch": {d.name: "2" for d in DERMATOMES},
            "pinPrick": {d.name: "2" for d in DERMATOMES},
        }

    return {
        "right": side(),
        "left": side(),
        "voluntaryAnalContraction": "Yes",
        "deepAnalPressure": "Yes",
    }


def _injured_exam(
    rng: random.Random, pattern: Pattern
) -> tuple[dict[str, Any], dict[str, Level | None]]:
    level = _weighted(rng, _INJURY_LEVELS)
    if pattern == "central_cord" and not Level.C3 <= level <= Level.C8:
        pattern = "motor_incomplete_strong"
    # Sensory levels: one side at the injury level, the other 0-2 levels caudal or rostral.
    diff = _weighted(rng, ((0, 60.0), (1, 30.0), (2, 10.0)))
    other = _clamp(level + diff * rng.choice((1, 1, -1)), Level.C1, Level.S3)
    sides = ("right", "left") if rng.random() < 0.5 else ("left", "right")
    sensory = {sides[0]: level, sides[1]: other}
    motor_incomplete = pattern in (
        "motor_incomplete_weak",
        "motor_incomplete_strong",
        "central_cord",
    )
    vac, dap, s45 = _sacral_sparing(rng, pattern)
    exam: dict[str, Any] = {}
    motor_levels: dict[str, Level | None] = {}
    for side in ("right", "left"):
        sl = sensory[side]
        ml = _motor_level(rng, sl)
        motor_levels[side] = ml
        lt, pp = _sensory_cells(rng, sl, pattern, s45[side])
        exam[side] = {
            "motor": _motor_cells(
                rng, ml, pattern, needs_function_below=motor_incomplete and not vac
            ),
            "lightTouch": lt,
            "pinPrick": pp,
        }
    exam["voluntaryAnalContraction"] = "Yes" if vac else "No"
    exam["deepAnalPressure"] = "Yes" if dap else "No"
    return exam, motor_levels


def _sacral_sparing(
    rng: random.Random, pattern: Pattern
) -> tuple[bool, bool, dict[str, tuple[int, int]]]:
    """VAC, DAP, and each side's S4-5 (light touch, pin prick) for ``pattern``."""
    if pattern == "complete":
        return False, False, {"right": (0, 0), "left": (0, 0)}
    if pattern == "sensory_incomplete":
        vac = False
        dap = rng.random() < 0.6
    else:
        vac = rng.random() < (0.6 if pattern == "motor_incomplete_weak" else 0.75)
        dap = rng.random() < 0.85
    s45: dict[str, tuple[int, int]] = {}
    for side in ("right", "left"):
        lt = _weighted(rng, ((0, 25.0), (1, 55.0), (2, 20.0)))
        pp = _weighted(rng, ((0, 40.0), (1, 45.0), (2, 15.0)))
        s45[side] = (lt, pp)
    if not dap and all(v == (0, 0) for v in s45.values()):
        side = rng.choice(("right", "left"))
        s45[side] = (1, s45[side][1])
    return vac, dap, s45


def _motor_level(rng: random.Random, sensory: Level) -> Level:
    """A motor level near the sensory level: free in the limbs' myotome regions, the
    sensory level itself where there is no key muscle to test (C1-C4, T2-L1, S2-S3)."""
    if sensory == Level.C4:
        return Level.C5 if rng.random() < 0.3 else Level.C4
    if Level.C5 <= sensory <= Level.T1:
        offset = _weighted(rng, ((-1, 15.0), (0, 50.0), (1, 25.0), (2, 10.0)))
        return _clamp(sensory + offset, Level.C4, Level.T1)
    if sensory == Level.T2 and rng.random() < 0.2:
        return Level.T1
    if Level.L2 <= sensory <= Level.S1:
        offset = _weighted(rng, ((-1, 20.0), (0, 60.0), (1, 20.0)))
        return _clamp(sensory + offset, Level.L1, Level.S1)
    return sensory


def _sensory_cells(
    rng: random.Random, sensory: Level, pattern: Pattern, s45: tuple[int, int]
) -> tuple[dict[str, str], dict[str, str]]:
    """Light touch and pin prick of one side: intact to the sensory level, impaired at the
    next dermatome, and below it a zone of partial preservation (complete) or patchy
    sparing (incomplete)."""
    lt: dict[str, str] = {}
    pp: dict[str, str] = {}
    below = [d for d in DERMATOMES if d > sensory]
    if pattern == "complete":
        zpp = _weighted(rng, ((0, 35.0), (1, 30.0), (2, 20.0), (3, 15.0)))
        values = [_partial_pair(rng) for _ in below[:zpp]] + [(0, 0)] * (len(below) - zpp)
    else:
        lt_spared = rng.uniform(0.35, 0.95)
        pp_spared = lt_spared * rng.uniform(0.5, 1.0)
        if pattern in ("motor_incomplete_strong", "central_cord"):
            lt_spared, pp_spared = min(0.98, lt_spared + 0.1), min(0.95, pp_spared + 0.1)
        values = [(_spared_score(rng, lt_spared), _spared_score(rng, pp_spared)) for _ in below]
    if values and values[0] == (2, 2):
        values[0] = (1, 2) if rng.random() < 0.5 else (2, 1)
    by_level = dict(zip(below, values, strict=True))
    if below and below[-1] == Level.S4_5:
        first = below[0] == Level.S4_5
        # The sacral sparing fixed for the exam; impaired if S4-5 is the first level below.
        by_level[Level.S4_5] = (min(s45[0], 1), min(s45[1], 1)) if first else s45
    for d in DERMATOMES:
        a, b = by_level.get(d, (2, 2))
        lt[d.name] = str(a)
        pp[d.name] = str(b)
    return lt, pp


def _partial_pair(rng: random.Random) -> tuple[int, int]:
    """Light touch and pin prick in a zone of partial preservation: some, not normal."""
    pair = (
        _weighted(rng, ((0, 20.0), (1, 60.0), (2, 20.0))),
        _weighted(rng, ((0, 35.0), (1, 55.0), (2, 10.0))),
    )
    return (1, pair[1]) if pair in ((0, 0), (2, 2)) else pair


def _spared_score(rng: random.Random, spared: float) -> int:
    x = rng.random()
    if x < spared * 0.35:
        return 2
    return 1 if x < spared else 0


def _motor_cells(
    rng: random.Random, motor: Level, pattern: Pattern, *, needs_function_below: bool
) -> dict[str, str]:
    """Key muscle grades of one side: normal above the motor level, antigravity at it,
    weak right below it, and below that by pattern."""
    grades: dict[Level, int] = {}
    at_level = _weighted(rng, ((3, 30.0), (4, 35.0), (5, 35.0)))
    below = [m for m in MYOTOMES if m > motor]
    for m in MYOTOMES:
        if m < motor:
            grades[m] = 5
        elif m == motor:
            grades[m] = at_level
    if pattern == "complete":
        zpp = _weighted(rng, ((0, 45.0), (1, 35.0), (2, 20.0)))
        for i, m in enumerate(below):
            grades[m] = rng.choice((1, 2)) if i < zpp else 0
    elif pattern == "sensory_incomplete":
        for m in below:
            near = m <= motor + 3
            grades[m] = 1 if near and rng.random() < 0.25 else 0
    elif pattern == "motor_incomplete_weak":
        for m in below:
            grades[m] = _weighted(rng, ((0, 35.0), (1, 25.0), (2, 25.0), (3, 15.0)))
    elif pattern == "motor_incomplete_strong":
        for m in below:
            grades[m] = _weighted(rng, ((1, 5.0), (2, 12.0), (3, 30.0), (4, 35.0), (5, 18.0)))
    else:  # central cord: arms weaker than legs
        for m in below:
            if m in UPPER_MYOTOMES:
                grades[m] = _weighted(rng, ((0, 15.0), (1, 30.0), (2, 35.0), (3, 20.0)))
            else:
                grades[m] = _weighted(rng, ((3, 25.0), (4, 50.0), (5, 25.0)))
    # The motor level is where the walk stops: a muscle right below a normal one is weak.
    following = Level(motor + 1) if motor < Level.S4_5 else None
    if (
        following is not None
        and is_myotome(following)
        and (not is_myotome(motor) or grades[motor] == 5)
        and grades[following] >= 3
    ):
        grades[following] = rng.choice((0, 1, 2))
    if needs_function_below:
        far = [m for m in below if m > motor + 3]
        if far and all(grades[m] == 0 for m in far):
            grades[rng.choice(far)] = rng.choice((1, 2))
    return {m.name: str(grades[m]) for m in MYOTOMES}


def _non_key_level(rng: random.Random, motor: Level | None) -> Level:
    """A lowest non-key muscle with motor function, usually below the motor level."""
    candidates = [lv for lv in NON_KEY_MUSCLE_LEVELS if motor is None or lv > motor]
    if not candidates or rng.random() < 0.15:
        candidates = list(NON_KEY_MUSCLE_LEVELS)
    return rng.choice(candidates)


# --- NT and tags ---------------------------------------------------------------------------


def _add_nt(rng: random.Random, exam: dict[str, Any], rate: float) -> None:
    """NT cells: a whole limb or the sacral exam sometimes, single cells with ``rate``."""
    if rng.random() < min(1.0, 2 * rate):
        cluster = rng.choice(("upper", "lower", "sacral"))
        if cluster == "sacral":
            for side in ("right", "left"):
                for grid in _SENSORY_GRIDS:
                    exam[side][grid][Level.S4_5.name] = "NT"
            exam["voluntaryAnalContraction"] = "NT"
            exam["deepAnalPressure"] = "NT"
        else:
            side = rng.choice(("right", "left"))
            myotomes = UPPER_MYOTOMES if cluster == "upper" else LOWER_MYOTOMES
            for m in myotomes:
                exam[side]["motor"][m.name] = "NT"
                for grid in _SENSORY_GRIDS:
                    exam[side][grid][m.name] = "NT"
    for side in ("right", "left"):
        for grid in ("motor", *_SENSORY_GRIDS):
            cells: dict[str, str] = exam[side][grid]
            for name in cells:
                if rng.random() < rate:
                    cells[name] = "NT"
    for key in ("voluntaryAnalContraction", "deepAnalPressure"):
        if rng.random() < rate:
            exam[key] = "NT"


def _add_tags(rng: random.Random, exam: dict[str, Any], rate: float) -> None:
    """Tag below-normal and NT cells ``*`` or ``**`` with probability ``rate``."""
    for side in ("right", "left"):
        for grid, normal in (("motor", "5"), ("lightTouch", "2"), ("pinPrick", "2")):
            cells: dict[str, str] = exam[side][grid]
            for name, value in cells.items():
                if value != normal and rng.random() < rate:
                    cells[name] = value + rng.choice(_TAGS)


# --- helpers ----------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    values = [c for c, _ in choices]
    weights = [w for _, w in choices]
    return rng.choices(values, weights=weights)[0]


def _clamp(index: int, low: Level, high: Level) -> Level:
    return Level(max(int(low), min(int(high), index)))
