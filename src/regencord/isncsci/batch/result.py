"""``BatchClassification``: results of N exams as arrays, and their Praxis notation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.grade import SmallMasks
from regencord.isncsci.batch.walks import INT_BIT, NA_BIT, LevelMasks
from regencord.isncsci.levels import Level

if TYPE_CHECKING:
    import pandas as pd

I16 = npt.NDArray[np.int16]
Strings = npt.NDArray[np.object_]

_LEVEL_NAMES = {int(level): level.name for level in Level} | {INT_BIT: "INT", NA_BIT: "NA"}
_LEVEL_ORDER = [NA_BIT, *range(29), INT_BIT]
Order = tuple[tuple[int, str], ...]
_COMPLETENESS: Order = ((0, "C"), (1, "I"))
_AIS: Order = tuple((i, g) for i, g in enumerate("ABCDE"))


def _notation(values: int, tagged: int, order: Order) -> str:
    return ",".join(
        name + ("*" if tagged >> bit & 1 else "") for bit, name in order if values >> bit & 1
    )


_LEVEL_BITS: Order = tuple((bit, _LEVEL_NAMES[bit]) for bit in _LEVEL_ORDER)


@dataclass(frozen=True)
class EncodedColumn:
    """A column of strings, dictionary-encoded: its distinct strings (possibly some unused)
    and, for each element, the position of its string."""

    categories: Strings
    """(K,) strings."""
    codes: npt.NDArray[np.intp]
    """Positions in ``categories``, in the shape of the column."""

    def strings(self) -> Strings:
        """The column itself, as an object array of strings."""
        result: Strings = self.categories[self.codes]
        return result

    def __getitem__(self, key: Any) -> EncodedColumn:
        return EncodedColumn(self.categories, self.codes[key])


_BIT_OF_POWER = np.zeros(37, np.intp)
for _bit in range(32):
    _BIT_OF_POWER[(1 << _bit) % 37] = _bit  # 2**k mod 37 differs for every k < 32


def _notations(values: npt.NDArray[Any], tagged: npt.NDArray[Any], order: Order) -> EncodedColumn:
    """Praxis notation for every element, formatting each distinct result once. A single
    untagged value (the common case) is looked up by its bit; the other results are
    made distinct with :func:`numpy.unique`."""
    values = values.astype(np.uint32, copy=False)
    tagged = tagged.astype(np.uint32, copy=False)
    single = (tagged == 0) & (values != 0) & ((values & (values - np.uint32(1))) == 0)
    codes = _BIT_OF_POWER[values % np.uint32(37)]
    categories = list(_single_notations(order))
    others = np.flatnonzero(~single.reshape(-1))
    if others.size:
        pairs = values.reshape(-1)[others].astype(np.uint64) << np.uint64(32)
        pairs |= tagged.reshape(-1)[others]
        unique, inverse = np.unique(pairs, return_inverse=True)
        codes.reshape(-1)[others] = len(categories) + inverse
        categories += _pair_notations(unique.tolist(), order)
    return EncodedColumn(np.array(categories, dtype=object), codes)


@cache
def _single_notations(order: Order) -> tuple[str, ...]:
    """The notation of each single untagged value, by bit."""
    return tuple(_notation(1 << bit, 0, order) for bit in range(32))


_PAIR_NOTATIONS: dict[Order, dict[int, str]] = {}
"""Notations already made, per order, by ``values << 32 | tagged``."""


def _pair_notations(pairs: list[int], order: Order) -> list[str]:
    """The notation of each ``values << 32 | tagged``, each made once (up to a bound)."""
    known = _PAIR_NOTATIONS.setdefault(order, {})
    missing = [p for p in pairs if p not in known]
    if len(known) + len(missing) > 1 << 16:
        known.clear()
        missing = pairs
    known.update((p, _notation(p >> 32, p & 0xFFFFFFFF, order)) for p in missing)
    return [known[p] for p in pairs]


def level_notation(masks: LevelMasks) -> Strings:
    return _notations(masks.values, masks.tagged, _LEVEL_BITS).strings()


def _score_notation(scores: I16) -> EncodedColumn:
    """Scores as text, ``ND`` for a negative score."""
    top = int(scores.max(initial=-1))
    categories = np.array(["ND", *(str(i) for i in range(top + 1))], dtype=object)
    codes = np.where(scores < 0, 0, scores.astype(np.intp) + 1)
    return EncodedColumn(categories, codes)


def _add(a: I16, b: I16) -> I16:
    return np.where((a < 0) | (b < 0), -1, a + b).astype(np.int16)


@dataclass
class BatchTotals:
    """Score totals per side (N, 2); -1 is ND."""

    upper_extremity: I16
    lower_extremity: I16
    light_touch: I16
    pin_prick: I16

    @property
    def motor(self) -> I16:
        return _add(self.upper_extremity, self.lower_extremity)

    def both_sides(self, per_side: I16) -> I16:
        return _add(per_side[:, 0], per_side[:, 1])


@dataclass
class BatchClassification:
    """Classification of N exams. Level results are :class:`LevelMasks` (bit = ``Level``
    value, 29 INT, 30 NA) per exam (NLI) or per exam and side (0 right, 1 left)."""

    ids: tuple[str | None, ...]
    sensory: LevelMasks
    motor: LevelMasks
    nli: LevelMasks
    completeness: SmallMasks
    ais: SmallMasks
    sensory_zpp: LevelMasks
    motor_zpp: LevelMasks
    totals: BatchTotals

    def __len__(self) -> int:
        return len(self.ids)

    def _arrays(self) -> list[tuple[object, str]]:
        owners: list[object] = [
            self.sensory,
            self.motor,
            self.nli,
            self.completeness,
            self.ais,
            self.sensory_zpp,
            self.motor_zpp,
        ]
        pairs = [(o, a) for o in owners for a in ("values", "tagged")]
        fields = ("upper_extremity", "lower_extremity", "light_touch", "pin_prick")
        return pairs + [(self.totals, f) for f in fields]

    def allocate_like(self, n: int, ids: tuple[str | None, ...]) -> BatchClassification:
        """An empty result of ``n`` exams with the same array types as this one."""
        out = copy.copy(self)
        out.ids = ids
        for name in ("sensory", "motor", "nli", "completeness", "ais", "sensory_zpp", "motor_zpp"):
            setattr(out, name, copy.copy(getattr(self, name)))
        out.totals = copy.copy(self.totals)
        for owner, attr in out._arrays():
            sample = getattr(owner, attr)
            setattr(owner, attr, np.zeros((n, *sample.shape[1:]), sample.dtype))
        return out

    def fill(self, start: int, part: BatchClassification) -> None:
        """Copy ``part``'s results into exams ``start`` onward."""
        for (owner, attr), (source, _) in zip(self._arrays(), part._arrays(), strict=True):
            getattr(owner, attr)[start : start + len(part)] = getattr(source, attr)

    def columns(self) -> dict[str, Strings]:
        """Every result as a column of Praxis-notation strings (the CSV result columns)."""
        return {name: column.strings() for name, column in self.encoded_columns().items()}

    def encoded_columns(self) -> dict[str, EncodedColumn]:
        """:meth:`columns`, dictionary-encoded (for writers that format each distinct
        value once)."""
        t = self.totals

        def level(masks: LevelMasks) -> EncodedColumn:
            return _notations(masks.values, masks.tagged, _LEVEL_BITS)

        sensory, motor = level(self.sensory), level(self.motor)
        szpp, mzpp = level(self.sensory_zpp), level(self.motor_zpp)
        score: Callable[[I16], EncodedColumn] = _score_notation
        return {
            "ais": _notations(self.ais.values, self.ais.tagged, _AIS),
            "injury_complete": _notations(
                self.completeness.values, self.completeness.tagged, _COMPLETENESS
            ),
            "nli": level(self.nli),
            "right_sensory_level": sensory[:, 0],
            "left_sensory_level": sensory[:, 1],
            "right_motor_level": motor[:, 0],
            "left_motor_level": motor[:, 1],
            "right_sensory_zpp": szpp[:, 0],
            "left_sensory_zpp": szpp[:, 1],
            "right_motor_zpp": mzpp[:, 0],
            "left_motor_zpp": mzpp[:, 1],
            "right_uems": score(t.upper_extremity[:, 0]),
            "left_uems": score(t.upper_extremity[:, 1]),
            "uems": score(t.both_sides(t.upper_extremity)),
            "right_lems": score(t.lower_extremity[:, 0]),
            "left_lems": score(t.lower_extremity[:, 1]),
            "lems": score(t.both_sides(t.lower_extremity)),
            "right_motor_total": score(t.motor[:, 0]),
            "left_motor_total": score(t.motor[:, 1]),
            "right_light_touch": score(t.light_touch[:, 0]),
            "left_light_touch": score(t.light_touch[:, 1]),
            "light_touch": score(t.both_sides(t.light_touch)),
            "right_pin_prick": score(t.pin_prick[:, 0]),
            "left_pin_prick": score(t.pin_prick[:, 1]),
            "pin_prick": score(t.both_sides(t.pin_prick)),
        }

    def to_praxis(self) -> list[dict[str, Any]]:
        """Each exam's result in the Praxis shape, identical to ``classify(exam).to_praxis()``."""
        c = self.columns()
        out: list[dict[str, Any]] = []
        for i, exam_id in enumerate(self.ids):
            result: dict[str, Any] = {} if exam_id is None else {"id": exam_id}
            result["classification"] = {
                "neurologicalLevels": {
                    "sensoryRight": c["right_sensory_level"][i],
                    "sensoryLeft": c["left_sensory_level"][i],
                    "motorRight": c["right_motor_level"][i],
                    "motorLeft": c["left_motor_level"][i],
                },
                "neurologicalLevelOfInjury": c["nli"][i],
                "injuryComplete": c["injury_complete"][i],
                "ASIAImpairmentScale": c["ais"][i],
                "zoneOfPartialPreservations": {
                    "sensoryRight": c["right_sensory_zpp"][i],
                    "sensoryLeft": c["left_sensory_zpp"][i],
                    "motorRight": c["right_motor_zpp"][i],
                    "motorLeft": c["left_motor_zpp"][i],
                },
            }
            result["totals"] = {
                side: {
                    "upperExtremity": c[f"{side}_uems"][i],
                    "lowerExtremity": c[f"{side}_lems"][i],
                    "lightTouch": c[f"{side}_light_touch"][i],
                    "pinPrick": c[f"{side}_pin_prick"][i],
                    "motor": c[f"{side}_motor_total"][i],
                }
                for side in ("right", "left")
            } | {
                "upperExtremity": c["uems"][i],
                "lowerExtremity": c["lems"][i],
                "lightTouch": c["light_touch"][i],
                "pinPrick": c["pin_prick"][i],
            }
            out.append(result)
        return out

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: ``exam_id`` and the result columns (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({"exam_id": list(self.ids), **self.columns()})
