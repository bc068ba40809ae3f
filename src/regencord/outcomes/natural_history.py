"""Natural-history benchmarks: how often neurological recovery happens without treatment.

The rows live in ``data/natural_history.yaml`` (package ``regencord.outcomes``): conversion
rates and motor-score changes by baseline AIS grade, level group and baseline exam timing,
copied as printed from Kirshblum S, Snider B, Eren F, Guest J. "Characterizing natural
recovery after traumatic spinal cord injury". J Neurotrauma 2021;38(9):1267-1284
(Tables 2 and 6) and from primary papers' abstracts; each row names its source, the table
and what the number was verified against.

:func:`match_benchmarks` picks the rows that fit a cohort: same baseline AIS and outcome, a
level group that contains the cohort's, and a baseline window that contains the cohort's
baseline exam day. :func:`screen_benchmarks` also returns the rows it set aside, each with
the reason, for a report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from regencord.isncsci import Level
from regencord.outcomes.statistics import BinomialComparison, compare_with_benchmark


class NaturalHistoryOutcome(Enum):
    """What a benchmark row measures, from the baseline exam to follow-up."""

    ANY_CONVERSION = "any_conversion"
    """Improved by at least one AIS grade (Table 2's "overall conversion")."""
    TO_MOTOR_INCOMPLETE = "to_motor_incomplete"
    """From AIS A or B to motor incomplete, AIS C or D (Table 2's "AIS A to C or D")."""
    TO_D = "to_d"
    """AIS D at follow-up (Table 6's column; AIS E is counted separately by the sources)."""
    DELTA_UEMS = "delta_uems"
    """Change in upper-extremity motor score (0-50): mean and SD."""
    DELTA_LEMS = "delta_lems"
    """Change in lower-extremity motor score (0-50): mean and SD."""

    @property
    def is_rate(self) -> bool:
        """True for a proportion (``rate``), False for a score change (``mean``, ``sd``)."""
        return self not in (NaturalHistoryOutcome.DELTA_UEMS, NaturalHistoryOutcome.DELTA_LEMS)

    @property
    def phrase(self) -> str:
        """What happened to a participant who counts, for a sentence: "converted to …"."""
        return _PHRASES[self]


_PHRASES = {
    NaturalHistoryOutcome.ANY_CONVERSION: "improved by at least one AIS grade",
    NaturalHistoryOutcome.TO_MOTOR_INCOMPLETE: "converted to motor incomplete (AIS C or D)",
    NaturalHistoryOutcome.TO_D: "were AIS D at follow-up",
    NaturalHistoryOutcome.DELTA_UEMS: "changed in upper-extremity motor score",
    NaturalHistoryOutcome.DELTA_LEMS: "changed in lower-extremity motor score",
}

AIS_GRADES = ("A", "B", "C", "D", "E")

COHORT_LEVEL_GROUPS = ("cervical", "thoracic", "lumbosacral")
"""The groups :func:`level_group_of` returns."""

LEVEL_GROUPS: Mapping[str, frozenset[str]] = {
    "all": frozenset(COHORT_LEVEL_GROUPS),
    "cervical": frozenset({"cervical"}),
    "thoracic": frozenset({"thoracic"}),
    "lumbosacral": frozenset({"lumbosacral"}),
    "above_t10": frozenset({"cervical"}),
    "above_t11": frozenset({"cervical"}),
}
"""A row's level group → the cohort level groups it wholly contains. ``above_t10`` and
``above_t11`` (Table 2's "Above T10", "Above T11") contain every cervical level and only
part of the thoracic ones, so they stand for cervical cohorts only."""

_LEVEL_GROUP_WORDS = {
    "all": "all levels",
    "cervical": "cervical",
    "thoracic": "thoracic",
    "lumbosacral": "lumbosacral",
    "above_t10": "levels above T10",
    "above_t11": "levels above T11",
}


@dataclass(frozen=True)
class BenchmarkRow:
    """One source's number for one stratum and outcome (see the YAML file's header)."""

    id: str
    source: str
    """Short label for reports, e.g. ``Kirshblum 2016 (SCIMS)``."""
    citation: str
    table: str
    dataset: str
    baseline_ais: str
    level_group: str
    levels: str
    """The stratum's levels as the source prints them (``T2-T12``, ``Tetraplegia``)."""
    baseline_timing: str
    baseline_max_days: int | None
    follow_up: str
    follow_up_days: int | None
    n: int | None
    """Stratum size; ``None`` only where the source does not report it."""
    outcome: NaturalHistoryOutcome
    rate: float | None
    mean: float | None
    sd: float | None
    note: str
    verified: str

    @property
    def label(self) -> str:
        """``Kirshblum 2016 (SCIMS), N=187`` (or "N not reported")."""
        size = f"N={self.n}" if self.n is not None else "N not reported"
        return f"{self.source}, {size}"


@dataclass(frozen=True)
class BenchmarkMatch:
    """A row considered for a cohort, with the sentence saying why it was kept or not."""

    row: BenchmarkRow
    reason: str
    included: bool = True


_TEXT_FIELDS = (
    "id",
    "source",
    "citation",
    "table",
    "dataset",
    "baseline_ais",
    "level_group",
    "levels",
    "baseline_timing",
    "follow_up",
    "outcome",
    "note",
    "verified",
)
_OPTIONAL_INT_FIELDS = ("baseline_max_days", "follow_up_days", "n")
_NUMBER_FIELDS = ("rate", "mean", "sd")
_FIELDS = frozenset((*_TEXT_FIELDS, *_OPTIONAL_INT_FIELDS, *_NUMBER_FIELDS))
_ID = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def _bad(row_id: object, field: str, value: object, why: str) -> ValueError:
    return ValueError(f"natural-history row {row_id!r}: field {field!r} = {value!r}: {why}")


def _parse_row(raw: object, index: int) -> BenchmarkRow:
    if not isinstance(raw, Mapping):
        raise ValueError(f"natural-history row #{index + 1}: not a mapping: {raw!r}")
    row_id = raw.get("id", f"#{index + 1}")
    unknown = sorted(str(key) for key in raw if key not in _FIELDS)
    if unknown:
        raise _bad(row_id, unknown[0], raw[unknown[0]], "unknown field")
    text: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _bad(row_id, name, value, "must be non-empty text")
        text[name] = value.strip()
    if not _ID.fullmatch(text["id"]):
        raise _bad(row_id, "id", text["id"], "must be lower-case snake case")
    if text["baseline_ais"] not in AIS_GRADES:
        raise _bad(row_id, "baseline_ais", text["baseline_ais"], "must be one of A-E")
    if text["level_group"] not in LEVEL_GROUPS:
        raise _bad(
            row_id, "level_group", text["level_group"], f"must be one of {sorted(LEVEL_GROUPS)}"
        )
    try:
        outcome = NaturalHistoryOutcome(text["outcome"])
    except ValueError:
        choices = [o.value for o in NaturalHistoryOutcome]
        raise _bad(row_id, "outcome", text["outcome"], f"must be one of {choices}") from None
    ints: dict[str, int | None] = {}
    for name in _OPTIONAL_INT_FIELDS:
        value = raw.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _bad(row_id, name, value, "must be a whole number or empty")
        ints[name] = value
    if ints["n"] is not None and ints["n"] <= 0:
        raise _bad(row_id, "n", ints["n"], "must be positive")
    for name in ("baseline_max_days", "follow_up_days"):
        days = ints[name]
        if days is not None and days < 0:
            raise _bad(row_id, name, days, "must not be negative")
    numbers: dict[str, float | None] = {}
    for name in _NUMBER_FIELDS:
        value = raw.get(name)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise _bad(row_id, name, value, "must be a finite number or empty")
        numbers[name] = None if value is None else float(value)
    rate, mean, sd = numbers["rate"], numbers["mean"], numbers["sd"]
    if outcome.is_rate:
        if rate is None or not 0.0 <= rate <= 1.0:
            raise _bad(row_id, "rate", rate, f"{outcome.value} needs a fraction in [0, 1]")
        for name in ("mean", "sd"):
            if numbers[name] is not None:
                raise _bad(row_id, name, numbers[name], f"{outcome.value} is a rate")
    else:
        if rate is not None:
            raise _bad(row_id, "rate", rate, f"{outcome.value} is a mean and SD, not a rate")
        if mean is None:
            raise _bad(row_id, "mean", mean, f"{outcome.value} needs a mean")
        if sd is None or sd <= 0:
            raise _bad(row_id, "sd", sd, f"{outcome.value} needs a positive SD")
    return BenchmarkRow(
        id=text["id"],
        source=text["source"],
        citation=text["citation"],
        table=text["table"],
        dataset=text["dataset"],
        baseline_ais=text["baseline_ais"],
        level_group=text["level_group"],
        levels=text["levels"],
        baseline_timing=text["baseline_timing"],
        baseline_max_days=ints["baseline_max_days"],
        follow_up=text["follow_up"],
        follow_up_days=ints["follow_up_days"],
        n=ints["n"],
        outcome=outcome,
        rate=rate,
        mean=mean,
        sd=sd,
        note=text["note"],
        verified=text["verified"],
    )


def parse_benchmarks(data: object) -> tuple[BenchmarkRow, ...]:
    """Validated rows from the YAML document ``data`` (a list of mappings).

    A malformed row raises :class:`ValueError` naming the row id, the field and the value.
    """
    if not isinstance(data, list):
        raise ValueError(f"natural-history benchmarks: expected a list of rows, got {data!r}")
    rows = tuple(_parse_row(raw, index) for index, raw in enumerate(data))
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise _bad(row.id, "id", row.id, "duplicate id")
        seen.add(row.id)
    return rows


@cache
def load_benchmarks() -> tuple[BenchmarkRow, ...]:
    """The shipped rows of ``regencord.outcomes`` ``data/natural_history.yaml``, validated."""
    resource = files("regencord.outcomes").joinpath("data").joinpath("natural_history.yaml")
    data: Any = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_benchmarks(data)


def level_group_of(nli: str) -> str:
    """``cervical`` (C1-C8), ``thoracic`` (T1-T12) or ``lumbosacral`` (L1-S4-5) for a
    neurological level in Praxis notation (``"C4"``, ``"T10"``, ``"S4_5"``).

    T1 is thoracic: it is a thoracic segment even though its myotome counts in the UEMS.
    ``INT``, ``NA`` and anything that is not a segment raise :class:`ValueError`.
    """
    try:
        level = Level.parse(nli)
    except (KeyError, AttributeError):
        raise ValueError(f"nli: {nli!r} is not a spinal segment (C1 to S4_5)") from None
    if level <= Level.C8:
        return "cervical"
    if level <= Level.T12:
        return "thoracic"
    return "lumbosacral"


def _timing(row: BenchmarkRow, baseline_day: int | None) -> tuple[bool, str]:
    window = row.baseline_timing
    if row.baseline_max_days is None:
        return True, (
            f"the row's baseline window ({window}) is not a number of days, so the cohort's "
            "baseline timing was not checked"
        )
    if baseline_day is None:
        return True, (
            "the cohort's baseline exam day is unknown, so it was not checked against the "
            f"row's baseline window, {window}"
        )
    if baseline_day <= row.baseline_max_days:
        return True, (
            f"the cohort's baseline exam (day {baseline_day}) is inside the row's baseline "
            f"window, {window}"
        )
    return False, (
        f"the cohort's baseline exam (day {baseline_day}) is later than the row's baseline "
        f"window, {window}; recovery under way by then would not be counted the same way"
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level(row: BenchmarkRow, level_group: str, has_specific: bool) -> tuple[bool, str]:
    """Whether the row's levels contain the cohort's group, and the sentence saying so."""
    cohort = "mixed-level" if level_group == "all" else level_group
    if row.level_group == level_group:
        if level_group == "all":
            return True, f"All-levels row ({row.levels}), like the mixed-level cohort"
        return True, f"{_upper_first(level_group)} row ({row.levels}), like the cohort"
    if level_group == "all" or level_group not in LEVEL_GROUPS[row.level_group]:
        return False, (
            f"{_upper_first(_LEVEL_GROUP_WORDS[row.level_group])} row ({row.levels}), which "
            f"does not cover the whole of a {cohort} cohort"
        )
    if row.level_group == "all":
        if has_specific:
            return True, f"All-levels row; a {cohort}-specific row is also listed"
        return True, f"All-levels row; no {cohort}-specific row for this outcome"
    return True, (
        f"Row for {_LEVEL_GROUP_WORDS[row.level_group]} ({row.levels}), which include every "
        f"{cohort} level"
    )


def screen_benchmarks(
    rows: Iterable[BenchmarkRow],
    *,
    outcome: NaturalHistoryOutcome,
    baseline_ais: str,
    level_group: str,
    baseline_day: int | None,
) -> list[BenchmarkMatch]:
    """Every row of this outcome and baseline AIS, kept or excluded, each with a sentence.

    A row is kept when its level group is the cohort's or contains it (``all``, or
    ``above_t10``/``above_t11`` for a cervical cohort) and, when both are known, the cohort's
    baseline exam day is within the row's baseline window (day ≤ ``baseline_max_days``).
    Kept rows come first: level-specific, then containing groups, then all-levels rows.
    """
    ais = baseline_ais.strip().upper()
    if ais not in AIS_GRADES:
        raise ValueError(f"baseline_ais: {baseline_ais!r} is not an AIS grade (A-E)")
    if level_group not in (*COHORT_LEVEL_GROUPS, "all"):
        raise ValueError(
            f"level_group: {level_group!r} is not one of {[*COHORT_LEVEL_GROUPS, 'all']}"
        )
    if baseline_day is not None and (isinstance(baseline_day, bool) or baseline_day < 0):
        raise ValueError(f"baseline_day: {baseline_day!r} must be a day count ≥ 0 or None")
    candidates = [r for r in rows if r.outcome is outcome and r.baseline_ais == ais]
    has_specific = any(r.level_group == level_group for r in candidates)
    kept: list[tuple[int, BenchmarkMatch]] = []
    excluded: list[BenchmarkMatch] = []
    for row in candidates:
        level_ok, level_reason = _level(row, level_group, has_specific)
        if not level_ok:
            excluded.append(BenchmarkMatch(row, f"Excluded: {level_reason}.", included=False))
            continue
        timing_ok, timing_reason = _timing(row, baseline_day)
        if not timing_ok:
            excluded.append(
                BenchmarkMatch(
                    row,
                    f"Excluded: {level_reason[0].lower()}{level_reason[1:]}, but {timing_reason}.",
                    included=False,
                )
            )
            continue
        rank = 0 if row.level_group == level_group else 2 if row.level_group == "all" else 1
        kept.append((rank, BenchmarkMatch(row, f"{level_reason}; {timing_reason}.")))
    kept.sort(key=lambda item: item[0])
    return [match for _, match in kept] + excluded


def match_benchmarks(
    rows: Iterable[BenchmarkRow],
    *,
    outcome: NaturalHistoryOutcome,
    baseline_ais: str,
    level_group: str,
    baseline_day: int | None,
) -> list[BenchmarkMatch]:
    """The rows that fit the cohort, with the reason for each (:func:`screen_benchmarks`
    without the excluded rows)."""
    screened = screen_benchmarks(
        rows,
        outcome=outcome,
        baseline_ais=baseline_ais,
        level_group=level_group,
        baseline_day=baseline_day,
    )
    return [match for match in screened if match.included]


def compare_with_row(k: int, n: int, row: BenchmarkRow) -> BinomialComparison:
    """``k`` of ``n`` participants against a rate row (exact binomial; see
    :func:`regencord.outcomes.statistics.compare_with_benchmark`)."""
    if row.rate is None:
        raise ValueError(f"row: {row.id!r} is a {row.outcome.value} row, not a rate")
    return compare_with_benchmark(
        k, n, row.rate, row.source, benchmark_n=row.n, event=row.outcome.phrase
    )
