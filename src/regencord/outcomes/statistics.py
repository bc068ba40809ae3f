"""Exact statistics for small cohorts against natural-history benchmarks (SciPy).

- :func:`clopper_pearson`: the exact (Clopper-Pearson, 1934) confidence interval of a
  binomial proportion, ``scipy.stats.binomtest(k, n).proportion_ci(method="exact")``.
- :func:`compare_with_benchmark`: ``k`` of ``n`` participants against a natural-history
  rate ``p`` taken as known: P(X ≥ k) for X ~ Binomial(n, p), ``binom.sf(k - 1, n, p)``,
  and the two-sided exact binomial test (``scipy.stats.binomtest``, which sums the
  probabilities of outcomes no more likely than ``k``). The benchmark's own sampling error
  is ignored, so the comparison is optimistic when the benchmark N is small.
- :func:`position_in_distribution`: where one participant's score change falls in a
  natural-history mean ± SD, under a normal approximation.

Sentences never give a bare p-value: each says what was observed, against which source,
and what the probability is of.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: {value!r} must be a whole number")
    return value


def _check_k_n(k: int, n: int) -> None:
    _check_count("k", k)
    _check_count("n", n)
    if n < 1:
        raise ValueError(f"n: {n!r} must be at least 1")
    if not 0 <= k <= n:
        raise ValueError(f"k: {k!r} must be between 0 and n ({n})")


def _check_open_unit(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value < 1
    ):
        raise ValueError(f"{name}: {value!r} must be a number strictly between 0 and 1")
    return float(value)


def _check_finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name}: {value!r} must be a finite number")
    return float(value)


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided ``level`` confidence interval for ``k`` successes of ``n`` trials.

    Clopper CJ, Pearson ES. Biometrika 1934;26:404-413: the bounds are Beta quantiles,
    0 when ``k = 0`` and 1 when ``k = n``.
    """
    _check_k_n(k, n)
    level = _check_open_unit("level", level)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def _percent(fraction: float) -> str:
    """``0.5`` → ``50%``, ``0.0676`` → ``6.8%``: one decimal, no trailing ``.0``."""
    text = f"{100 * fraction:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _number(fraction: float) -> str:
    return _percent(fraction)[:-1]


def _probability(p: float) -> tuple[str, str]:
    """(relation, value): ``("=", "0.14")``, ``("=", "0.004")``, ``("<", "0.001")``."""
    if p < 0.001:
        return "<", "0.001"
    if p < 0.01:
        return "=", f"{p:.3f}"
    return "=", f"{p:.2f}"


@dataclass(frozen=True)
class BinomialComparison:
    """``k`` of ``n`` participants with an event, against a natural-history rate."""

    k: int
    n: int
    observed_rate: float
    ci_low: float
    ci_high: float
    """95% Clopper-Pearson interval of the observed rate."""
    benchmark_rate: float
    source: str
    benchmark_n: int | None
    event: str
    """What the ``k`` participants did, for the sentence ("converted to motor incomplete")."""
    p_at_least: float
    """P(X ≥ k) for X ~ Binomial(n, benchmark_rate): the chance, under natural history, of
    ``k`` or more events among ``n``."""
    p_two_sided: float
    """Two-sided exact binomial test of the observed rate against ``benchmark_rate``."""

    def sentence(self) -> str:
        """E.g. "2 of 4 (50%, 95% CI 6.8–93.2%) converted to motor incomplete; natural
        history 17.1% (Kirshblum 2016 (SCIMS), N=187): the chance of 2 or more of 4 is 0.14
        (exact binomial; two-sided p = 0.14)."""
        size = f"N={self.benchmark_n}" if self.benchmark_n is not None else "N not reported"
        relation, chance = _probability(self.p_at_least)
        chance_text = f"is {chance}" if relation == "=" else f"is below {chance}"
        if self.k == 0:
            rel0, none = _probability((1.0 - self.benchmark_rate) ** self.n)
            chance_part = f"the chance of none of {self.n} " + (
                f"is {none}" if rel0 == "=" else f"is below {none}"
            )
        else:
            chance_part = f"the chance of {self.k} or more of {self.n} {chance_text}"
        two_rel, two_p = _probability(self.p_two_sided)
        return (
            f"{self.k} of {self.n} ({_percent(self.observed_rate)}, 95% CI "
            f"{_number(self.ci_low)}–{_percent(self.ci_high)}) {self.event}; natural history "
            f"{_percent(self.benchmark_rate)} ({self.source}, {size}): {chance_part} "
            f"(exact binomial; two-sided p {two_rel} {two_p})."
        )


