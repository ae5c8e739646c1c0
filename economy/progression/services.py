"""Writes of progression: XP and levels, VIP tiers, streaks, missions, events.

Every XP grant records an ``XP_GAINED`` action in the same transaction
(leaderboards subscribe to it); level-ups and tier-ups record
``LEVEL_REACHED`` / ``TIER_REACHED`` and notify the player. Coins paid here
(level and mission rewards) come from the mint through the ledger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import action_record
from accounts.models import Action, NotificationKind, User
from accounts.notifications import notification_send, site_push
from casino_club.errors import Conflict, NotFound
from economy.models import (
    GAME_FILTERED_TYPES,
    Event,
    LedgerKind,
    MissionPeriod,
    MissionTemplate,
    MissionType,
    PlayerMission,
    PlayerProgress,
    XpGrant,
    XpSource,
)
from economy.progression import rules
from economy.progression.selectors import (
    STREAK_CACHE_SECONDS,
    boosts_at,
    mission_get,
    missions_for,
    period_window,
    streak_cache_key,
)
from economy.services.ledger import MINT, ledger_transfer, player_account, system_account

logger = logging.getLogger(__name__)

XP_GAINED = "XP_GAINED"
LEVEL_REACHED = "LEVEL_REACHED"
TIER_REACHED = "TIER_REACHED"
MISSION_CLAIMED = "MISSION_CLAIMED"
# Action types recorded elsewhere that progression reacts to (strings, so
# economy never imports games).
ROUND_PLAYED = "ROUND_PLAYED"
LIVE_MATCH_PLAYED = "LIVE_MATCH_PLAYED"
LIVE_MATCH_WON = "LIVE_MATCH_WON"
DAILY_BONUS_CLAIMED = "DAILY_BONUS_CLAIMED"
LOGGED_IN = "LOGGED_IN"

ACTIVE_DAYS = 30
LEVEL_REWARD_SCOPE = "level_reward"
MISSION_CLAIM_SCOPE = "mission_claim"


class MissionNotCompleted(Conflict):
    code = "mission_not_completed"
    default_message = "This mission is not completed yet."


class MissionAlreadyClaimed(Conflict):
    code = "mission_already_claimed"
    default_message = "This mission's reward was already claimed."


# --- XP, levels and tiers ----------------------------------------------------------------


def _progress_locked(player: User) -> PlayerProgress:
    """The player's progress row, locked until the caller's transaction ends.

    Every change to XP, level, tier or streak goes through this lock, so two
    grants at once cannot both read the old total and lose one.
    """
    PlayerProgress.objects.get_or_create(player=player)
    return PlayerProgress.objects.select_for_update().get(player=player)


def xp_grant(
    *,
    player: User,
    amount: int,
    source: str,
    reference: str,
    now: datetime | None = None,
) -> XpGrant | None:
    """Give ``amount`` XP once per (source, reference); None if nothing was given.

    For other features (the season pass: ``source=XpSource.PASS``). A repeat
    with the same reference returns the first grant without giving XP again.
    Applies level-ups and tier-ups and records ``XP_GAINED``.
    """
    if source not in XpSource.values:
        raise ValueError(f"unknown XP source {source!r}")
    if amount <= 0:
        return None
    with transaction.atomic():
        progress = _progress_locked(player)
        return _grant(progress=progress, amount=amount, source=source, reference=reference, now=now)


def _grant(
    *, progress: PlayerProgress, amount: int, source: str, reference: str, now: datetime | None
) -> XpGrant | None:
    """Under the progress lock: write the grant, raise the total, level up."""
    now = now or timezone.now()
    player = progress.player
    earlier = XpGrant.objects.filter(player=player, source=source, reference=reference).first()
    if earlier is not None:
        return earlier
    if amount <= 0:
        return None
    grant = XpGrant.objects.create(
        player=player, amount=amount, source=source, reference=reference, created_at=now
    )
    progress.xp += amount
    progress.updated_at = now
    progress.save(update_fields=["xp", "updated_at"])
    action_record(
        player=player,
        type=XP_GAINED,
        value=amount,
        metadata={"total": progress.xp, "source": source, "reference": reference},
    )
    _levels_and_tier(progress=progress, now=now)
    return grant


def _levels_and_tier(*, progress: PlayerProgress, now: datetime) -> None:
    """Under the progress lock: record level-ups (with rewards) and a tier-up."""
    player = progress.player
    new_level, old_level = rules.level_for_xp(progress.xp), progress.level
    if new_level > old_level:
        reward = 0
        for level in range(old_level + 1, new_level + 1):
            action_record(player=player, type=LEVEL_REACHED, value=level)
            coins = rules.level_reward_coins(level)
            if coins:
                ledger_transfer(
                    source=system_account(code=MINT),
                    destination=player_account(player=player),
                    amount=coins,
                    kind=LedgerKind.LEVEL_REWARD,
                    reference=f"level:{level}",
                    idempotency_scope=LEVEL_REWARD_SCOPE,
                    idempotency_key=f"{player.pk}:{level}",
                )
                reward += coins
        progress.level = new_level
        progress.save(update_fields=["level"])
        body = _("Keep playing for fun, and remember to take breaks.")
        if reward:
            body = _("You received %(coins)s coins as a level reward.") % {"coins": reward}
        # One notification for a jump of several levels; one action per level.
        notification_send(
            player=player,
            kind=NotificationKind.LEVEL_UP,
            title=_("You reached level %(level)s") % {"level": new_level},
            body=body,
            url="/profile/",
            data={"level": new_level},
        )
    _tier_check(progress=progress)


def _tier_check(*, progress: PlayerProgress) -> None:
    reached = rules.tier_for(xp=progress.xp, days_played=progress.days_played)
    # Tiers never go down: lifetime XP and days played only grow.
    if rules.tier_rank(reached) <= rules.tier_rank(progress.vip_tier):
        return
    progress.vip_tier = reached
    progress.save(update_fields=["vip_tier"])
    rule = rules.tier_rule(reached)
    action_record(
        player=progress.player,
        type=TIER_REACHED,
        value=rules.tier_rank(reached),
        metadata={"tier": reached},
    )
    notification_send(
        player=progress.player,
        kind=NotificationKind.TIER_UP,
        title=_("Welcome to VIP %(tier)s") % {"tier": rule.label},
        body=_(
            "Your daily bonus is now multiplied by %(multiplier)s "
            "and %(tier)s items open in the shop."
        )
        % {"multiplier": rule.daily_bonus_multiplier, "tier": rule.label},
        url="/profile/",
        data={"tier": reached},
    )


def play_record(
    *, player: User, wager: int, base_xp: int, reference: str, at: datetime
) -> XpGrant | None:
    """Count one round or match: days played, streak, then capped play XP.

    ``at`` is when the play happened (the action's time), so a re-delivered
    action counts on its own day. The cap counts XP before event
    multipliers; an event multiplies what is granted within the cap.
    """
    with transaction.atomic():
        progress = _progress_locked(player)
        day = player.local_date(at)
        _streak_step(progress=progress, day=day, at=at)
        if progress.play_xp_date != day:
            progress.play_xp_date, progress.play_xp_today = day, 0
        allowed = max(
            0,
            min(
                rules.play_xp_for(wager=wager, base=base_xp),
                rules.PLAY_XP_DAILY_CAP - progress.play_xp_today,
            ),
        )
        progress.play_xp_today += allowed
        progress.save(
            update_fields=[
                "days_played",
                "last_played_date",
                "streak_count",
                "last_action_ts",
                "play_xp_today",
                "play_xp_date",
            ]
        )
        amount = rules.multiplied(allowed, boosts_at(at).xp_multiplier)
        grant = _grant(
            progress=progress, amount=amount, source=XpSource.PLAY, reference=reference, now=at
        )
        # Days played may open a tier even when the XP cap gave nothing.
        _tier_check(progress=progress)
    return grant


def _streak_step(*, progress: PlayerProgress, day, at: datetime) -> None:
    if progress.last_action_ts is None or at > progress.last_action_ts:
        progress.last_action_ts = at
    last = progress.last_played_date
    if last is not None and day <= last:
        return
    progress.days_played += 1
    progress.streak_count = progress.streak_count + 1 if last == day - timedelta(days=1) else 1
    progress.last_played_date = day
    data = {
        "streak_count": progress.streak_count,
        "last_action_ts": progress.last_action_ts.isoformat(),
    }
    key = streak_cache_key(progress.player_id)
    transaction.on_commit(lambda: _cache_set(key, data))


def _cache_set(key: str, data: dict) -> None:
    # The cache only speeds up reads; the database row stays the truth.
    try:
        cache.set(key, data, STREAK_CACHE_SECONDS)
    except Exception:
        logger.warning("streak cache write failed", exc_info=True)


# --- missions -------------------------------------------------------------------------------


def missions_assign(*, player: User, now: datetime | None = None) -> int:
    """Give the player this day's and this week's missions if they lack them.

    Every active template of a period becomes one mission. Safe to call on
    every read and from the roll-over job at once: the unique constraint
    turns a race into a no-op. Returns the number of missions created.
    """
    now = now or timezone.now()
    created = 0
    templates = list(MissionTemplate.objects.filter(is_active=True))
    for period in MissionPeriod.values:
        window = period_window(player=player, period=period, now=now)
        wanted = [template for template in templates if template.period == period]
        have = set(
            PlayerMission.objects.filter(
                player=player, period_start=window.start_date, template__in=wanted
            ).values_list("template_id", flat=True)
        )
        rows = [
            PlayerMission(
                player=player,
                template=template,
                period=period,
                period_start=window.start_date,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                target=template.target,
                reward_coins=template.reward_coins,
                reward_xp=template.reward_xp,
                created_at=now,
            )
            for template in wanted
            if template.pk not in have
        ]
        if rows:
            PlayerMission.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows)
    return created


def missions_current(*, player: User, now: datetime | None = None) -> list[PlayerMission]:
    """What the hub and ``GET /api/missions/`` show: assign lazily, settle breaks, list."""
    now = now or timezone.now()
    missions_assign(player=player, now=now)
    missions = list(missions_for(player=player, now=now))
    for mission in missions:
        if mission.template.type == MissionType.TAKE_BREAK and mission.completed_at is None:
            break_evaluate(mission=mission, now=now)
    return missions


def _complete(mission: PlayerMission, now: datetime) -> None:
    """Mark done and tell the player; callers hold the row lock, so this runs once."""
    mission.completed_at = now
    notification_send(
        player=mission.player,
        kind=NotificationKind.MISSION_COMPLETED,
        title=_("Mission complete: %(title)s") % {"title": mission.template.title},
        body=_("Claim your reward on the missions page."),
        url="/missions/",
        data={"mission": mission.pk},
    )


def _progress_for(action: Action, mission_type: str, game: str) -> int:
    """How far one action moves a mission of this type (0 when it does not count)."""
    meta = action.metadata or {}
    if mission_type in GAME_FILTERED_TYPES:
        if action.type != ROUND_PLAYED or (game and meta.get("game") != game):
            return 0
        if mission_type == MissionType.PLAY_ROUNDS:
            return 1
        if mission_type == MissionType.WIN_ROUNDS:
            return int(meta.get("payout", 0) > meta.get("wager", 0))
        return max(int(meta.get("wager", action.value)), 0)
    if mission_type == MissionType.CLAIM_DAILY_BONUS:
        return int(action.type == DAILY_BONUS_CLAIMED)
    if mission_type == MissionType.WIN_LIVE_MATCH:
        return int(action.type == LIVE_MATCH_WON)
    return 0


TYPES_BY_ACTION = {
    ROUND_PLAYED: list(GAME_FILTERED_TYPES),
    DAILY_BONUS_CLAIMED: [MissionType.CLAIM_DAILY_BONUS],
    LIVE_MATCH_WON: [MissionType.WIN_LIVE_MATCH],
    LOGGED_IN: [MissionType.LOGIN_DAYS],
}


def missions_progress(*, action: Action) -> int:
    """Move the player's open missions whose period contains the action.

    Returns how many missions completed. Exactly-once comes from the
    caller's action receipt; the row locks keep two actions at once from
    losing an increment. The action's own time decides its period, so a
    late re-delivery counts where it happened.
    """
    types = TYPES_BY_ACTION.get(action.type)
    if not types:
        return 0
    player = action.player
    now = action.created_at
    completed = 0
    with transaction.atomic():
        missions_assign(player=player, now=now)
        open_missions = (
            PlayerMission.objects.select_for_update(of=("self",))
            .filter(
                player=player,
                completed_at__isnull=True,
                starts_at__lte=action.created_at,
                ends_at__gt=action.created_at,
                template__type__in=types,
            )
            .select_related("template", "player")
            .order_by("pk")
        )
        for mission in open_missions:
            if mission.template.type == MissionType.LOGIN_DAYS:
                days = set(mission.state.get("days", []))
                days.add(player.local_date(action.created_at).isoformat())
                mission.state = {"days": sorted(days)}
                step = len(days) - mission.progress
            else:
                step = _progress_for(action, mission.template.type, mission.template.game)
            if step <= 0:
                continue
            mission.progress = min(mission.target, mission.progress + step)
            if mission.progress >= mission.target:
                _complete(mission, now)
                completed += 1
            mission.save(update_fields=["progress", "state", "completed_at"])
    return completed


def longest_break_seconds(*, mission: PlayerMission, now: datetime) -> float:
    """The longest stretch without a round since the player's first round of the period."""
    end = min(now, mission.ends_at)
    if end <= mission.starts_at:
        return 0.0
    moments = list(
        Action.objects.filter(
            player_id=mission.player_id,
            type=ROUND_PLAYED,
            created_at__gte=mission.starts_at,
            created_at__lt=end,
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if not moments:
        # A break is time away after playing: a player who has not played in
        # this period has nothing to take a break from (else every new player
        # would complete it on sight).
        return 0.0
    edges = [*moments, end]
    return max((later - earlier).total_seconds() for earlier, later in pairwise(edges))


def break_evaluate(*, mission: PlayerMission, now: datetime | None = None) -> bool:
    """Complete a take-a-break mission once its stretch has passed; True if it completed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            PlayerMission.objects.select_for_update(of=("self",))
            .select_related("template", "player")
            .get(pk=mission.pk)
        )
        if locked.completed_at is not None:
            mission.completed_at, mission.progress = locked.completed_at, locked.progress
            return False
        hours = int(longest_break_seconds(mission=locked, now=now) // 3600)
        locked.progress = min(locked.target, hours)
        done = locked.progress >= locked.target
        if done:
            _complete(locked, now)
        locked.save(update_fields=["progress", "completed_at"])
    mission.progress, mission.completed_at = locked.progress, locked.completed_at
    return done


@dataclass(frozen=True)
class MissionClaimResult:
    mission: PlayerMission
    coins: int
    xp: int
    balance: int


def mission_claim(
    *, player: User, mission_id: int, now: datetime | None = None
) -> MissionClaimResult:
    """Pay a completed mission's reward, once.

    Raises ``NotFound`` (unknown or someone else's), ``MissionNotCompleted``
    or ``MissionAlreadyClaimed``. An event's mission bonus at the moment of
    the claim multiplies coins and XP.
    """
    now = now or timezone.now()
    if mission_get(player=player, mission_id=mission_id) is None:
        raise NotFound(_("No such mission."))
    mission = PlayerMission.objects.select_related("template").get(pk=mission_id)
    if mission.template.type == MissionType.TAKE_BREAK and mission.completed_at is None:
        break_evaluate(mission=mission, now=now)
    with transaction.atomic():
        # The row lock makes concurrent claims take turns: the second one
        # sees claimed_at set and pays nothing. The ledger's idempotency key
        # is the backstop should the lock ever be bypassed.
        mission = (
            PlayerMission.objects.select_for_update(of=("self",))
            .select_related("template")
            .get(pk=mission_id, player=player)
        )
        if mission.claimed_at is not None:
            raise MissionAlreadyClaimed()
        if mission.completed_at is None:
            raise MissionNotCompleted(
                fields={"progress": [f"{mission.progress} of {mission.target}"]}
            )
        bonus = boosts_at(now).mission_reward_multiplier
        coins = rules.multiplied(mission.reward_coins, bonus)
        xp = rules.multiplied(mission.reward_xp, bonus)
        account = player_account(player=player)
        if coins:
            txn = ledger_transfer(
                source=system_account(code=MINT),
                destination=account,
                amount=coins,
                kind=LedgerKind.MISSION_REWARD,
                reference=f"mission:{mission.pk}",
                idempotency_scope=MISSION_CLAIM_SCOPE,
                idempotency_key=str(mission.pk),
            )
            mission.transaction = txn
        mission.claimed_at = now
        mission.paid_coins, mission.paid_xp = coins, xp
        mission.save(update_fields=["claimed_at", "paid_coins", "paid_xp", "transaction"])
        if xp:
            xp_grant(
                player=player,
                amount=xp,
                source=XpSource.MISSION,
                reference=f"mission:{mission.pk}",
                now=now,
            )
        action_record(
            player=player,
            type=MISSION_CLAIMED,
            value=coins,
            metadata={
                "mission": mission.pk,
                "template": mission.template.code,
                "period": mission.period,
                "xp": xp,
            },
        )
        account.refresh_from_db(fields=["balance"])
    return MissionClaimResult(mission=mission, coins=coins, xp=xp, balance=account.balance)


def _active_players(now: datetime):
    recent = Action.objects.filter(created_at__gte=now - timedelta(days=ACTIVE_DAYS))
    return User.objects.filter(is_active=True, pk__in=recent.values("player_id"))


def missions_roll_over(*, now: datetime | None = None) -> dict:
    """The hourly job: new missions at each player's local midnight, and breaks.

    A player is rolled over when the job runs in the first hour of their
    local day (every UTC offset is a multiple of 15 minutes, so an hourly run
    at :00 UTC lands in that hour exactly once). Players not rolled over here
    (inactive, or the job was down) get theirs lazily on their next visit.
    """
    now = now or timezone.now()
    players = _active_players(now)
    zones = players.values_list("time_zone", flat=True).distinct()
    at_midnight = [zone for zone in zones if _local_hour(zone, now) == 0]
    assigned = 0
    for player in players.filter(time_zone__in=at_midnight).iterator(chunk_size=500):
        try:
            assigned += missions_assign(player=player, now=now)
        except IntegrityError:
            logger.warning("mission assignment raced for player %s", player.pk)
    breaks = 0
    open_breaks = PlayerMission.objects.filter(
        template__type=MissionType.TAKE_BREAK,
        completed_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now - timedelta(days=1),
    ).select_related("player", "template")
    for mission in open_breaks.iterator(chunk_size=500):
        breaks += break_evaluate(mission=mission, now=now)
    return {"assigned": assigned, "breaks_completed": breaks}


def _local_hour(zone_name: str, now: datetime) -> int:
    import zoneinfo

    try:
        return timezone.localtime(now, zoneinfo.ZoneInfo(zone_name)).hour
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return -1


# --- events ----------------------------------------------------------------------------------


def events_announce(*, now: datetime | None = None) -> int:
    """The every-minute job: announce each started event once.

    Compare-and-swap on ``announced_at``: with two beat runs or workers at
    once, only the one that flips it pushes and notifies.
    """
    now = now or timezone.now()
    announced = 0
    due = Event.objects.filter(announced_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    for event in due:
        if not Event.objects.filter(pk=event.pk, announced_at__isnull=True).update(
            announced_at=now
        ):
            continue
        site_push(
            {
                "type": "event.started",
                "id": event.pk,
                "name": event.name,
                "description": event.description,
                "starts_at": event.starts_at.isoformat(),
                "ends_at": event.ends_at.isoformat(),
            }
        )
        for player in _active_players(now).iterator(chunk_size=1000):
            notification_send(
                player=player,
                kind=NotificationKind.EVENT_STARTED,
                title=event.name,
                body=event.description,
                url="/missions/",
                data={"event": event.pk, "ends_at": event.ends_at.isoformat()},
            )
        announced += 1
    return announced
