"""The classification of one exam: every result of the worksheet, with its explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from regencord.isncsci.cells import AnalFunction, Cell
from regencord.isncsci.exam import Exam, Side, SideExam
from regencord.isncsci.levels import Level, LevelValue, Marker, outcome_sort_key
from regencord.isncsci.possible_values import PossibleValues
from regencord.isncsci.steps.asia_impairment_scale import AIS, asia_impairment_scale
from regencord.isncsci.steps.completeness import Completeness, completeness, sensory_sparing
from regencord.isncsci.steps.motor_level import motor_level
from regencord.isncsci.steps.neurological_level import neurological_level
from regencord.isncsci.steps.sensory_level import sensory_level
from regencord.isncsci.steps.totals import Score, Totals, totals
from regencord.isncsci.steps.zone_of_partial_preservation import motor_zpp, sensory_zpp
from regencord.isncsci.walk import WalkResult

T = TypeVar("T")

ENGINE_VERSION = "regencord-isncsci 2019.1"
"""Identifies the rules that produced a stored classification."""


def level_notation(outcome: PossibleValues[LevelValue]) -> str:
    """Praxis notation of a level result: ``C5``, ``C5,C6*``, ``NA,T4``, ``INT*``."""
    return outcome.notation(outcome_sort_key, _label)


def score_notation(score: Score) -> str:
    return "ND" if score is None else str(score)


@dataclass(frozen=True)
class SideLevels:
    sensory: PossibleValues[LevelValue]
    motor: PossibleValues[LevelValue]
    sensory_zpp: PossibleValues[LevelValue]
    motor_zpp: PossibleValues[LevelValue]


@dataclass(frozen=True)
class Classification:
    """Results of classifying one exam. Each level, grade and ZPP is an :class:`PossibleValues`:
    the set of values the NT cells allow, with the values that rest on a tagged cell."""

    right: SideLevels
    left: SideLevels
    neurological_level: PossibleValues[LevelValue]
    completeness: PossibleValues[Completeness]
    ais: PossibleValues[AIS]
    totals: Totals
    exam_id: str | None = None
    steps: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def nli(self) -> PossibleValues[LevelValue]:
        return self.neurological_level

    def side(self, side: Side) -> SideLevels:
        return self.right if side is Side.RIGHT else self.left

    def explain(self) -> list[str]:
        """The ordered steps that produced each result, in the worksheet's words."""
        return list(self.steps)

    def to_praxis(self) -> dict[str, Any]:
        """The result in the Praxis shape, with Praxis notation for every value."""
        t = self.totals

        def side_totals(s: Side) -> dict[str, str]:
            st = t.right if s is Side.RIGHT else t.left
            return {
                "upperExtremity": score_notation(st.upper_extremity),
                "lowerExtremity": score_notation(st.lower_extremity),
                "lightTouch": score_notation(st.light_touch),
                "pinPrick": score_notation(st.pin_prick),
                "motor": score_notation(st.motor),
            }

        out: dict[str, Any] = {}
        if self.exam_id is not None:
            out["id"] = self.exam_id
        out["classification"] = {
            "neurologicalLevels": {
                "sensoryRight": level_notation(self.right.sensory),
                "sensoryLeft": level_notation(self.left.sensory),
                "motorRight": level_notation(self.right.motor),
                "motorLeft": level_notation(self.left.motor),
            },
            "neurologicalLevelOfInjury": level_notation(self.neurological_level),
            "injuryComplete": self.completeness.notation(lambda c: c.value, str),
            "ASIAImpairmentScale": self.ais.notation(lambda a: a.value, str),
            "zoneOfPartialPreservations": {
                "sensoryRight": level_notation(self.right.sensory_zpp),
                "sensoryLeft": level_notation(self.left.sensory_zpp),
                "motorRight": level_notation(self.right.motor_zpp),
                "motorLeft": level_notation(self.left.motor_zpp),
            },
        }
        out["totals"] = {
            "right": side_totals(Side.RIGHT),
            "left": side_totals(Side.LEFT),
            "upperExtremity": score_notation(t.upper_extremity),
            "lowerExtremity": score_notation(t.lower_extremity),
            "lightTouch": score_notation(t.light_touch),
            "pinPrick": score_notation(t.pin_prick),
        }
        return out


