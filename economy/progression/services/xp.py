"""XP, levels and VIP tiers, and the count of one round or match.

Every change to a player's XP, level, tier or streak happens under the lock
on their ``PlayerProgress`` row (``_progress_locked``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.middleware import has_second_factor
from accounts.models import NotificationKind, User
from accounts.notifications import notification_send, player_language
from economy.models import LedgerKind, PlayerProgress, XpGrant, XpSource
from economy.progression import rules
from economy.progression.selectors import boosts_from, events_overlapping
from economy.progression.services.streaks import streak_step
from economy.services import MINT, ledger_transfer, player_account, system_account

LEVEL_REWARD_SCOPE = "level_reward"


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
        type=ActionType.XP_GAINED,
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
            action_record(player=player, type=ActionType.LEVEL_REACHED, value=level)
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
        with player_language(player):
            body = _("Keep playing for fun, and remember to take breaks.")
            if reward:
                body = _("You received %(coins)s coins as a level reward.") % {
                    "coins": intcomma(reward)
                }
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
    previous = progress.vip_tier
    progress.vip_tier = reached
    progress.save(update_fields=["vip_tier"])
    rule = rules.tier_rule(reached)
    action_record(
        player=progress.player,
        type=ActionType.TIER_REACHED,
        value=rules.tier_rank(reached),
        metadata={"tier": reached},
    )
    with player_language(progress.player):
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
    _two_factor_suggest(player=progress.player, previous=previous, reached=reached)


def _two_factor_suggest(*, player: User, previous: str, reached: str) -> None:
    """Once, on crossing into the suggested tier: turn on two-factor authentication."""
    threshold = rules.tier_rank(rules.TWO_FACTOR_SUGGESTED_FROM)
    crossed = rules.tier_rank(previous) < threshold <= rules.tier_rank(reached)
    if not crossed or has_second_factor(player):
        return
    with player_language(player):
        notification_send(
            player=player,
            kind=NotificationKind.TIER_UP,
            title=_("Protect your VIP account"),
            body=_(
                "Turn on two-factor authentication: an app on your phone gives a code "
                "at each sign-in, so a stolen password alone cannot open your account."
            ),
            url=reverse("mfa_index"),
            data={"tier": reached, "suggestion": "two_factor"},
        )


@dataclass(frozen=True)
class Play:
    """One round or match to count (from its action)."""

    player: User
    wager: int
    base_xp: int
    reference: str
    at: datetime


def plays_record(*, plays: list[Play]) -> list[XpGrant]:
    """Count many rounds and matches at once: (the ``progression.play`` subscriber).

    Same rules, applied in order per player, with a fixed number of
    statements however large the batch: the players' progress rows (created
    if missing, then locked in player-id order), the events of the batch's
    time span, one insert of every XP grant and one update of every progress
    row. Level-ups and tier-ups (rare) take their own statements. No
    ``XP_GAINED`` is recorded: the pass and the XP board read the grants in
    the same pipeline run (``after=("progression.play",)``).
    """
    if not plays:
        return []
    player_ids = sorted({play.player.pk for play in plays})
    PlayerProgress.objects.bulk_create(
        [PlayerProgress(player_id=pk) for pk in player_ids], ignore_conflicts=True
    )
    progress = {
        row.player_id: row
        for row in PlayerProgress.objects.select_for_update()
        .filter(player_id__in=player_ids)
        .order_by("player_id")
    }
    spans = [play.at for play in plays]
    events = list(events_overlapping(start=min(spans), end=max(spans)))
    grants: list[XpGrant] = []
    for play in plays:
        row = progress[play.player.pk]
        row.player = play.player  # the batch's row, with its time zone
        day = play.player.local_date(play.at)
        streak_step(progress=row, day=day, at=play.at)
        if row.play_xp_date != day:
            row.play_xp_date, row.play_xp_today = day, 0
        allowed = max(
            0,
            min(
                rules.play_xp_for(wager=play.wager, base=play.base_xp),
                rules.PLAY_XP_DAILY_CAP - row.play_xp_today,
            ),
        )
        row.play_xp_today += allowed
        amount = rules.multiplied(allowed, boosts_from(events, play.at).xp_multiplier)
        if amount > 0:
            row.xp += amount
            row.updated_at = play.at
            grants.append(
                XpGrant(
                    player_id=row.player_id,
                    amount=amount,
                    source=XpSource.PLAY,
                    reference=play.reference,
                    created_at=play.at,
                )
            )
    XpGrant.objects.bulk_create(grants)
    PlayerProgress.objects.bulk_update(
        list(progress.values()),
        [
            "xp",
            "updated_at",
            "days_played",
            "last_played_date",
            "streak_count",
            "last_action_ts",
            "play_xp_today",
            "play_xp_date",
        ],
    )
    now = max(spans)
    for row in progress.values():
        # Days played may open a tier even when the XP cap gave nothing.
        _levels_and_tier(progress=row, now=now)
    return grants
