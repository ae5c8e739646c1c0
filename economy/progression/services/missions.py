"""Missions: assignment per period, progress from actions, take-a-break, claims.

Locks, in the order ``mission_claim`` takes them: the mission row, the
player's account (the ledger's transfer), the player's progress row
(``xp_grant``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.models import Action, NotificationKind, User
from accounts.notifications import notification_send, player_language
from accounts.selectors import action_times
from casino_club.kit.errors import Conflict, NotFound
from economy.models import (
    GAME_FILTERED_TYPES,
    LedgerKind,
    MissionPeriod,
    MissionTemplate,
    MissionType,
    PlayerMission,
    XpSource,
)
from economy.progression import rules
from economy.progression.selectors import (
    Window,
    active_players,
    boosts_at,
    mission_get,
    missions_for,
    period_window,
)
from economy.progression.services.xp import xp_grant
from economy.services import MINT, ledger_transfer, player_account, system_account

logger = logging.getLogger(__name__)

MISSION_CLAIM_SCOPE = "mission_claim"


class MissionNotCompleted(Conflict):
    code = "mission_not_completed"
    default_message = gettext_lazy("This mission is not completed yet.")


class MissionAlreadyClaimed(Conflict):
    code = "mission_already_claimed"
    default_message = gettext_lazy("This mission's reward was already claimed.")


def missions_assign(*, player: User, now: datetime | None = None) -> int:
    """Give the player this day's and this week's missions if they lack them.

    Every active template of a period becomes one mission. Safe to call on
    every read and from the roll-over job at once: the unique constraint
    turns a race into a no-op. Returns the number of missions created.
    """
    return missions_assign_many(moments=[(player, now or timezone.now())])


def missions_assign_many(*, moments: Iterable[tuple[User, datetime]]) -> int:
    """:func:`missions_assign` for many (player, moment) pairs in three statements."""
    templates = list(MissionTemplate.objects.filter(is_active=True))
    if not templates:
        return 0
    windows: dict[tuple[int, str, date], tuple[User, Window, datetime]] = {}
    for player, at in moments:
        for period in MissionPeriod.values:
            window = period_window(player=player, period=period, now=at)
            windows.setdefault((player.pk, period, window.start_date), (player, window, at))
    if not windows:
        return 0
    have = set(
        PlayerMission.objects.filter(
            player_id__in={key[0] for key in windows},
            period_start__in={key[2] for key in windows},
            template__in=templates,
        ).values_list("player_id", "template_id", "period_start")
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
            created_at=at,
        )
        for (player_id, period, start), (player, window, at) in windows.items()
        for template in templates
        if template.period == period and (player_id, template.pk, start) not in have
    ]
    if rows:
        PlayerMission.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


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
    with player_language(mission.player):
        notification_send(
            player=mission.player,
            kind=NotificationKind.MISSION_COMPLETED,
            title=_("Mission complete: %(title)s") % {"title": mission.template.localized("title")},
            body=_("Claim your reward on the missions page."),
            url="/missions/",
            data={"mission": mission.pk},
        )


def _progress_for(action: Action, mission_type: str, game: str) -> int:
    """How far one action moves a mission of this type (0 when it does not count)."""
    meta = action.metadata or {}
    if mission_type in GAME_FILTERED_TYPES:
        if action.type != ActionType.ROUND_PLAYED or (game and meta.get("game") != game):
            return 0
        if mission_type == MissionType.PLAY_ROUNDS:
            return 1
        if mission_type == MissionType.WIN_ROUNDS:
            return int(meta.get("payout", 0) > meta.get("wager", 0))
        return max(int(meta.get("wager", action.value)), 0)
    if mission_type == MissionType.CLAIM_DAILY_BONUS:
        return int(action.type == ActionType.DAILY_BONUS_CLAIMED)
    if mission_type == MissionType.WIN_LIVE_MATCH:
        return int(action.type == ActionType.LIVE_MATCH_WON)
    return 0


TYPES_BY_ACTION = {
    ActionType.ROUND_PLAYED: list(GAME_FILTERED_TYPES),
    ActionType.DAILY_BONUS_CLAIMED: [MissionType.CLAIM_DAILY_BONUS],
    ActionType.LIVE_MATCH_WON: [MissionType.WIN_LIVE_MATCH],
    ActionType.LOGGED_IN: [MissionType.LOGIN_DAYS],
}


def missions_progress(*, actions: list[Action]) -> int:
    """Move the players' open missions whose period contains each action.

    For the ``progression.missions`` subscriber, a batch at a time, in a
    fixed number of statements: assign the missions the actions' periods
    need, lock every open mission of the batch's players and types, apply
    the actions in order in memory, and write the changed missions in one
    update. Exactly-once comes from the subscriber's mark; the row locks
    keep two runs at once from losing an increment. The action's own time
    decides its period, so a late run counts it where it happened. Returns
    how many missions completed.
    """
    actions = [action for action in actions if action.type in TYPES_BY_ACTION]
    if not actions:
        return 0
    missions_assign_many(moments=[(action.player, action.created_at) for action in actions])
    types = {t for action in actions for t in TYPES_BY_ACTION[action.type]}
    moments = [action.created_at for action in actions]
    open_missions = list(
        PlayerMission.objects.select_for_update(of=("self",))
        .filter(
            player_id__in={action.player_id for action in actions},
            completed_at__isnull=True,
            starts_at__lte=max(moments),
            ends_at__gt=min(moments),
            template__type__in=types,
        )
        .select_related("template")
        .order_by("pk")
    )
    by_player: dict[int, list[PlayerMission]] = defaultdict(list)
    for mission in open_missions:
        by_player[mission.player_id].append(mission)
    changed: dict[int, PlayerMission] = {}
    completed = 0
    for action in actions:
        for mission in by_player.get(action.player_id, []):
            if (
                mission.completed_at is not None
                or mission.template.type not in (TYPES_BY_ACTION[action.type])
            ):
                continue
            if not mission.starts_at <= action.created_at < mission.ends_at:
                continue
            mission.player = action.player
            if mission.template.type == MissionType.LOGIN_DAYS:
                days = set(mission.state.get("days", []))
                days.add(action.player.local_date(action.created_at).isoformat())
                mission.state = {"days": sorted(days)}
                step = len(days) - mission.progress
            else:
                step = _progress_for(action, mission.template.type, mission.template.game)
            if step <= 0:
                continue
            mission.progress = min(mission.target, mission.progress + step)
            if mission.progress >= mission.target:
                _complete(mission, action.created_at)
                completed += 1
            changed[mission.pk] = mission
    if changed:
        PlayerMission.objects.bulk_update(
            list(changed.values()), ["progress", "state", "completed_at"]
        )
    return completed


def longest_break_seconds(*, mission: PlayerMission, now: datetime) -> float:
    """The longest stretch without a round since the player's first round of the period."""
    end = min(now, mission.ends_at)
    if end <= mission.starts_at:
        return 0.0
    moments = action_times(
        player_id=mission.player_id,
        type=ActionType.ROUND_PLAYED,
        since=mission.starts_at,
        until=end,
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
            type=ActionType.MISSION_CLAIMED,
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


def missions_roll_over(*, now: datetime | None = None) -> dict:
    """The hourly job: new missions at each player's local midnight, and breaks.

    A player is rolled over when the job runs in the first hour of their
    local day (every UTC offset is a multiple of 15 minutes, so an hourly run
    at :00 UTC lands in that hour exactly once). Players not rolled over here
    (inactive, or the job was down) get theirs lazily on their next visit.
    """
    now = now or timezone.now()
    players = active_players(now=now)
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
