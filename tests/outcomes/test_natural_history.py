"""The shipped natural-history benchmarks against hand-typed copies of the tables, the
loader's validation, level groups and cohort matching."""

from __future__ import annotations

import copy
import re

import pytest

from regencord.outcomes.natural_history import (
    BenchmarkMatch,
    BenchmarkRow,
    NaturalHistoryOutcome,
    compare_with_row,
    level_group_of,
    load_benchmarks,
    match_benchmarks,
    parse_benchmarks,
    screen_benchmarks,
)

NH = NaturalHistoryOutcome

# Typed by hand from Kirshblum et al. 2021, J Neurotrauma 38:1267-1284, Table 2 (initial
# AIS A, first post-injury year): (source, levels, N, overall conversion %, A to C or D %).
# Fawcett 2007 is left out: its N is "NR".
TABLE_2 = [
    ("Marino 1999 (SCIMS)", "All levels", 482, 15.4, 8.1),
    ("Burns 2003", "All levels", 53, 11.3, 5.7),
    ("Spiess 2009 (EMSCI)", "All levels", 139, 30.2, 13.0),
    ("Spiess 2009 (EMSCI)", "Above T10", 62, 24.2, 11.2),
    ("van Middendorp 2009 (EMSCI)", "Above T11", 161, 26.1, 11.8),
    ("Kirshblum 2016 (SCIMS)", "All levels", 187, 27.8, 17.1),
]

# Typed by hand from the same review's Table 6 (initial AIS C): (source, levels, N,
# AIS D at follow-up %).
TABLE_6 = [
    ("Marino 1999 (SCIMS)", "All levels", 159, 66.7),
    ("Spiess 2009 (EMSCI)", "All levels", 46, 84.8),
    ("Spiess 2009 (EMSCI)", "Above T10", 9, 78.0),
    ("van Middendorp 2009 (EMSCI)", "Above T11", 43, 74.4),
    ("Kirshblum 2016 (SCIMS)", "All levels (tetraplegia + paraplegia)", 109, 72.5),
    ("Kirshblum 2016 (SCIMS)", "Tetraplegia", 78, 76.9),
    ("Marino 2011 (SCIMS)", "Tetraplegia", 109, 80.7),
    ("Lee 2016 (SCIMS)", "T2-T12", 21, 81.0),
]

# Typed by hand from the primary papers' abstracts: (source, levels, outcome, N, rate %
# or (mean, sd)). Kirshblum 2022 gives N=187 for AIS A and B together only.
ABSTRACTS: list[tuple[str, str, NaturalHistoryOutcome, int | None, float | tuple[float, float]]] = [
    ("Kirshblum 2022 (SCIMS)", "C1-C7 motor level", NH.TO_MOTOR_INCOMPLETE, None, 13.4),
    ("Kirshblum 2022 (SCIMS)", "C1-C7 motor level", NH.DELTA_UEMS, None, (7.8, 6.5)),
    ("Kirshblum 2022 (SCIMS)", "C1-C7 motor level", NH.DELTA_LEMS, None, (2.3, 7.4)),
    ("Aimetti 2019 (NACTN, EMSCI, SCIMS)", "T2-T12", NH.ANY_CONVERSION, 170, 21.1),
]


@pytest.fixture(scope="module")
def rows() -> tuple[BenchmarkRow, ...]:
    return load_benchmarks()


def _find(
    rows: tuple[BenchmarkRow, ...],
    source: str,
    levels: str,
    outcome: NaturalHistoryOutcome,
    ais: str,
) -> BenchmarkRow:
    found = [
        r
        for r in rows
        if (r.source, r.levels, r.outcome, r.baseline_ais) == (source, levels, outcome, ais)
    ]
    assert len(found) == 1, (source, levels, outcome, ais, found)
    return found[0]


def test_table_2_rows_match_the_hand_typed_table(rows):
    for source, levels, n, overall, motor_incomplete in TABLE_2:
        for outcome, percent in (
            (NH.ANY_CONVERSION, overall),
            (NH.TO_MOTOR_INCOMPLETE, motor_incomplete),
        ):
            row = _find(rows, source, levels, outcome, "A")
            assert row.n == n
            assert row.rate == pytest.approx(percent / 100, abs=1e-9)
            assert "Table 2" in row.table


def test_table_6_rows_match_the_hand_typed_table(rows):
    for source, levels, n, to_d in TABLE_6:
        row = _find(rows, source, levels, NH.TO_D, "C")
        assert row.n == n
        assert row.rate == pytest.approx(to_d / 100, abs=1e-9)
        assert "Table 6" in row.table


def test_abstract_rows_match_the_hand_typed_numbers(rows):
    for source, levels, outcome, n, value in ABSTRACTS:
        row = _find(rows, source, levels, outcome, "A")
        assert row.n == n
        if isinstance(value, tuple):
            assert (row.mean, row.sd) == pytest.approx(value)
            assert row.rate is None
        else:
            assert row.rate == pytest.approx(value / 100, abs=1e-9)


