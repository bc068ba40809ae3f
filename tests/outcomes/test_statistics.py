"""Exact binomial statistics and the normal-approximation position, against hand-computed
and tabulated values (not against SciPy calls that mirror the implementation)."""

from __future__ import annotations

import re

import pytest

from regencord.outcomes.statistics import (
    BinomialComparison,
    clopper_pearson,
    compare_with_benchmark,
    position_in_distribution,
)

# Exact (Clopper-Pearson) 95% limits as tabulated for small n; the k = 0 and k = 1 bounds
# also have closed forms: upper(0/n) = 1 - 0.025**(1/n), lower(1/n) = 1 - 0.975**(1/n).
PUBLISHED_CI = [
    (2, 4, 0.0676, 0.9324),
    (1, 4, 0.0063, 0.8059),
    (0, 10, 0.0, 0.3085),
    (5, 10, 0.1871, 0.8129),
    (10, 10, 0.6915, 1.0),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), PUBLISHED_CI)
def test_clopper_pearson_matches_published_limits(k, n, low, high):
    got_low, got_high = clopper_pearson(k, n)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_clopper_pearson_other_level_is_narrower():
    low95, high95 = clopper_pearson(2, 4)
    low90, high90 = clopper_pearson(2, 4, level=0.90)
    assert low95 < low90 < 0.5 < high90 < high95


def _hand_p_at_least_2_of_4(p: float) -> float:
    return 1 - (1 - p) ** 4 - 4 * p * (1 - p) ** 3


def test_compare_two_of_four_against_kirshblum_2016():
    p = 0.171
    result = compare_with_benchmark(
        2,
        4,
        p,
        "Kirshblum 2016 (SCIMS)",
        benchmark_n=187,
        event="converted to motor incomplete",
    )
    assert isinstance(result, BinomialComparison)
    assert result.observed_rate == 0.5
    assert result.p_at_least == pytest.approx(_hand_p_at_least_2_of_4(p), rel=1e-9)
    assert result.p_at_least == pytest.approx(0.138, abs=5e-4)
    # P(2), P(3), P(4) are each no more likely than P(2) = 0.1206 and P(0), P(1) are more
    # likely, so the two-sided exact p is the same upper tail.
    assert result.p_two_sided == pytest.approx(_hand_p_at_least_2_of_4(p), rel=1e-9)
    assert result.ci_low == pytest.approx(0.0676, abs=1e-4)
    assert result.ci_high == pytest.approx(0.9324, abs=1e-4)
    assert result.sentence() == (
        "2 of 4 (50%, 95% CI 6.8–93.2%) converted to motor incomplete; natural history 17.1% "
        "(Kirshblum 2016 (SCIMS), N=187): the chance of 2 or more of 4 is 0.14 "
        "(exact binomial; two-sided p = 0.14)."
    )


def test_one_of_one_is_just_the_rate():
    result = compare_with_benchmark(1, 1, 0.3, "S")
    assert result.p_at_least == pytest.approx(0.3)


def test_zero_events_says_how_likely_none_is():
    result = compare_with_benchmark(0, 10, 0.171, "Kirshblum 2016 (SCIMS)", event="converted")
    assert result.p_at_least == 1.0
    sentence = result.sentence()
    # (1 - 0.171) ** 10 = 0.1535
    assert "the chance of none of 10 is 0.15" in sentence
    assert "N not reported" in sentence
    assert "0 of 10 (0%, 95% CI 0–30.8%)" in sentence


def test_tiny_probabilities_are_bounded_not_printed_as_zero():
    sentence = compare_with_benchmark(9, 10, 0.171, "S", event="converted").sentence()
    assert "the chance of 9 or more of 10 is below 0.001" in sentence
    assert "two-sided p < 0.001" in sentence


def test_sentence_never_gives_a_bare_p_value():
    sentence = compare_with_benchmark(3, 6, 0.2, "Source X", benchmark_n=50).sentence()
    assert "3 of 6" in sentence
    assert "Source X" in sentence
    assert "natural history 20%" in sentence
    assert "exact binomial" in sentence


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": -1, "n": 4, "rate": 0.2}, "k: -1"),
        ({"k": 5, "n": 4, "rate": 0.2}, "k: 5"),
        ({"k": 0, "n": 0, "rate": 0.2}, "n: 0"),
        ({"k": 1, "n": 4, "rate": 0.0}, "rate: 0.0"),
        ({"k": 1, "n": 4, "rate": 1.0}, "rate: 1.0"),
        ({"k": 1, "n": 4, "rate": float("nan")}, "rate: nan"),
        ({"k": 1.5, "n": 4, "rate": 0.2}, "k: 1.5"),
        ({"k": True, "n": 4, "rate": 0.2}, "k: True"),
    ],
)
def test_compare_validates_arguments(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        compare_with_benchmark(source="S", **kwargs)


def test_compare_validates_source_and_benchmark_n():
    with pytest.raises(ValueError, match="source"):
        compare_with_benchmark(1, 4, 0.2, " ")
    with pytest.raises(ValueError, match="benchmark_n: 0"):
        compare_with_benchmark(1, 4, 0.2, "S", benchmark_n=0)


def test_clopper_pearson_validates_arguments():
    with pytest.raises(ValueError, match="n: 0"):
        clopper_pearson(0, 0)
    with pytest.raises(ValueError, match=r"level: 1\.5"):
        clopper_pearson(1, 4, level=1.5)


def test_position_one_sd_above_is_the_84th_percentile():
    # Standard normal table: Φ(1) = 0.8413, Φ(-1.96) = 0.0250.
    position = position_in_distribution(7.8 + 6.5, 7.8, 6.5)
    assert position.z == pytest.approx(1.0)
    assert position.percentile == pytest.approx(84.13, abs=0.01)
    assert position.sentence() == (
        "A change of 14.3 is 1.00 SD above the natural-history mean of 7.8 (SD 6.5): about "
        "the 84th percentile, assuming changes are normally distributed."
    )
    low = position_in_distribution(2.3 - 1.96 * 7.4, 2.3, 7.4, source="Kirshblum 2022")
    assert low.percentile == pytest.approx(2.50, abs=0.01)
    assert "SD below" in low.sentence()
    assert "(Kirshblum 2022)" in low.sentence()


def test_position_at_the_mean_and_in_the_tails():
    assert position_in_distribution(5.0, 5.0, 2.0).percentile == pytest.approx(50.0)
    assert "above the 99th percentile" in position_in_distribution(30, 2.3, 7.4).sentence()
    assert "below the 1st percentile" in position_in_distribution(-30, 2.3, 7.4).sentence()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1.0, 2.0, 0.0), "sd: 0.0"),
        ((1.0, 2.0, -1.0), "sd: -1.0"),
        ((float("inf"), 2.0, 1.0), "change: inf"),
        ((1.0, float("nan"), 1.0), "mean: nan"),
    ],
)
def test_position_validates_arguments(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        position_in_distribution(*args)
