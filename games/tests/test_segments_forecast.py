"""The engagement forecast: least squares recovers a known generating process."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from games.segments import rules
from games.segments.models import ForecastFit
from games.segments.services import forecast_refit


def synthetic(n: int, *, seed: int, noise: float):
    """y = 1.5 + 0.7 * frequency - 0.2 * recency + gaussian noise."""
    rng = random.Random(seed)
    for _ in range(n):
        frequency = rng.randint(0, 30)
        recency = rng.randint(0, 30)
        yield frequency, recency, 1.5 + 0.7 * frequency - 0.2 * recency + rng.gauss(0, noise)


def test_the_fit_recovers_the_coefficients():
    fit = rules.least_squares(synthetic(5000, seed=7, noise=1.0))
    assert fit is not None
    assert fit.intercept == pytest.approx(1.5, abs=0.15)
    assert fit.b_frequency == pytest.approx(0.7, abs=0.01)
    assert fit.b_recency == pytest.approx(-0.2, abs=0.01)
    assert fit.samples == 5000


def test_an_exact_process_is_recovered_exactly():
    fit = rules.least_squares(synthetic(50, seed=1, noise=0.0))
    assert (fit.intercept, fit.b_frequency, fit.b_recency) == pytest.approx((1.5, 0.7, -0.2))


def test_held_out_error_is_small_on_the_same_process():
    fit = rules.least_squares(synthetic(2000, seed=3, noise=1.0))
    mae, count = rules.mean_absolute_error(fit, synthetic(1000, seed=4, noise=1.0))
    assert count == 1000
    assert mae < 1.0  # the noise's own mean absolute value is 0.8


def test_degenerate_history_gives_no_fit():
    assert rules.least_squares([]) is None
    assert rules.least_squares([(1, 1, 1)] * 10) is None  # every row the same


def test_predictions_stay_within_the_horizon():
    fit = rules.Fit(intercept=5, b_frequency=2, b_recency=0, samples=1)
    assert fit.predict(frequency=30, recency_days=0) == 30
    assert rules.Fit(-9, 0, 0, 1).predict(frequency=0, recency_days=None) == 0


@pytest.mark.django_db
def test_refit_without_history_keeps_the_default():
    assert forecast_refit(now=timezone.now() + timedelta(days=1)) == rules.DEFAULT_FIT
    assert not ForecastFit.objects.exists()