def classify(exam: Exam) -> Classification:
    """Classify one exam by the International Standards (2019), steps 1 to 6."""
    steps: list[str] = []
    sensory: dict[str, PossibleValues[LevelValue]] = {}
    motor: dict[str, PossibleValues[LevelValue]] = {}
    motor_walks: dict[str, WalkResult] = {}
    for side in Side:
        s = exam.side(side)
        sl = sensory_level(side, s)
        ml = motor_level(side, s, exam.vac)
        sensory[side.value], motor[side.value], motor_walks[side.value] = sl.outcome, ml.outcome, ml
        steps += _describe(f"{side.value.capitalize()} sensory level", sl.outcome, sl.reasons)
        steps += _describe(f"{side.value.capitalize()} motor level", ml.outcome, ml.reasons)
    nli = neurological_level(exam, list(sensory.values()))
    steps += _describe("Neurological level of injury", nli.outcome, nli.reasons)
    complete = completeness(exam)
    steps += _describe("Injury", complete.outcome, complete.reasons)
    ais = asia_impairment_scale(
        exam, complete.outcome, nli.outcome, sensory, motor, _grades_without_tags(exam, nli.outcome)
    )
    steps += _describe("AIS", ais.outcome, ais.reasons)
    incomplete_without_vac = sensory_sparing(exam)
    sides: dict[Side, SideLevels] = {}
    for side in Side:
        s = exam.side(side)
        szpp = sensory_zpp(s, exam.dap)
        mzpp = motor_zpp(s, exam.vac, motor_walks[side.value], incomplete_without_vac)
        steps += _describe(f"{side.value.capitalize()} sensory ZPP", szpp.outcome, szpp.reasons)
        steps += _describe(f"{side.value.capitalize()} motor ZPP", mzpp.outcome, mzpp.reasons)
        sides[side] = SideLevels(sensory[side.value], motor[side.value], szpp.outcome, mzpp.outcome)
    return Classification(
        right=sides[Side.RIGHT],
        left=sides[Side.LEFT],
        neurological_level=nli.outcome,
        completeness=complete.outcome,
        ais=ais.outcome,
        totals=totals(exam),
        exam_id=exam.id,
        steps=tuple(steps),
    )


def _grades_without_tags(exam: Exam, nli: PossibleValues[LevelValue]) -> frozenset[AIS]:
    """The AIS grades of ``exam`` with every non-SCI tag rejected (each tagged cell read as
    its recorded score), when the AIS step needs them: VAC Yes and an NLI resting on a tag,
    where a C or D that holds without the tags is untagged (docs/adjudications.md A11)."""
    if exam.vac is not AnalFunction.YES or not nli.tagged:
        return frozenset()
    return classify(without_tags(exam)).ais.values


def without_tags(exam: Exam) -> Exam:
    """``exam`` with every cell's non-SCI tag removed (``1**`` → ``1``, ``NT*`` → ``NT``)."""

    def plain(side: SideExam) -> SideExam:
        def grid(cells: Mapping[Level, Cell]) -> dict[Level, Cell]:
            return {lv: Cell(c.score) for lv, c in cells.items()}

        return replace(
            side,
            motor=grid(side.motor),
            light_touch=grid(side.light_touch),
            pin_prick=grid(side.pin_prick),
        )

    return replace(exam, right=plain(exam.right), left=plain(exam.left))


def _label(value: object) -> str:
    if isinstance(value, Level):
        return value.name
    return str(value)


def _describe(name: str, outcome: PossibleValues[T], reasons: Mapping[T, str]) -> list[str]:
    """One line per possible value: ``Right sensory level = C5: right C6 light touch 1 ...``."""
    lines = []
    for value in sorted(outcome.values, key=_display_key):
        star = "*" if outcome.is_tagged(value) else ""
        why = reasons.get(value, "")
        lines.append(f"{name} = {_label(value)}{star}" + (f": {why}" if why else ""))
    if len(lines) > 1:
        lines.insert(0, f"{name} is not determinable (NT values); possible values follow")
    return lines


def _display_key(value: object) -> tuple[int, str]:
    if isinstance(value, Level | Marker):
        return (outcome_sort_key(value), "")
    return (0, str(value))
