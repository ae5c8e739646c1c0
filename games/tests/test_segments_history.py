"""The segment job's one query gives what the plain per-window queries give.

``player_history`` reads every window in one pass (per player and site day,
then per player). Here it is checked against the direct definition, written
with the ORM one window at a time (``COUNT(DISTINCT day)`` per window,
``MAX`` before each cut-off, ``PERCENT_RANK()`` windows), on a random
population with rounds on both sides of every cut-off, at a run time that is
not midnight, in a site time zone that is not UTC; plus players who never
played, who only played long ago, who joined after a cut-off, who are
inactive or staff.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Q, Sum, Window
from django.db.models.functions import Coalesce, PercentRank, TruncDate
from django.utils import timezone

from accounts.models import User
from games.segments import rules
from games.segments.services import forecast_accuracy, history_rows, player_history
from tests.support.factories import PlayerFactory, add_rounds

pytestmark = pytest.mark.django_db
MONTH = timedelta(days=rules.WINDOW_DAYS)


def expected_history(at):
    """(frequency before ``at``, capped recency at ``at``, active days after) per player."""
    before = Q(game_rounds__created_at__gte=at - MONTH, game_rounds__created_at__lt=at)
    after = Q(game_rounds__created_at__gte=at, game_rounds__created_at__lt=at + MONTH)
    rows = (
        User.objects.filter(is_staff=False, created_at__lt=at)
        .annotate(
            last_round=Max("game_rounds__created_at", filter=Q(game_rounds__created_at__lt=at)),
            before=Count(TruncDate("game_rounds__created_at"), distinct=True, filter=before),
            after=Count(TruncDate("game_rounds__created_at"), distinct=True, filter=after),
        )
        .values_list("before", "last_round", "after")
    )
    return sorted(
        (
            before,
            rules.RECENCY_CAP if last is None else min((at - last).days, rules.RECENCY_CAP),
            after,
        )
        for before, last, after in rows
    )


def expected_scores(now):
    window = Q(game_rounds__created_at__gte=now - MONTH, game_rounds__created_at__lt=now)
    rows = (
        User.objects.filter(is_staff=False, is_active=True, created_at__lt=now)
        .annotate(
            last_round=Max("game_rounds__created_at", filter=Q(game_rounds__created_at__lt=now)),
            active_days=Count(TruncDate("game_rounds__created_at"), distinct=True, filter=window),
            wagered=Coalesce(Sum("game_rounds__wager", filter=window), 0),
        )
        .annotate(
            r_rank=Window(PercentRank(), order_by=F("last_round").asc(nulls_first=True)),
            f_rank=Window(PercentRank(), order_by=F("active_days").asc()),
            m_rank=Window(PercentRank(), order_by=F("wagered").asc()),
        )
        .values_list("id", "last_round", "active_days", "wagered", "r_rank", "f_rank", "m_rank")
    )
    return {
        player_id: (None if last is None else (now - last).days, days, coins, (r, f, m))
        for player_id, last, days, coins, r, f, m in rows
    }


def population(now, rng: random.Random) -> None:
    cuts = [now - n * MONTH for n in range(4)]
    for i in range(36):
        player = PlayerFactory(nickname=f"hist{i}")
        kind = i % 6
        if kind == 0:
            stamps = []  # never played
        elif kind == 1:  # only long ago: the newest round is found outside the windows
            stamps = [now - timedelta(days=rng.uniform(95, 200)) for _ in range(rng.randint(1, 4))]
        else:  # around every cut-off (a few hours either side) and anywhere in 120 days
            stamps = [cut + timedelta(hours=rng.uniform(-6, 6)) for cut in cuts[1:]]
            stamps += [now - timedelta(days=rng.uniform(0, 120)) for _ in range(rng.randint(3, 40))]
            stamps = [stamp for stamp in stamps if stamp < now] + [now + timedelta(hours=2)]
        if stamps:
            add_rounds(player, [(stamp, rng.randint(1, 50)) for stamp in stamps])
        joined = now - timedelta(days=rng.choice([150, 75, 45, 20, 3]))
        User.objects.filter(pk=player.pk).update(
            created_at=joined, is_active=i % 7 != 3, is_staff=i % 11 == 5
        )


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "America/New_York"])
def test_one_query_matches_the_definition(zone):
    now = timezone.now().replace(hour=15, minute=37)  # cut-offs fall inside site days
    population(now, random.Random(zone))
    with timezone.override(zone):
        history = player_history(now=now)
        for months_back in (1, 2):
            got = sorted(history_rows(history, months_back=months_back))
            assert got == expected_history(now - months_back * MONTH)
        scores = expected_scores(now)
    scored = {p.player_id: p for p in history if p.is_active and p.joined_before[0]}
    assert scored.keys() == scores.keys()
    for player_id, (recency, days, coins, ranks) in scores.items():
        player = scored[player_id]
        assert (player.recency, player.active_days[0], player.wagered) == (recency, days, coins)
        assert player.ranks == pytest.approx(ranks)
    assert any(p.recency is not None and p.recency > 90 for p in scored.values())


def test_accuracy_reports_the_held_out_month_next_to_the_baselines():
    now = timezone.now().replace(hour=15, minute=37)
    population(now, random.Random(5))
    accuracy = forecast_accuracy(now=now)
    history = player_history(now=now)
    held_out = list(history_rows(history, months_back=1))
    training = list(history_rows(history, months_back=2))
    fit = rules.least_squares(training)
    assert accuracy.fit == fit
    assert accuracy.samples == len(held_out)
    assert accuracy.mae == pytest.approx(rules.mean_absolute_error(fit, held_out)[0])
    naive = sum(abs(min(f, 30) - y) for f, _, y in held_out) / len(held_out)
    assert accuracy.naive_mae == pytest.approx(naive)
    mean = sum(y for _, _, y in training) / len(training)
    expected_mean_mae = sum(abs(round(mean, 2) - y) for _, _, y in held_out) / len(held_out)
    assert accuracy.mean_mae == pytest.approx(expected_mean_mae)
    assert any("held-out month" in line for line in accuracy.lines())


def test_the_command_prints_the_figures():
    now = timezone.now().replace(hour=15, minute=37, second=0, microsecond=0)
    population(now, random.Random(6))
    out = io.StringIO()
    call_command("forecast_accuracy", now=now.isoformat(), stdout=out)
    accuracy = forecast_accuracy(now=now)
    text = out.getvalue()
    assert f"{accuracy.mae:.3f} days" in text
    assert f"{accuracy.naive_mae:.3f} days" in text
    assert f"{accuracy.samples:,} players" in text


def test_the_command_refuses_a_bad_date_and_an_empty_history():
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("forecast_accuracy", now="last tuesday", stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(CommandError, match="no fit"):
        call_command("forecast_accuracy", stdout=out)
    assert "not enough history" in out.getvalue()
