"""The documented rules: segment assignment, heavy play, the forecast's least squares.

Pure functions (no database), so the tests can check each rule by itself.
See docs/insight.md, "Segments, forecast and recommendations".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from games.segments.models import Segment

WINDOW_DAYS = 30  # frequency, "monetary" and the forecast horizon
NEW_DAYS = 7  # joined fewer days ago than this: New
LAPSING_DAYS = 14  # has played, but not for this many days: At risk
RECENCY_CAP = 30  # recency enters the forecast capped at the window

# Heavy play, over the last 14 days in the player's own time zone.
HEAVY_WINDOW_DAYS = 14
NIGHT_HOURS = range(0, 5)  # 00:00-04:59 local
NIGHT_SHARE = 0.3  # at least this share of rounds at night ...
NIGHT_MIN_ROUNDS = 20  # ... and at least this many night rounds
LONG_DAY_ROUNDS = 300  # rounds on one local day: a long session (a round takes seconds)


def segment_for(
    *, joined_days: int, recency_days: int | None, r_score: int, f_score: int, m_score: int
) -> str:
    """The segment, first matching rule wins:

    1. New: joined fewer than 7 days ago.
    2. At risk: has played, but the last round is 14 or more days old.
    3. High roller: top "monetary" quintile (5) and frequency quintile 3 or more.
    4. Engaged: frequency and recency quintiles both 4 or more.
    5. Casual: everyone else (including players who never played).
    """
    if joined_days < NEW_DAYS:
        return Segment.NEW
    if recency_days is not None and recency_days >= LAPSING_DAYS:
        return Segment.AT_RISK
    if m_score == 5 and f_score >= 3:
        return Segment.HIGH_ROLLER
    if f_score >= 4 and r_score >= 4:
        return Segment.ENGAGED
    return Segment.CASUAL


def heavy_play_for(*, rounds: int, night_rounds: int, busiest_day_rounds: int) -> bool:
    """Heavy play: a long session (300+ rounds on one local day) or late-night play
    (30%+ of the rounds, and 20 or more of them, between 00:00 and 05:00 local)."""
    if busiest_day_rounds >= LONG_DAY_ROUNDS:
        return True
    return night_rounds >= NIGHT_MIN_ROUNDS and night_rounds >= NIGHT_SHARE * rounds


@dataclass(frozen=True)
class Fit:
    intercept: float
    b_frequency: float
    b_recency: float
    samples: int

    def predict(self, *, frequency: int, recency_days: int | None) -> float:
        """Expected active days in the next 30, clamped to 0..30."""
        recency = RECENCY_CAP if recency_days is None else min(recency_days, RECENCY_CAP)
        value = self.intercept + self.b_frequency * frequency + self.b_recency * recency
        return round(max(0.0, min(float(WINDOW_DAYS), value)), 2)


# Used before the first fit, and when the history is too small or degenerate:
# "as many active days as in the last 30".
DEFAULT_FIT = Fit(intercept=0.0, b_frequency=1.0, b_recency=0.0, samples=0)


def least_squares(rows: Iterable[tuple[float, float, float]]) -> Fit | None:
    """Ordinary least squares of y on (x1, x2) with an intercept, closed form.

    ``rows`` are (x1 = frequency, x2 = capped recency, y = active days next).
    Solves the 3x3 normal equations by Cramer's rule from the running sums;
    None when there are fewer than 3 rows or the features are collinear.
    """
    n = s1 = s2 = sy = s11 = s12 = s22 = s1y = s2y = 0.0
    for x1, x2, y in rows:
        n += 1
        s1 += x1
        s2 += x2
        sy += y
        s11 += x1 * x1
        s12 += x1 * x2
        s22 += x2 * x2
        s1y += x1 * y
        s2y += x2 * y
    if n < 3:
        return None
    a = [[n, s1, s2], [s1, s11, s12], [s2, s12, s22]]
    b = [sy, s1y, s2y]
    det = _det3(a)
    if abs(det) < 1e-9 * max(1.0, n) ** 3:
        return None
    coefficients = []
    for column in range(3):
        m = [row[:] for row in a]
        for i in range(3):
            m[i][column] = b[i]
        coefficients.append(_det3(m) / det)
    return Fit(
        intercept=coefficients[0],
        b_frequency=coefficients[1],
        b_recency=coefficients[2],
        samples=int(n),
    )


def mean_absolute_error(fit: Fit, rows: Iterable[tuple[float, float, float]]) -> tuple[float, int]:
    total = 0.0
    count = 0
    for x1, x2, y in rows:
        total += abs(fit.predict(frequency=int(x1), recency_days=int(x2)) - y)
        count += 1
    return (total / count if count else 0.0), count


def _det3(m: list[list[float]]) -> float:
    return (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )
