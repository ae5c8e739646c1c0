"""Reads about progression: XP, tiers, streaks, missions and events.

Other apps use ``vip_tier_for`` (the shop gates tier-only items with it),
``events_active`` (the shop reads sale percentages) and ``progress_get``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import action_player_ids
from economy.models import (
    Event,
    MissionPeriod,
    PlayerMission,
    PlayerProgress,
    VipTier,
    XpGrant,
    XpSource,
)
from economy.progression import rules

logger = logging.getLogger(__name__)

STREAK_CACHE_SECONDS = 7 * 24 * 3600
ACTIVE_DAYS = 30


def streak_cache_key(player_id: int) -> str:
    return f"progression:streak:v1:{player_id}"


# --- progress --------------------------------------------------------------------------


def progress_get(*, player) -> PlayerProgress:
    """The player's progress, or an unsaved fresh one (level 1, Bronze) before any XP."""
    found = PlayerProgress.objects.filter(player=player).first()
    return found or PlayerProgress(player=player)


def vip_tier_for(player) -> str:
    """The player's VIP tier, a ``VipTier`` value ("BRONZE" ... "DIAMOND").

    Compare tiers with ``rules.tier_rank`` ("Gold or better"), not by name.
    """
    if player is None or not getattr(player, "is_authenticated", False):
        return VipTier.BRONZE
    tier = PlayerProgress.objects.filter(player=player).values_list("vip_tier", flat=True).first()
    return tier or VipTier.BRONZE


def daily_bonus_multiplier_for(player) -> Decimal:
    return rules.tier_rule(vip_tier_for(player)).daily_bonus_multiplier


def daily_bonus_amount(*, player, base: int) -> int:
    """A daily bonus step after the player's VIP perk (whole coins, rounded down)."""
    return rules.multiplied(base, daily_bonus_multiplier_for(player))


def streak_for(*, player, now: datetime | None = None) -> dict:
    """Consecutive local days played, as shown on the home page.

    Read from the cache (Redis when configured) and else from the database,
    which is the source of truth; a streak whose last day is before
    yesterday is shown as 0 (it is broken, the next play starts it at 1).
    """
    now = now or timezone.now()
    key = streak_cache_key(player.pk)
    data = None
    try:
        data = cache.get(key)
    except Exception:
        logger.warning("streak cache read failed", exc_info=True)
    if data is None:
        progress = progress_get(player=player)
        data = {
            "streak_count": progress.streak_count,
            "last_action_ts": progress.last_action_ts.isoformat()
            if progress.last_action_ts
            else None,
        }
        try:
            cache.set(key, data, STREAK_CACHE_SECONDS)
        except Exception:
            logger.warning("streak cache write failed", exc_info=True)
    last = datetime.fromisoformat(data["last_action_ts"]) if data["last_action_ts"] else None
    count = streak_shown(player=player, count=data["streak_count"], last=last, now=now)
    return {"streak_count": count, "last_action_ts": last}


def streak_shown(*, player, count: int, last: datetime | None, now: datetime) -> int:
    """The streak as shown at ``now``: 0 once its last day is before yesterday (broken)."""
    if last is None or player.local_date(last) < player.local_date(now) - timedelta(days=1):
        return 0
    return count