def test_every_shipped_row_is_in_a_hand_typed_table(rows):
    typed = 2 * len(TABLE_2) + len(TABLE_6) + len(ABSTRACTS)
    assert len(rows) == typed


def test_the_issue_numbers_are_shipped(rows):
    kirshblum = {r.outcome: r for r in rows if r.id.startswith("kirshblum2016_a_all")}
    assert (kirshblum[NH.ANY_CONVERSION].n, kirshblum[NH.ANY_CONVERSION].rate) == (187, 0.278)
    assert kirshblum[NH.TO_MOTOR_INCOMPLETE].rate == 0.171
    aimetti = _find(rows, "Aimetti 2019 (NACTN, EMSCI, SCIMS)", "T2-T12", NH.ANY_CONVERSION, "A")
    assert (aimetti.level_group, aimetti.baseline_max_days, aimetti.follow_up_days) == (
        "thoracic",
        7,
        182,
    )


def test_every_row_is_cited_sized_and_verified(rows):
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert re.search(r"\b(19|20)\d\d\b", row.citation), row.id
        assert re.search(r"\d+\(\d+\):\d+-\d+", row.citation), row.id  # volume(issue):pages
        assert row.verified and row.verified != "issue text only; source not reachable"
        assert row.note and row.table and row.dataset
        if row.n is None:
            assert row.source == "Kirshblum 2022 (SCIMS)", row.id
            assert "N" in row.note
        else:
            assert row.n > 0
        if row.outcome.is_rate:
            assert row.rate is not None and 0 <= row.rate <= 1
            assert row.mean is None and row.sd is None
        else:
            assert row.rate is None and row.mean is not None
            assert row.sd is not None and row.sd > 0


def test_load_is_cached_and_immutable(rows):
    assert load_benchmarks() is rows
    with pytest.raises(AttributeError):
        rows[0].rate = 0.5  # type: ignore[misc]


# --- validation ---------------------------------------------------------------------


def _raw() -> dict[str, object]:
    return {
        "id": "x_a_all_any",
        "source": "X 2020",
        "citation": "X. T. J. 2020;1(1):1-2.",
        "table": "Table 1",
        "dataset": "D",
        "baseline_ais": "A",
        "level_group": "all",
        "levels": "All levels",
        "baseline_timing": "within 7 days",
        "baseline_max_days": 7,
        "follow_up": "1 year",
        "follow_up_days": 365,
        "n": 10,
        "outcome": "any_conversion",
        "rate": 0.2,
        "note": "n",
        "verified": "v",
    }


def test_a_good_row_parses():
    (row,) = parse_benchmarks([_raw()])
    assert row.outcome is NH.ANY_CONVERSION
    assert row.label == "X 2020, N=10"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate", 1.2),
        ("rate", -0.1),
        ("rate", None),
        ("n", 0),
        ("n", -3),
        ("n", 2.5),
        ("n", True),
        ("baseline_ais", "F"),
        ("level_group", "sacral"),
        ("outcome", "walks"),
        ("citation", ""),
        ("verified", None),
        ("baseline_max_days", "7 days"),
        ("id", "Bad Id"),
        ("mean", 3.0),
        ("colour", "red"),
    ],
)
def test_a_malformed_row_names_id_field_and_value(field, value):
    raw = _raw()
    raw[field] = value
    with pytest.raises(ValueError) as error:
        parse_benchmarks([raw])
    message = str(error.value)
    assert repr(field) in message
    assert repr(value) in message
    if field != "id":
        assert "'x_a_all_any'" in message


def test_score_change_rows_need_mean_and_positive_sd():
    raw = _raw()
    raw.update(outcome="delta_uems", rate=None, mean=7.8, sd=0)
    with pytest.raises(ValueError, match="'sd'"):
        parse_benchmarks([raw])
    raw.update(sd=6.5, rate=0.2)
    with pytest.raises(ValueError, match="'rate'"):
        parse_benchmarks([raw])


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="duplicate id"):
        parse_benchmarks([_raw(), copy.deepcopy(_raw())])


def test_the_document_must_be_a_list():
    with pytest.raises(ValueError, match="list of rows"):
        parse_benchmarks({"id": "x"})
    with pytest.raises(ValueError, match="#1"):
        parse_benchmarks(["not a mapping"])


# --- level groups ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nli", "group"),
    [
        ("C1", "cervical"),
        ("C4", "cervical"),
        ("C8", "cervical"),
        ("T1", "thoracic"),
        ("t10", "thoracic"),
        ("T12", "thoracic"),
        ("L1", "lumbosacral"),
        ("S1", "lumbosacral"),
        ("S4_5", "lumbosacral"),
    ],
)
def test_level_group_of(nli, group):
    assert level_group_of(nli) == group


@pytest.mark.parametrize("nli", ["INT", "NA", "C9", "T13", "", "X1"])
def test_level_group_of_rejects_non_segments(nli):
    with pytest.raises(ValueError, match="nli"):
        level_group_of(nli)


# --- matching -------------------------------------------------------------------------


def _ids(matches: list[BenchmarkMatch]) -> list[str]:
    return [m.row.id for m in matches]


