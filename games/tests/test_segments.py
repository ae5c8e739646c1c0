"""Segments: RFM quintiles on a population with known answers, heavy play, the job, the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from games.segments import rules
from games.segments.models import ForecastFit, PlayerSegment, Segment
from games.segments.services import segments_compute
from tests.support.factories import (
    MissionFactory,
    MissionTemplateFactory,
    PlayerFactory,
    add_rounds,
)

pytestmark = pytest.mark.django_db


def test_rfm_quintiles_on_a_known_population():
    """25 players: recency, frequency and coins are three different orders, so each
    score is checked independently; five players per quintile of each."""
    now = timezone.now()
    expected = {}
    for i in range(25):
        player = PlayerFactory(nickname=f"pop{i}")
        r_pos, f_pos = (i * 11) % 25, (i * 7) % 25
        days = 1 + f_pos  # active days in the last 30
        total = 1000 * (i + 1)  # coins wagered in the last 30 days
        last = now - timedelta(hours=25 - r_pos)  # the larger r_pos, the more recent
        stakes = [total // days] * days
        stakes[0] += total - sum(stakes)
        add_rounds(player, [(last - timedelta(days=d), stakes[d]) for d in range(days)])
        expected[player.pk] = (1 + r_pos // 5, 1 + f_pos // 5, 1 + i // 5, days, total)
    User.objects.filter(pk__in=expected).update(created_at=now - timedelta(days=60))

    written = segments_compute(now=now)

    assert written == 25
    for row in PlayerSegment.objects.filter(player_id__in=expected):
        r, f, m, days, total = expected[row.player_id]
        assert (row.r_score, row.f_score, row.m_score) == (r, f, m)
        assert (row.active_days, row.coins_wagered) == (days, total)
        assert row.segment == rules.segment_for(
            joined_days=60, recency_days=row.recency_days, r_score=r, f_score=f, m_score=m
        )
    assert PlayerSegment.objects.filter(segment=Segment.HIGH_ROLLER).exists()


def test_the_job_is_an_upsert_and_never_played_players_score_lowest():
    now = timezone.now()
    idle, active = PlayerFactory(nickname="idle"), PlayerFactory(nickname="busy")
    now = timezone.now()
    add_rounds(active, [(now - timedelta(days=1), 50)])
    segments_compute(now=now)
    segments_compute(now=now + timedelta(days=1))
    assert PlayerSegment.objects.filter(player=idle).count() == 1
    idle_row = PlayerSegment.objects.get(player=idle)
    assert (idle_row.r_score, idle_row.recency_days, idle_row.segment) == (1, None, Segment.NEW)
    assert PlayerSegment.objects.get(player=active).recency_days == 2


def test_heavy_play_reads_the_players_own_night():
    """25 rounds at 02:00 in Seoul is late-night play; the same UTC hour for a
    player in London is not."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    seoul, london = PlayerFactory(nickname="seoul"), PlayerFactory(nickname="london")
    User.objects.filter(pk=seoul.pk).update(time_zone="Asia/Seoul")
    User.objects.filter(pk=london.pk).update(time_zone="Europe/London")
    base = (now - timedelta(days=3)).replace(hour=17)  # 17:00 UTC = 02:00 in Seoul
    add_rounds(seoul, [(base + timedelta(seconds=s), 10) for s in range(25)])
    add_rounds(london, [(base + timedelta(seconds=s), 10) for s in range(25)])
    segments_compute(now=now)
    assert PlayerSegment.objects.get(player=seoul).heavy_play is True
    assert PlayerSegment.objects.get(player=london).heavy_play is False


def test_a_long_day_is_heavy_play():
    assert rules.heavy_play_for(rounds=300, night_rounds=0, busiest_day_rounds=300)
    assert not rules.heavy_play_for(rounds=299, night_rounds=0, busiest_day_rounds=299)
    assert not rules.heavy_play_for(rounds=100, night_rounds=19, busiest_day_rounds=50)
    assert not rules.heavy_play_for(rounds=100, night_rounds=25, busiest_day_rounds=50)
    assert rules.heavy_play_for(rounds=80, night_rounds=25, busiest_day_rounds=50)


