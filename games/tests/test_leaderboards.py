"""Leaderboards: ordering, ties, period resets, both backends, rebuild, opt-out and the API."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from games.leaderboards import backends
from games.leaderboards.boards import Board, Period, ScoreChange, period_ends_at, period_key
from games.leaderboards.models import LeaderboardScore
from games.leaderboards.selectors import leaderboard_position, leaderboard_top
from games.leaderboards.services import (
    rating_changes,
    round_changes,
    scores_record,
    xp_changes,
)
from games.services import round_play
from tests.support.ledger import give_coins

NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


def record(changes) -> None:
    with transaction.atomic():
        scores_record(changes=changes)


def names(rows) -> list[tuple[str, int]]:
    return [(row["nickname"], row["score"]) for row in rows]


@pytest.fixture
def redis_prefix(settings):
    """A key prefix of the test's own, removed afterwards."""
    settings.LEADERBOARD_REDIS_PREFIX = f"lbtest-{uuid.uuid4().hex[:12]}"
    backends.redis_recovered()
    yield settings.LEADERBOARD_REDIS_PREFIX
    backend = backends.redis_backend()
    if backend is not None:
        for key in backend.client.scan_iter(match=f"{settings.LEADERBOARD_REDIS_PREFIX}:*"):
            backend.client.delete(key)


def redis_reader() -> backends.RedisBackend:
    backend = backends.redis_backend()
    assert backend is not None
    return backend


# --- ordering, ties, periods -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_net_winnings_add_up_and_biggest_win_keeps_the_largest(make_player):
    alice, bob = make_player("Alice"), make_player("Bob")

    for net in (50, -20, 200, 10):
        record(round_changes(player_id=alice.pk, net=net, at=NOON))
    record(round_changes(player_id=bob.pk, net=120, at=NOON))

    at = NOON
    assert names(leaderboard_top(board=Board.NET_WINNINGS, period=Period.DAILY, at=at)) == [
        ("Alice", 240),
        ("Bob", 120),
    ]
    assert names(leaderboard_top(board=Board.BIGGEST_WIN, period=Period.ALLTIME, at=at)) == [
        ("Alice", 200),
        ("Bob", 120),
    ]
    assert leaderboard_position(
        board=Board.BIGGEST_WIN, period=Period.WEEKLY, player_id=bob.pk, at=at
    ) == (2, 120)


@pytest.mark.django_db(transaction=True)
def test_losing_rounds_never_enter_the_biggest_win_board(make_player):
    alice = make_player("Alice")

    record(round_changes(player_id=alice.pk, net=-40, at=NOON))

    assert leaderboard_top(board=Board.BIGGEST_WIN, period=Period.DAILY, at=NOON) == []
    assert leaderboard_position(
        board=Board.NET_WINNINGS, period=Period.DAILY, player_id=alice.pk, at=NOON
    ) == (1, -40)


@pytest.mark.django_db(transaction=True)
def test_ties_go_to_the_lower_player_id(make_player):
    first, second, third = make_player("First"), make_player("Second"), make_player("Third")

    # Third reaches 100 before First: the tie still goes to the lower id.
    record(round_changes(player_id=third.pk, net=100, at=NOON))
    record(round_changes(player_id=second.pk, net=300, at=NOON))
    record(round_changes(player_id=first.pk, net=100, at=NOON))

    rows = leaderboard_top(board=Board.BIGGEST_WIN, period=Period.DAILY, at=NOON)
    assert names(rows) == [("Second", 300), ("First", 100), ("Third", 100)]
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert leaderboard_position(
        board=Board.BIGGEST_WIN, period=Period.DAILY, player_id=third.pk, at=NOON
    ) == (3, 100)