def test_cervical_a_cohort_on_day_12(rows):
    matches = match_benchmarks(
        rows,
        outcome=NH.TO_MOTOR_INCOMPLETE,
        baseline_ais="A",
        level_group="cervical",
        baseline_day=12,
    )
    assert _ids(matches) == [
        "kirshblum2022_a_cervical_motor_incomplete",
        "spiess2009_a_above_t10_motor_incomplete",
        "vanmiddendorp2009_a_above_t11_motor_incomplete",
        "kirshblum2016_a_all_motor_incomplete",
        "spiess2009_a_all_motor_incomplete",
    ]
    reasons = {m.row.id: m.reason for m in matches}
    assert reasons["kirshblum2022_a_cervical_motor_incomplete"].startswith("Cervical row")
    assert (
        "a cervical-specific row is also listed" in reasons["kirshblum2016_a_all_motor_incomplete"]
    )
    assert "day 12" in reasons["kirshblum2016_a_all_motor_incomplete"]
    assert all(m.included and m.reason.endswith(".") for m in matches)


def test_screening_says_why_early_baseline_rows_are_excluded(rows):
    screened = screen_benchmarks(
        rows,
        outcome=NH.TO_MOTOR_INCOMPLETE,
        baseline_ais="a",
        level_group="cervical",
        baseline_day=12,
    )
    excluded = {m.row.id: m.reason for m in screened if not m.included}
    assert set(excluded) == {
        "marino1999_a_all_motor_incomplete",
        "burns2003_a_all_motor_incomplete",
    }
    assert excluded["marino1999_a_all_motor_incomplete"].startswith("Excluded:")
    assert (
        "later than the row's baseline window, within 7 days"
        in excluded["marino1999_a_all_motor_incomplete"]
    )
    assert [m.included for m in screened] == sorted((m.included for m in screened), reverse=True)


def test_all_levels_rows_say_when_there_is_no_specific_row(rows):
    matches = match_benchmarks(
        rows,
        outcome=NH.ANY_CONVERSION,
        baseline_ais="A",
        level_group="lumbosacral",
        baseline_day=5,
    )
    assert matches
    assert all(m.row.level_group == "all" for m in matches)
    assert all("no lumbosacral-specific row for this outcome" in m.reason for m in matches)


def test_thoracic_cohort_excludes_rows_above_t10(rows):
    screened = screen_benchmarks(
        rows,
        outcome=NH.ANY_CONVERSION,
        baseline_ais="A",
        level_group="thoracic",
        baseline_day=5,
    )
    kept = [m for m in screened if m.included]
    assert kept[0].row.id == "aimetti2019_a_thoracic_any_conversion"
    assert kept[0].reason.startswith("Thoracic row (T2-T12)")
    excluded = {m.row.id: m.reason for m in screened if not m.included}
    assert "Levels above T10 row" in excluded["spiess2009_a_above_t10_any_conversion"]


def test_unknown_baseline_day_is_kept_and_said(rows):
    matches = match_benchmarks(
        rows, outcome=NH.TO_D, baseline_ais="C", level_group="cervical", baseline_day=None
    )
    assert "marino2011_c_cervical_to_d" in _ids(matches)
    assert all("baseline exam day is unknown" in m.reason for m in matches)


def test_other_grades_and_outcomes_are_not_candidates(rows):
    screened = screen_benchmarks(
        rows, outcome=NH.DELTA_UEMS, baseline_ais="A", level_group="cervical", baseline_day=20
    )
    assert _ids(screened) == ["kirshblum2022_a_cervical_delta_uems"]
    assert not screen_benchmarks(
        rows, outcome=NH.TO_D, baseline_ais="B", level_group="cervical", baseline_day=20
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline_ais": "F", "level_group": "cervical", "baseline_day": 1}, "baseline_ais"),
        ({"baseline_ais": "A", "level_group": "neck", "baseline_day": 1}, "level_group"),
        ({"baseline_ais": "A", "level_group": "cervical", "baseline_day": -1}, "baseline_day"),
    ],
)
def test_matching_validates_the_cohort(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        match_benchmarks(rows, outcome=NH.ANY_CONVERSION, **kwargs)


def test_compare_with_row_uses_the_row_source_and_n(rows):
    row = _find(rows, "Kirshblum 2016 (SCIMS)", "All levels", NH.TO_MOTOR_INCOMPLETE, "A")
    sentence = compare_with_row(2, 4, row).sentence()
    assert sentence == (
        "2 of 4 (50%, 95% CI 6.8–93.2%) converted to motor incomplete (AIS C or D); natural "
        "history 17.1% (Kirshblum 2016 (SCIMS), N=187): the chance of 2 or more of 4 is 0.14 "
        "(exact binomial; two-sided p = 0.14)."
    )
    uems = _find(rows, "Kirshblum 2022 (SCIMS)", "C1-C7 motor level", NH.DELTA_UEMS, "A")
    with pytest.raises(ValueError, match="not a rate"):
        compare_with_row(2, 4, uems)