@pytest.mark.parametrize(
    ("joined", "recency", "r", "f", "m", "segment"),
    [
        (3, 20, 1, 1, 5, Segment.NEW),  # New wins over everything
        (30, 14, 5, 5, 5, Segment.AT_RISK),  # lapsing wins over the scores
        (30, 13, 3, 3, 5, Segment.HIGH_ROLLER),
        (30, 1, 5, 2, 5, Segment.CASUAL),  # top coins but few days: not a high roller
        (30, 1, 4, 4, 1, Segment.ENGAGED),
        (30, 1, 3, 4, 1, Segment.CASUAL),
        (30, None, 1, 1, 1, Segment.CASUAL),  # never played, not new: Casual, not At risk
    ],
)
def test_segment_assignment_rules(joined, recency, r, f, m, segment):
    got = rules.segment_for(
        joined_days=joined, recency_days=recency, r_score=r, f_score=f, m_score=m
    )
    assert got == segment


def test_api_returns_only_the_callers_segment(client):
    now = timezone.now() + timedelta(minutes=1)
    alice, bob = PlayerFactory(nickname="alice"), PlayerFactory(nickname="bob")
    add_rounds(alice, [(now - timedelta(hours=h), 10) for h in (1, 2, 26)])
    add_rounds(bob, [(now - timedelta(hours=1), 999)])
    template = MissionTemplateFactory(type="LOGIN_DAYS")
    MissionFactory(player=alice, template=template)
    segments_compute(now=now)

    client.force_login(alice)
    body = client.get("/api/user-segments/me").json()

    row = PlayerSegment.objects.get(player=alice)
    assert body["segment"] == row.segment == Segment.NEW
    assert body["scores"] == {
        "recency": row.r_score,
        "frequency": row.f_score,
        "monetary": row.m_score,
    }
    assert body["coins_wagered_30"] == 30  # Alice's, not Bob's 999
    assert [m["title"] for m in body["recommended_missions"]] == [template.title]
    assert body["time_window"]["time_zone"] == "UTC"
    assert all(item["reason"] for item in body["recommendations"])
    # There is no path to another player's row.
    assert client.get(f"/api/user-segments/{bob.pk}").status_code == 404


def test_api_before_the_first_run_and_signed_out(client):
    assert client.get("/api/user-segments/me").status_code in (401, 403)
    client.force_login(PlayerFactory())
    body = client.get("/api/user-segments/me").json()
    assert body["segment"] is None and body["time_window"] is None


def test_moderators_see_segment_sizes_read_only(moderator_client):
    now = timezone.now() + timedelta(minutes=1)
    for i in range(3):
        PlayerFactory(nickname=f"size{i}")
    segments_compute(now=now)
    response = moderator_client.get("/admin/games/playersegment/")
    assert response.status_code == 200
    sizes = {row["segment"]: row["players"] for row in response.context["segment_sizes"]}
    assert sizes[Segment.NEW] == PlayerSegment.objects.filter(segment=Segment.NEW).count() >= 3
    assert 'data-testid="segment-sizes"' in response.content.decode()
    row = PlayerSegment.objects.first()
    assert moderator_client.post(f"/admin/games/playersegment/{row.pk}/delete/").status_code == 403


def test_players_cannot_open_the_segment_admin(client):
    client.force_login(PlayerFactory())
    assert client.get("/admin/games/playersegment/").status_code == 302


def test_the_job_refits_the_forecast_on_the_sites_history():
    """Four players whose next month repeats their last one: the stored fit is
    "the same days again", and a held-out error is measured."""
    now = timezone.now()
    players = [PlayerFactory(nickname=f"hist{i}") for i in range(4)]
    User.objects.filter(pk__in=[p.pk for p in players]).update(created_at=now - timedelta(days=120))
    # (active days, first day in the month): recency is not a linear function of days.
    for (days, offset), player in zip(((0, 0), (2, 3), (5, 1), (9, 10)), players, strict=True):
        stamps = []
        for month in (1, 2, 3):  # the same number of days in each of three months
            start = now - timedelta(days=30 * month - offset) + timedelta(hours=1)
            stamps += [(start + timedelta(days=d), 10) for d in range(days)]
        if stamps:
            add_rounds(player, stamps)
    segments_compute(now=now)
    fit = ForecastFit.objects.get()
    assert fit.samples == 4
    assert fit.b_frequency == pytest.approx(1.0, abs=1e-6)
    assert fit.holdout_samples == 4 and fit.holdout_mae == pytest.approx(0.0, abs=1e-6)
    assert PlayerSegment.objects.get(player=players[3]).forecast == pytest.approx(9.0, abs=0.01)


def test_beat_runs_the_job_at_two_utc():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="games.segments_compute")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("2", "0", "UTC")
    from casino_club.celery import app

    assert "games.segments_compute" in app.tasks
