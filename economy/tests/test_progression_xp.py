"""XP from play, the daily cap, levels, VIP tiers and streaks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.action_types import ActionType
from accounts.actions import actions_process
from accounts.models import Action, Notification, NotificationKind, SubscriberMark
from economy.models import LedgerKind, LedgerTransaction, PlayerProgress, VipTier, XpGrant, XpSource
from economy.progression import rules, selectors
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from tests.support.progression import round_action

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
NOON = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


def progress_of(player) -> PlayerProgress:
    return PlayerProgress.objects.get(player=player)


def test_level_curve_is_published_and_consistent():
    assert [rules.xp_for_level(level) for level in (1, 2, 3, 10, 50)] == [0, 100, 300, 4500, 122500]
    assert rules.level_for_xp(99) == 1
    assert rules.level_for_xp(100) == 2
    assert rules.level_for_xp(10**12) == rules.MAX_LEVEL
    assert rules.next_level_xp(rules.MAX_LEVEL) is None


def test_tier_needs_both_xp_and_days_played():
    assert rules.tier_for(xp=10**9, days_played=1) == VipTier.BRONZE
    assert rules.tier_for(xp=5_000, days_played=7) == VipTier.SILVER
    assert rules.tier_for(xp=300_000, days_played=179) == VipTier.PLATINUM
    assert rules.tier_for(xp=300_000, days_played=180) == VipTier.DIAMOND


def test_a_round_gives_xp_per_round_and_per_coins_wagered(
    player, django_capture_on_commit_callbacks
):
    round_action(django_capture_on_commit_callbacks, player, wager=100, at=NOON)

    progress = progress_of(player)
    assert progress.xp == rules.XP_PER_ROUND + 100 // rules.COINS_PER_WAGER_XP == 10
    grant = XpGrant.objects.get(player=player)
    assert (grant.source, grant.amount) == (XpSource.PLAY, 10)
    assert grant.reference == f"action:{Action.objects.get(type=ActionType.ROUND_PLAYED).pk}"
    # No second-generation action: the pass and the XP board read the grant.
    assert not Action.objects.filter(player=player, type=ActionType.XP_GAINED).exists()


def test_running_the_pipeline_again_changes_nothing(player, django_capture_on_commit_callbacks):
    round_action(django_capture_on_commit_callbacks, player, wager=100, at=NOON)
    before = (
        progress_of(player).xp,
        XpGrant.objects.count(),
        Action.objects.count(),
        SubscriberMark.objects.count(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert actions_process() == 0
        assert actions_process() == 0

    after = (
        progress_of(player).xp,
        XpGrant.objects.count(),
        Action.objects.count(),
        SubscriberMark.objects.count(),
    )
    assert after == before
    assert progress_of(player).days_played == 1


def test_play_xp_is_capped_per_local_day(player, django_capture_on_commit_callbacks):
    # 10,000 coins wagered = 5 + 500 XP per round; the third round meets the cap.
    for _ in range(3):
        round_action(django_capture_on_commit_callbacks, player, wager=10_000, at=NOON)
    assert progress_of(player).xp == rules.PLAY_XP_DAILY_CAP
    assert progress_of(player).play_xp_today == rules.PLAY_XP_DAILY_CAP

    round_action(
        django_capture_on_commit_callbacks, player, wager=1000, at=NOON + timedelta(hours=1)
    )
    assert progress_of(player).xp == rules.PLAY_XP_DAILY_CAP

    # The next local day starts a new allowance.
    round_action(
        django_capture_on_commit_callbacks, player, wager=1000, at=NOON + timedelta(days=1)
    )
    assert progress_of(player).xp == rules.PLAY_XP_DAILY_CAP + 55


def test_mission_and_pass_xp_are_not_capped(player, django_capture_on_commit_callbacks):
    for _ in range(3):
        round_action(django_capture_on_commit_callbacks, player, wager=10_000, at=NOON)
    with django_capture_on_commit_callbacks(execute=True):
        xp_grant(player=player, amount=200, source=XpSource.PASS, reference="pass:1:3")
        xp_grant(player=player, amount=200, source=XpSource.PASS, reference="pass:1:3")
    assert progress_of(player).xp == rules.PLAY_XP_DAILY_CAP + 200


def test_level_up_records_action_notification_and_reward(
    player, django_capture_on_commit_callbacks
):
    actions_process()  # the player's own signup grant, pending since the fixture
    balance = player_balance(player=player)
    with django_capture_on_commit_callbacks(execute=True):
        xp_grant(
            player=player,
            amount=rules.xp_for_level(5),
            source=XpSource.ADJUSTMENT,
            reference="test",
        )

    assert progress_of(player).level == 5
    levels = list(
        Action.objects.filter(player=player, type=ActionType.LEVEL_REACHED)
        .order_by("value")
        .values_list("value", flat=True)
    )
    assert levels == [2, 3, 4, 5]
    notice = Notification.objects.get(player=player, kind=NotificationKind.LEVEL_UP)
    assert "5" in notice.title
    reward = rules.level_reward_coins(5)
    assert reward == 100
    assert player_balance(player=player) == balance + reward
    assert LedgerTransaction.objects.filter(kind=LedgerKind.LEVEL_REWARD).count() == 1


def test_tier_up_needs_days_played_and_notifies(player, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        xp_grant(player=player, amount=6_000, source=XpSource.ADJUSTMENT, reference="a")
    assert selectors.vip_tier_for(player) == VipTier.BRONZE

    for day in range(7):
        round_action(django_capture_on_commit_callbacks, player, at=NOON + timedelta(days=day))

    assert progress_of(player).days_played == 7
    assert selectors.vip_tier_for(player) == VipTier.SILVER
    tier_action = Action.objects.get(player=player, type=ActionType.TIER_REACHED)
    assert tier_action.metadata == {"tier": VipTier.SILVER}
    assert Notification.objects.filter(player=player, kind=NotificationKind.TIER_UP).count() == 1


def test_streak_counts_consecutive_local_days(player, django_capture_on_commit_callbacks):
    player.time_zone = "Asia/Seoul"
    player.save()
    seoul = ZoneInfo("Asia/Seoul")
    day_one = datetime(2030, 3, 4, 23, 30, tzinfo=seoul)
    round_action(django_capture_on_commit_callbacks, player, at=day_one)
    round_action(django_capture_on_commit_callbacks, player, at=day_one + timedelta(minutes=40))
    round_action(django_capture_on_commit_callbacks, player, at=day_one + timedelta(minutes=50))

    progress = progress_of(player)
    assert (progress.streak_count, progress.days_played) == (2, 2)
    shown = selectors.streak_for(player=player, now=day_one + timedelta(days=1))
    assert shown["streak_count"] == 2
    # A missed day breaks it: shown as 0, and the next play starts again at 1.
    assert selectors.streak_for(player=player, now=day_one + timedelta(days=3))["streak_count"] == 0
    round_action(django_capture_on_commit_callbacks, player, at=day_one + timedelta(days=3))
    assert progress_of(player).streak_count == 1


def test_streak_survives_an_empty_or_failing_cache(
    player, django_capture_on_commit_callbacks, settings
):
    round_action(django_capture_on_commit_callbacks, player, at=timezone.now())
    from django.core.cache import cache

    cache.clear()
    assert selectors.streak_for(player=player)["streak_count"] == 1
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert selectors.streak_for(player=player)["streak_count"] == 1


def test_live_match_counts_as_play(player, django_capture_on_commit_callbacks):
    from tests.support.progression import deliver

    deliver(django_capture_on_commit_callbacks, player, "LIVE_MATCH_PLAYED", value=40, at=NOON)
    assert progress_of(player).xp == rules.XP_PER_LIVE_MATCH + 2
    assert progress_of(player).days_played == 1
