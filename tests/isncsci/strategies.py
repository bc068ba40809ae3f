"""Hypothesis strategies for ISNCSCI exams, and helpers to complete NT cells."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from regencord.isncsci import DERMATOMES, MYOTOMES
from regencord.isncsci.synthetic import generate_exam

SIDES = ("right", "left")
GRIDS = ("motor", "lightTouch", "pinPrick")
ANAL_KEYS = ("voluntaryAnalContraction", "deepAnalPressure")

# Values in shrinking order: normal first, so failures shrink toward normal exams.
MOTOR_SCORES = ("5", "4", "3", "2", "1", "0")
SENSORY_SCORES = ("2", "1", "0")
TAGGED_MOTOR = tuple(f"{v}{t}" for v in ("4", "3", "2", "1", "0", "NT") for t in ("*", "**"))
TAGGED_SENSORY = tuple(f"{v}{t}" for v in ("1", "0", "NT") for t in ("*", "**"))


def grid_levels(grid: str) -> tuple[Any, ...]:
    return MYOTOMES if grid == "motor" else DERMATOMES


def cell_values(grid: str, *, nt: bool, tags: bool) -> tuple[str, ...]:
    motor = grid == "motor"
    values = MOTOR_SCORES if motor else SENSORY_SCORES
    if nt:
        values = (*values, "NT")
    if tags:
        values = (*values, *(TAGGED_MOTOR if motor else TAGGED_SENSORY))
    return values


@st.composite
def random_exams(draw: st.DrawFn, *, nt: bool = True, tags: bool = True) -> dict[str, Any]:
    """Any valid exam, biased toward a lesion: on each side the cells above a drawn level
    are normal, those at and below it drawn from every valid value."""
    exam: dict[str, Any] = {}
    for side in SIDES:
        level = draw(st.integers(min_value=0, max_value=29))
        part: dict[str, Any] = {}
        for grid in GRIDS:
            values = cell_values(grid, nt=nt, tags=tags)
            part[grid] = {
                lv.name: values[0] if lv < level else draw(st.sampled_from(values))
                for lv in grid_levels(grid)
            }
        if draw(st.booleans()):
            part["lowestNonKeyMuscleWithMotorFunction"] = draw(
                st.sampled_from(["C5", "C6", "C7", "C8", "T1", "T4", "T9", "L1", "L3", "S1"])
            )
        exam[side] = part
    anal = ("Yes", "No", "NT") if nt else ("Yes", "No")
    for key in ANAL_KEYS:
        exam[key] = draw(st.sampled_from(anal))
    return exam


@st.composite
def synthetic_exams(draw: st.DrawFn, *, nt: bool = True, tags: bool = True) -> dict[str, Any]:
    """A realistic exam from the synthetic generator, with drawn seed and rates."""
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    nt_rate = draw(st.sampled_from([0.0, 0.02, 0.05, 0.15, 0.4])) if nt else 0.0
    tag_rate = draw(st.sampled_from([0.0, 0.05, 0.3])) if tags else 0.0
    non_key_rate = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return generate_exam(
        random.Random(seed), nt_rate=nt_rate, tag_rate=tag_rate, non_key_rate=non_key_rate
    )


def exams(*, nt: bool = True, tags: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Valid exams: realistic ones from the generator, and random ones."""
    return st.one_of(synthetic_exams(nt=nt, tags=tags), random_exams(nt=nt, tags=tags))


# --- NT cells and their completions ----------------------------------------------------------


def nt_paths(exam: dict[str, Any]) -> list[str]:
    """Dotted paths of the NT cells (and VAC/DAP) of an exam."""
    paths = [key for key in ANAL_KEYS if exam[key] == "NT"]
    for side in SIDES:
        for grid in GRIDS:
            paths.extend(
                f"{side}.{grid}.{name}" for name, value in exam[side][grid].items() if value == "NT"
            )
    return paths


def has_tags(exam: dict[str, Any]) -> bool:
    return any("*" in v for side in SIDES for grid in GRIDS for v in exam[side][grid].values())


def concrete_values(path: str) -> tuple[str, ...]:
    """Every value an NT at ``path`` could have been, normal first."""
    if path in ANAL_KEYS:
        return ("Yes", "No")
    return MOTOR_SCORES if ".motor." in path else SENSORY_SCORES


def complete(exam: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A copy of ``exam`` with the cells at ``values``' paths set."""
    out = copy.deepcopy(exam)
    for path, value in values.items():
        if path in ANAL_KEYS:
            out[path] = value
        else:
            side, grid, level = path.split(".")
            out[side][grid][level] = value
    return out


def extreme_completions(paths: list[str]) -> Iterator[dict[str, str]]:
    """Every NT normal (and VAC/DAP Yes); every NT absent (0, VAC/DAP No)."""
    yield {p: concrete_values(p)[0] for p in paths}
    yield {p: concrete_values(p)[-1] for p in paths}


@st.composite
def completions(draw: st.DrawFn, paths: list[str]) -> dict[str, str]:
    """One completion of the NT cells at ``paths``: each NT replaced with a drawn value,
    biased (per completion) toward normal, toward absent, or uniform."""
    mode = draw(st.sampled_from(["uniform", "normal", "absent"]))
    out: dict[str, str] = {}
    for path in paths:
        values = concrete_values(path)
        if mode == "normal":
            choice = st.sampled_from(values[:1]) | st.sampled_from(values)
        elif mode == "absent":
            choice = st.sampled_from(values[-1:]) | st.sampled_from(values)
        else:
            choice = st.sampled_from(values)
        out[path] = draw(choice)
    return out
