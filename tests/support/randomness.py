"""Goodness-of-fit tests for game outcomes: chi-square, runs, serial correlation.

Pure Python (``math`` only) so the uniformity tests in ``make test`` need no
numerical library; ``benchmarks/rng_battery.py`` (``make bench-rng``) uses
the same functions at full size. Every function returns a ``Verdict``
whose ``p_value`` is the probability that a fair generator gives a result at
least this extreme; a test passes at ``alpha`` when ``p_value >= alpha``.

The chi-square tail is the regularized upper incomplete gamma function
Q(df/2, x/2), computed with its series below ``a + 1`` and its continued
fraction above (Numerical Recipes, "gammq"); ``games/tests/test_rng_uniformity.py``
checks it against closed forms and table values.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.01
_EPS = 1e-15
_TINY = 1e-300


@dataclass(frozen=True)
class Verdict:
    name: str
    statistic: float
    p_value: float
    detail: str = ""

    def passed(self, alpha: float = ALPHA) -> bool:
        return self.p_value >= alpha


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its power series (converges fast for x < a + 1)."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(100_000):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction, modified Lentz (for x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_q(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    if a <= 0 or x < 0:
        raise ValueError("gamma_q needs a > 0 and x >= 0")
    if x == 0:
        return 1.0
    if x < a + 1.0:
        return max(0.0, 1.0 - _lower_series(a, x))
    return _upper_fraction(a, x)


def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square with ``df`` degrees of freedom."""
    return gamma_q(df / 2.0, max(statistic, 0.0) / 2.0)


def normal_two_sided(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def chi_square_uniform(values: Sequence[int], n: int, name: str = "chi-square") -> Verdict:
    """Are ``values`` uniform on ``[0, n)``? Pearson's statistic over the n cells.

    A value outside ``[0, n)`` is a failure in itself (``p_value`` 0).
    """
    counts = Counter(values)
    if any(not 0 <= value < n for value in counts):
        return Verdict(name, math.inf, 0.0, f"values outside [0, {n})")
    total = len(values)
    expected = total / n
    statistic = sum((counts.get(cell, 0) - expected) ** 2 for cell in range(n)) / expected
    return Verdict(name, statistic, chi2_sf(statistic, n - 1), f"N={total}, cells={n}, df={n - 1}")


def chi_square_pairs(
    first: Sequence[int], n_first: int, second: Sequence[int], n_second: int, name: str
) -> Verdict:
    """Are the pairs ``(first[i], second[i])`` uniform on the n_first x n_second grid?

    For two independent uniform draws every cell is equally likely, so this
    tests uniformity and independence together (df = cells - 1).
    """
    if len(first) != len(second):
        raise ValueError("pair sequences differ in length")
    return chi_square_uniform(
        [a * n_second + b for a, b in zip(first, second, strict=True)],
        n_first * n_second,
        name,
    )


def successive_pairs(values: Sequence[int], n: int, name: str = "serial pairs") -> Verdict:
    """Non-overlapping successive pairs ``(v[2i], v[2i+1])`` uniform on n x n cells."""
    return chi_square_pairs(values[0:-1:2], n, values[1::2], n, name)


def runs_test(values: Sequence[int], n: int, name: str = "runs") -> Verdict:
    """Wald-Wolfowitz runs test on ``value >= n/2`` (high) vs low, in order.

    Too few runs means values cluster, too many means they alternate; the
    count of runs given the counts of highs and lows is asymptotically
    normal (two-sided p-value).
    """
    highs = [2 * value >= n for value in values]
    n_high = sum(highs)
    n_low = len(highs) - n_high
    if n_high == 0 or n_low == 0:
        return Verdict(name, math.inf, 0.0, "all values on one side")
    runs = 1 + sum(1 for a, b in itertools.pairwise(highs) if a != b)
    total = n_high + n_low
    mean = 2.0 * n_high * n_low / total + 1.0
    variance = (mean - 1.0) * (mean - 2.0) / (total - 1.0)
    z = (runs - mean) / math.sqrt(variance)
    return Verdict(name, z, normal_two_sided(z), f"runs={runs}, expected={mean:.1f}")


def serial_correlation(values: Sequence[int], name: str = "serial correlation") -> Verdict:
    """Lag-1 autocorrelation r of the values in order.

    Under independence r is approximately normal with mean -1/N and
    variance 1/N, so z = (r + 1/N) * sqrt(N) (two-sided p-value).
    """
    total = len(values)
    mean = sum(values) / total
    centred = [value - mean for value in values]
    denominator = sum(c * c for c in centred)
    if denominator == 0:
        return Verdict(name, math.inf, 0.0, "constant sequence")
    numerator = sum(a * b for a, b in itertools.pairwise(centred))
    r = numerator / denominator
    z = (r + 1.0 / total) * math.sqrt(total)
    return Verdict(name, r, normal_two_sided(z), f"r={r:.6f}, z={z:.3f}")