def compare_with_benchmark(
    k: int,
    n: int,
    rate: float,
    source: str,
    *,
    benchmark_n: int | None = None,
    event: str = "had the outcome",
) -> BinomialComparison:
    """Compare ``k`` events in ``n`` participants with a natural-history ``rate`` from
    ``source`` (the rate is taken as known; exact binomial, see the module docstring)."""
    _check_k_n(k, n)
    rate = _check_open_unit("rate", rate)
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"source: {source!r} must name the benchmark")
    if benchmark_n is not None:
        _check_count("benchmark_n", benchmark_n)
        if benchmark_n < 1:
            raise ValueError(f"benchmark_n: {benchmark_n!r} must be at least 1")
    low, high = clopper_pearson(k, n)
    p_at_least = 1.0 if k == 0 else float(stats.binom.sf(k - 1, n, rate))
    p_two_sided = float(stats.binomtest(k, n, rate, alternative="two-sided").pvalue)
    return BinomialComparison(
        k=k,
        n=n,
        observed_rate=k / n,
        ci_low=low,
        ci_high=high,
        benchmark_rate=rate,
        source=source.strip(),
        benchmark_n=benchmark_n,
        event=event,
        p_at_least=p_at_least,
        p_two_sided=min(1.0, p_two_sided),
    )


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True)
class Position:
    """Where one change falls in a natural-history distribution (normal approximation)."""

    change: float
    mean: float
    sd: float
    z: float
    """(change − mean) / sd."""
    percentile: float
    """100 × Φ(z): the share (%) of natural-history changes expected to be smaller."""
    source: str | None = None

    def sentence(self) -> str:
        """E.g. "A change of 14 is 0.95 SD above the natural-history mean of 7.8 (SD 6.5):
        about the 83rd percentile, assuming changes are normally distributed."."""
        side = "above" if self.z >= 0 else "below"
        if self.percentile < 1:
            where = "below the 1st percentile"
        elif self.percentile > 99:
            where = "above the 99th percentile"
        else:
            where = f"about the {_ordinal(round(self.percentile))} percentile"
        source = f" ({self.source})" if self.source else ""
        return (
            f"A change of {self.change:g} is {abs(self.z):.2f} SD {side} the natural-history "
            f"mean of {self.mean:g} (SD {self.sd:g}){source}: {where}, assuming changes are "
            "normally distributed."
        )


def position_in_distribution(
    change: float, mean: float, sd: float, *, source: str | None = None
) -> Position:
    """z-score and percentile of ``change`` in a natural-history ``mean`` ± ``sd``.

    Assumes the natural-history changes are normally distributed: percentile =
    100 × ``scipy.stats.norm.cdf(z)``. Motor-score changes are bounded (0-50) and often
    skewed (in AIS A the LEMS change has SD > mean with most people near 0), so the
    percentile is an approximation, poorest in the tails.
    """
    change = _check_finite("change", change)
    mean = _check_finite("mean", mean)
    sd = _check_finite("sd", sd)
    if sd <= 0:
        raise ValueError(f"sd: {sd!r} must be greater than 0")
    z = (change - mean) / sd
    return Position(
        change=change,
        mean=mean,
        sd=sd,
        z=z,
        percentile=100.0 * float(stats.norm.cdf(z)),
        source=source,
    )
