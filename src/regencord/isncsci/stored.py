"""Reading a stored classification back: the inverse of
:meth:`~regencord.isncsci.Classification.to_praxis`.

The store keeps each exam's classification in the Praxis shape; analyses read it back as a
:class:`~regencord.isncsci.Classification` (sets of possible values with their ``*`` flags)
without classifying the exam again. Notation: ``"C5"``, ``"C5,C6*"``, ``"INT*"``,
``"A,B"``, scores as integers or ``"ND"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from regencord.isncsci.classification import Classification, SideLevels
from regencord.isncsci.levels import Level, LevelValue, Marker
from regencord.isncsci.possible_values import PossibleValues
from regencord.isncsci.steps.asia_impairment_scale import AIS
from regencord.isncsci.steps.completeness import Completeness
from regencord.isncsci.steps.totals import Score, SideTotals, Totals

T = TypeVar("T")


class StoredClassificationError(ValueError):
    """A stored classification that is not in the Praxis shape; names the field and value."""


def _outcome(text: object, parse: Callable[[str], T], field: str) -> PossibleValues[T]:
    if not isinstance(text, str) or not text.strip():
        raise StoredClassificationError(f"{field}: expected notation, got {text!r}")
    values: set[T] = set()
    tagged: set[T] = set()
    for part in text.split(","):
        name = part.strip()
        flag = name.endswith("*")
        try:
            value = parse(name.rstrip("*"))
        except (KeyError, ValueError) as error:
            raise StoredClassificationError(f"{field}: unknown value {name!r}") from error
        values.add(value)
        if flag:
            tagged.add(value)
    return PossibleValues(frozenset(values), frozenset(tagged))


def _level(name: str) -> LevelValue:
    if name in (Marker.INT.value, Marker.NA.value):
        return Marker(name)
    return Level.parse(name)


def _score(value: object, field: str) -> Score:
    if value == "ND":
        return None
    try:
        return int(str(value))
    except ValueError as error:
        raise StoredClassificationError(
            f"{field}: expected a score or ND, got {value!r}"
        ) from error


def _side_totals(d: Mapping[str, Any], field: str) -> SideTotals:
    return SideTotals(
        upper_extremity=_score(d.get("upperExtremity"), f"{field}.upperExtremity"),
        lower_extremity=_score(d.get("lowerExtremity"), f"{field}.lowerExtremity"),
        light_touch=_score(d.get("lightTouch"), f"{field}.lightTouch"),
        pin_prick=_score(d.get("pinPrick"), f"{field}.pinPrick"),
    )


def classification_from_praxis(data: Mapping[str, Any]) -> Classification:
    """The :class:`Classification` whose ``to_praxis()`` is ``data``."""
    try:
        c = data["classification"]
        levels, zpp, totals = (
            c["neurologicalLevels"],
            c["zoneOfPartialPreservations"],
            data["totals"],
        )

        def side(name: str) -> SideLevels:
            return SideLevels(
                sensory=_outcome(levels[f"sensory{name}"], _level, f"sensory{name}"),
                motor=_outcome(levels[f"motor{name}"], _level, f"motor{name}"),
                sensory_zpp=_outcome(zpp[f"sensory{name}"], _level, f"zpp.sensory{name}"),
                motor_zpp=_outcome(zpp[f"motor{name}"], _level, f"zpp.motor{name}"),
            )

        return Classification(
            right=side("Right"),
            left=side("Left"),
            neurological_level=_outcome(
                c["neurologicalLevelOfInjury"], _level, "neurologicalLevelOfInjury"
            ),
            completeness=_outcome(c["injuryComplete"], Completeness, "injuryComplete"),
            ais=_outcome(c["ASIAImpairmentScale"], AIS, "ASIAImpairmentScale"),
            totals=Totals(
                right=_side_totals(totals["right"], "totals.right"),
                left=_side_totals(totals["left"], "totals.left"),
            ),
            exam_id=data.get("id"),
        )
    except (KeyError, TypeError) as error:
        raise StoredClassificationError(f"not a Praxis classification: missing {error}") from error