@pytest.mark.django_db(transaction=True)
def test_the_day_rolls_over_at_midnight_in_the_site_zone(settings, make_player):
    settings.TIME_ZONE = "Asia/Seoul"  # UTC+9: local midnight is 15:00 UTC
    alice = make_player("Alice")
    before = datetime(2026, 3, 4, 14, 59, tzinfo=UTC)  # 23:59 in Seoul, Wednesday
    after = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 00:00 Thursday in Seoul

    record(round_changes(player_id=alice.pk, net=70, at=before))
    record(round_changes(player_id=alice.pk, net=30, at=after))

    assert period_key(Period.DAILY, before) == "2026-03-04"
    assert period_key(Period.DAILY, after) == "2026-03-05"
    assert period_ends_at(Period.DAILY, before) == after
    daily = lambda at: names(leaderboard_top(board=Board.NET_WINNINGS, period=Period.DAILY, at=at))  # noqa: E731
    assert daily(before) == [("Alice", 70)]
    assert daily(after) == [("Alice", 30)]
    # Same ISO week: both count there.
    assert names(leaderboard_top(board=Board.NET_WINNINGS, period=Period.WEEKLY, at=after)) == [
        ("Alice", 100)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_week_resets_on_monday_in_the_site_zone(settings, make_player):
    settings.TIME_ZONE = "America/New_York"  # UTC-5 in March before DST
    alice = make_player("Alice")
    sunday_night = datetime(2026, 3, 2, 4, 59, tzinfo=UTC)  # Sun 1 Mar 23:59 local
    monday = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Mon 2 Mar 00:00 local

    record(round_changes(player_id=alice.pk, net=500, at=sunday_night))
    record(round_changes(player_id=alice.pk, net=5, at=monday))

    assert period_key(Period.WEEKLY, sunday_night) == "2026-W09"
    assert period_key(Period.WEEKLY, monday) == "2026-W10"
    assert period_ends_at(Period.WEEKLY, sunday_night) == monday
    weekly = lambda at: names(leaderboard_top(board=Board.BIGGEST_WIN, period=Period.WEEKLY, at=at))  # noqa: E731
    assert weekly(sunday_night) == [("Alice", 500)]
    assert weekly(monday) == [("Alice", 5)]
    assert names(leaderboard_top(board=Board.BIGGEST_WIN, period=Period.ALLTIME, at=monday)) == [
        ("Alice", 500)
    ]


@pytest.mark.django_db(transaction=True)
def test_xp_counts_gains_per_period_and_the_lifetime_total_all_time(make_player):
    alice, bob = make_player("Alice"), make_player("Bob")

    record(xp_changes(player_id=alice.pk, gained=30, total=1030, at=NOON))
    record(xp_changes(player_id=alice.pk, gained=20, total=1050, at=NOON))
    record(xp_changes(player_id=bob.pk, gained=90, total=90, at=NOON))

    assert names(leaderboard_top(board=Board.XP, period=Period.DAILY, at=NOON)) == [
        ("Bob", 90),
        ("Alice", 50),
    ]
    assert names(leaderboard_top(board=Board.XP, period=Period.ALLTIME, at=NOON)) == [
        ("Alice", 1050),
        ("Bob", 90),
    ]


@pytest.mark.django_db(transaction=True)
def test_rating_boards_show_the_period_peak_and_the_current_rating(make_player):
    alice = make_player("Alice")

    record(rating_changes(player_id=alice.pk, rating=1232, current=1232, at=NOON))
    record(rating_changes(player_id=alice.pk, rating=1215, current=1215, at=NOON))

    assert names(leaderboard_top(board=Board.RPS_RATING, period=Period.DAILY, at=NOON)) == [
        ("Alice", 1232)
    ]
    assert names(leaderboard_top(board=Board.RPS_RATING, period=Period.ALLTIME, at=NOON)) == [
        ("Alice", 1215)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_smaller_value_on_a_max_board_changes_nothing(make_player):
    alice = make_player("Alice")
    record(round_changes(player_id=alice.pk, net=90, at=NOON))
    before = LeaderboardScore.objects.get(
        board=Board.BIGGEST_WIN, period=Period.ALLTIME, player=alice
    )

    with transaction.atomic():
        stored = scores_record(changes=round_changes(player_id=alice.pk, net=10, at=NOON))

    after = LeaderboardScore.objects.get(pk=before.pk)
    assert (after.score, after.version) == (90, before.version)
    assert {row.board for row in stored} == {Board.NET_WINNINGS}


# --- both backends ---------------------------------------------------------------


def _random_changes(player_ids: list[int], seed: int) -> list[list[ScoreChange]]:
    rng = random.Random(seed)
    batches = []
    for _ in range(120):
        player_id = rng.choice(player_ids)
        # Few distinct values so that ties are common.
        at = NOON.replace(hour=rng.choice([1, 12, 23]), day=rng.choice([3, 4]))
        kind = rng.random()
        if kind < 0.6:
            batches.append(
                round_changes(player_id=player_id, net=rng.choice([-10, 0, 10, 20]), at=at)
            )
        elif kind < 0.8:
            gained = rng.choice([5, 10])
            batches.append(
                xp_changes(player_id=player_id, gained=gained, total=rng.choice([100, 200]), at=at)
            )
        else:
            rating = rng.choice([1184, 1200, 1216])
            batches.append(
                rating_changes(player_id=player_id, rating=rating, current=rating, at=at)
            )
    return batches


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_both_backends_give_identical_answers(make_player, redis_prefix):
    players = [make_player(f"P{n}") for n in range(8)]
    ids = [p.pk for p in players]
    for batch in _random_changes(ids, seed=6):
        record(batch)

    database, redis_side = backends.DatabaseBackend(), redis_reader()
    slots = set(LeaderboardScore.objects.values_list("board", "period", "period_key").distinct())
    assert len(slots) > 8
    for board, period, key in slots:
        assert redis_side.top(board, period, key, 100) == database.top(board, period, key, 100)
        assert redis_side.count(board, period, key) == database.count(board, period, key)
        for player_id in [*ids, 999_999]:
            assert redis_side.position(board, period, key, player_id) == database.position(
                board, period, key, player_id
            )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_reloads_a_lost_key_from_the_database(make_player, redis_prefix):
    alice, bob = make_player("Alice"), make_player("Bob")
    record(round_changes(player_id=alice.pk, net=40, at=NOON))
    record(round_changes(player_id=bob.pk, net=60, at=NOON))
    redis_side = redis_reader()
    key = period_key(Period.DAILY, NOON)

    # A Redis restart (no persistence) loses every key.
    for name in redis_side.client.scan_iter(match=f"{redis_prefix}:*"):
        redis_side.client.delete(name)
    record(round_changes(player_id=alice.pk, net=5, at=NOON))

    assert redis_side.top(Board.NET_WINNINGS, Period.DAILY, key, 10) == [
        backends.Entry(bob.pk, 60),
        backends.Entry(alice.pk, 45),
    ]


@pytest.mark.django_db(transaction=True)
def test_reads_fall_back_to_the_database_when_redis_is_down(settings, make_player):
    # A port nothing listens on: every Redis call fails fast.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.LEADERBOARD_REDIS_PREFIX = "lbtest-down"
    backends.redis_recovered()
    alice = make_player("Alice")
    try:
        record(round_changes(player_id=alice.pk, net=25, at=NOON))

        assert names(leaderboard_top(board=Board.NET_WINNINGS, period=Period.DAILY, at=NOON)) == [
            ("Alice", 25)
        ]
        assert LeaderboardScore.objects.filter(player=alice).count() == 6
    finally:
        backends.redis_recovered()


# --- rebuild ---------------------------------------------------------------------


def _scores() -> set[tuple]:
    return set(
        LeaderboardScore.objects.values_list("board", "period", "period_key", "player_id", "score")
    )


@pytest.mark.django_db(transaction=True)
def test_rebuild_reproduces_the_live_scores(make_player):
    from accounts.actions import action_record
    from economy.progression.services.xp import xp_grant
    from games.live_rps.models import LiveRating

    alice, bob = make_player("Alice"), make_player("Bob")
    for player in (alice, bob):
        give_coins(player, 5_000)
    for _ in range(15):
        round_play(player=alice, slug="slots", params={"bet_per_line": 5, "lines": 20})
        round_play(
            player=bob,
            slug="roulette",
            params={"bets": [{"type": "red", "value": None, "amount": 50}]},
        )
    # XP from another source than play: a grant and its XP_GAINED.
    xp_grant(player=alice, amount=40, source="ADJUSTMENT", reference="test")
    with transaction.atomic():
        LiveRating.objects.create(player=bob, rating=1216)
        action_record(
            player=bob,
            type="LIVE_MATCH_PLAYED",
            value=10,
            metadata={
                "match": 1,
                "stake": 10,
                "result": "win",
                "opponent": alice.pk,
                "rating": 1216,
            },
        )
    live = _scores()
    assert {row[0] for row in live} == set(Board.values)

    LeaderboardScore.objects.filter(board=Board.NET_WINNINGS).update(score=0)
    LeaderboardScore.objects.filter(board=Board.XP).delete()
    call_command("rebuild_leaderboards", verbosity=0)

    assert _scores() == live


# --- opt-out and the API ---------------------------------------------------------


@pytest.fixture
def board_with_bob_hidden(make_player):
    alice, bob = make_player("Alice"), make_player("Bob")
    bob.show_on_leaderboards = False
    bob.save(update_fields=["show_on_leaderboards"])
    now = datetime.now(UTC)
    record(round_changes(player_id=alice.pk, net=100, at=now))
    record(round_changes(player_id=bob.pk, net=300, at=now))
    return alice, bob


@pytest.mark.django_db(transaction=True)
def test_opted_out_players_appear_as_anonymous(api_client, board_with_bob_hidden):
    alice, bob = board_with_bob_hidden
    api_client.force_login(alice)

    body = api_client.get("/api/leaderboards/biggest_win?period=daily").json()

    assert body["rows"] == [
        {"rank": 1, "nickname": "Anonymous", "score": 300, "is_you": False},
        {"rank": 2, "nickname": "Alice", "score": 100, "is_you": True},
    ]
    assert body["me"] == {"rank": 2, "score": 100}
    assert "Bob" not in str(body) and str(bob.pk) not in [
        str(v) for r in body["rows"] for v in r.values()
    ]


@pytest.mark.django_db(transaction=True)
def test_an_opted_out_player_still_sees_their_own_row(api_client, board_with_bob_hidden):
    _alice, bob = board_with_bob_hidden
    api_client.force_login(bob)

    body = api_client.get("/api/leaderboards/biggest_win?period=weekly").json()

    assert body["rows"][0] == {"rank": 1, "nickname": "Bob", "score": 300, "is_you": True}
    assert body["me"] == {"rank": 1, "score": 300}


@pytest.mark.django_db
def test_the_api_answers_the_documented_shape(player_client, player):
    body = player_client.get("/api/leaderboards/net_winnings?period=alltime").json()

    assert body == {
        "board": "net_winnings",
        "period": "alltime",
        "period_key": "all",
        "resets_at": None,
        "rows": [],
        "me": {"rank": None, "score": None},
    }
    daily = player_client.get("/api/leaderboards/xp").json()
    assert daily["period"] == "daily" and daily["resets_at"]


@pytest.mark.django_db
def test_an_unknown_board_is_a_json_404(player_client):
    response = player_client.get("/api/leaderboards/richest?period=daily")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_board"


@pytest.mark.django_db
def test_a_bad_period_is_a_400(player_client):
    response = player_client.get("/api/leaderboards/xp?period=monthly")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_period"
    assert "period" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_leaderboards_need_a_signed_in_player(api_client):
    assert api_client.get("/api/leaderboards/xp").status_code == 401