def level_bar(*, progress: PlayerProgress) -> dict:
    """Where the player is between this level and the next (for an XP bar)."""
    start = rules.xp_for_level(progress.level)
    end = rules.next_level_xp(progress.level)
    if end is None:
        return {"start": start, "end": start, "into": 0, "needed": 0, "percent": 100}
    into = progress.xp - start
    return {
        "start": start,
        "end": end,
        "into": into,
        "needed": end - progress.xp,
        "percent": min(100, into * 100 // (end - start)),
    }


def progression_rules() -> dict:
    """The published numbers (GET /api/progression)."""
    return {
        "levels": [
            {
                "level": level,
                "xp": rules.xp_for_level(level),
                "reward_coins": rules.level_reward_coins(level),
            }
            for level in range(1, rules.MAX_LEVEL + 1)
        ],
        "tiers": [
            {
                "tier": rule.tier,
                "label": rule.label,
                "min_xp": rule.min_xp,
                "min_days_played": rule.min_days_played,
                "daily_bonus_multiplier": str(rule.daily_bonus_multiplier),
            }
            for rule in rules.TIERS
        ],
        "xp_rules": {
            "xp_per_round": rules.XP_PER_ROUND,
            "coins_per_wager_xp": rules.COINS_PER_WAGER_XP,
            "xp_per_live_match": rules.XP_PER_LIVE_MATCH,
            "play_xp_daily_cap": rules.PLAY_XP_DAILY_CAP,
            "max_level": rules.MAX_LEVEL,
        },
    }


# --- periods ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    period: str
    start_date: date
    starts_at: datetime
    ends_at: datetime


def period_window(*, player, period: str, now: datetime) -> Window:
    """The player's current day or week (Monday to Sunday) in their own time zone."""
    today = player.local_date(now)
    if period == MissionPeriod.DAILY:
        first, days = today, 1
    else:
        first, days = today - timedelta(days=today.weekday()), 7
    zone = player.zone
    starts_at = datetime.combine(first, time.min, tzinfo=zone)
    ends_at = datetime.combine(first + timedelta(days=days), time.min, tzinfo=zone)
    return Window(period=period, start_date=first, starts_at=starts_at, ends_at=ends_at)


# --- missions ----------------------------------------------------------------------------


def missions_for(*, player, now: datetime | None = None) -> QuerySet[PlayerMission]:
    """The player's current missions plus completed, unclaimed ones of ended periods."""
    from django.db.models import Q

    now = now or timezone.now()
    current = Q(starts_at__lte=now, ends_at__gt=now)
    waiting = Q(ends_at__lte=now, completed_at__isnull=False, claimed_at__isnull=True)
    return (
        PlayerMission.objects.filter(player=player)
        .filter(current | waiting)
        .select_related("template")
        .order_by("-period", "ends_at", "template__position", "id")
    )


def mission_get(*, player, mission_id: int) -> PlayerMission | None:
    return (
        PlayerMission.objects.filter(player=player, pk=mission_id)
        .select_related("template")
        .first()
    )


# --- events -----------------------------------------------------------------------------


def events_active(now: datetime | None = None) -> QuerySet[Event]:
    """Events running at ``now`` (start inclusive, end exclusive), ending soonest first."""
    now = now or timezone.now()
    return Event.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at", "id")


def events_upcoming(now: datetime | None = None, *, within: timedelta = timedelta(days=30)):
    now = now or timezone.now()
    return Event.objects.filter(starts_at__gt=now, starts_at__lte=now + within).order_by(
        "starts_at", "id"
    )


@dataclass(frozen=True)
class Boosts:
    xp_multiplier: Decimal = Decimal("1.00")
    mission_reward_multiplier: Decimal = Decimal("1.00")
    shop_discount_percent: int = 0


def boosts_at(now: datetime | None = None) -> Boosts:
    """What the events running at ``now`` add; overlapping events never stack (highest wins)."""
    return boosts_from(list(events_active(now)), now)


def events_overlapping(*, start: datetime, end: datetime) -> QuerySet[Event]:
    """Events running at some moment of [start, end] (for a batch of plays)."""
    return Event.objects.filter(starts_at__lte=end, ends_at__gt=start)


def boosts_from(events: list[Event], at: datetime | None) -> Boosts:
    """:func:`boosts_at` over events already read: those of ``events`` running at ``at``."""
    if at is not None:
        events = [event for event in events if event.starts_at <= at < event.ends_at]
    if not events:
        return Boosts()
    return Boosts(
        xp_multiplier=max(event.xp_multiplier for event in events),
        mission_reward_multiplier=max(event.mission_reward_multiplier for event in events),
        shop_discount_percent=max(event.shop_discount_percent for event in events),
    )


def active_players(*, now: datetime) -> QuerySet[User]:
    """Players with an action in the last ``ACTIVE_DAYS`` (roll-overs and announcements)."""
    recent = action_player_ids(since=now - timedelta(days=ACTIVE_DAYS))
    return User.objects.filter(is_active=True, pk__in=recent)


# --- for other apps' subscribers and rebuilds -------------------------------------------


def play_xp_granted(*, actions) -> dict[int, int]:
    """XP that ``progression.play`` granted for each of these round/match actions, by action id.

    Read by subscribers that run after it in the same pipeline run (the XP
    board); one query on the grants' unique (player, source, reference) index.
    """
    if not actions:
        return {}
    references = {f"action:{action.pk}": action.pk for action in actions}
    rows = XpGrant.objects.filter(
        player_id__in={action.player_id for action in actions},
        source=XpSource.PLAY,
        reference__in=list(references),
    ).values_list("reference", "amount")
    return {references[reference]: amount for reference, amount in rows}


def xp_totals(*, player_ids) -> dict[int, int]:
    """Lifetime XP of these players."""
    return dict(
        PlayerProgress.objects.filter(player_id__in=list(player_ids)).values_list("player_id", "xp")
    )


def xp_totals_all() -> dict[int, int]:
    """Lifetime XP of every player with any (rebuilds)."""
    return dict(PlayerProgress.objects.filter(xp__gt=0).values_list("player_id", "xp"))


def xp_grant_history():
    """Every XP grant as (player id, amount, time), oldest first, streamed (rebuilds)."""
    rows = XpGrant.objects.order_by("pk").values_list("player_id", "amount", "created_at")
    yield from rows.iterator(chunk_size=5000)
