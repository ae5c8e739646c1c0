"""Writes about the season pass: claiming a tier, noticing new tiers, weekly coupons.

Pass XP is not stored: it is the player's XP grants inside the season's
window (``pass_xp_for``), so nothing here can drift from the XP service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.models import NotificationKind, User
from accounts.notifications import notification_send, player_language
from accounts.selectors import action_player_ids
from casino_club.kit.errors import DomainError, NotFound
from economy.models import (
    ItemSource,
    LedgerKind,
    PassClaim,
    PassCoupon,
    PassTier,
    PassTierReached,
    RewardKind,
    Season,
    XpSource,
)
from economy.progression.services.xp import xp_grant
from economy.season_pass.selectors import (
    pass_xp_by_player,
    pass_xp_for,
    reward_label,
    season_current,
    tiers_for,
)
from economy.services import MINT, ledger_transfer, player_account, system_account
from economy.shop.services import inventory_grant

CLAIM_SCOPE = "pass_claim"
# The weekly coupon: flat bonus XP for active players behind the season's pace.
COUPON_XP = 100
COUPON_ACTIVE_DAYS = 7


class NoSeason(NotFound):
    code = "no_season"
    default_message = gettext_lazy("No season is running right now.")


class TierNotFound(NotFound):
    code = "tier_not_found"
    default_message = gettext_lazy("This season has no such tier.")


class TierLocked(DomainError):
    code = "tier_locked"
    status = 409
    default_message = gettext_lazy("You have not reached this tier yet.")


class TierAlreadyClaimed(DomainError):
    code = "tier_already_claimed"
    status = 409
    default_message = gettext_lazy("You already claimed this tier.")


@dataclass(frozen=True)
class TierClaimResult:
    claim: PassClaim
    tier: PassTier
    balance: int | None  # after a coin reward


def pass_tier_claim(
    *, player: User, tier_number: int, now: datetime | None = None
) -> TierClaimResult:
    """Claim one reached tier of the running season, exactly once.

    Pays coins from the mint (``PASS_REWARD``), grants XP, or puts the
    cosmetic in the inventory. Raises ``NoSeason``, ``TierNotFound``,
    ``TierLocked`` or ``TierAlreadyClaimed``; nothing changes then.
    """
    now = now or timezone.now()
    season = season_current(now)
    if season is None:
        raise NoSeason()
    tier = season.tiers.select_related("item").filter(number=tier_number).first()
    if tier is None:
        raise TierNotFound(fields={"tier": "no such tier in this season"})
    xp = pass_xp_for(player=player, season=season)
    if xp < tier.xp_required:
        raise TierLocked(
            _("Tier %(number)s needs %(needed)s season XP; you have %(xp)s.")
            % {"number": tier.number, "needed": tier.xp_required, "xp": xp},
            fields={"tier": "not reached yet"},
        )
    balance = None
    with transaction.atomic():
        try:
            # The unique (player, tier) row is the claim: a concurrent second
            # claim waits on the index, then fails here and pays nothing.
            with transaction.atomic():
                claim = PassClaim.objects.create(player=player, tier=tier, claimed_at=now)
        except IntegrityError:
            raise TierAlreadyClaimed(fields={"tier": "already claimed"}) from None
        if tier.reward_kind == RewardKind.COINS:
            txn = ledger_transfer(
                source=system_account(code=MINT),
                destination=player_account(player=player),
                amount=tier.coins,
                kind=LedgerKind.PASS_REWARD,
                reference=f"pass:{season.slug}:{tier.number}",
                idempotency_scope=CLAIM_SCOPE,
                idempotency_key=f"{player.pk}:{tier.pk}",
            )
            claim.transaction = txn
            claim.save(update_fields=["transaction"])
            balance = txn.player_balance
        elif tier.reward_kind == RewardKind.XP_BOOST:
            xp_grant(
                player=player,
                amount=tier.xp,
                source=XpSource.PASS,
                reference=f"pass:{season.slug}:{tier.number}",
                now=now,
            )
        else:
            inventory_grant(player=player, item=tier.item, quantity=1, source=ItemSource.PASS)
        action_record(
            player=player,
            type=ActionType.PASS_TIER_CLAIMED,
            value=tier.number,
            metadata={"season": season.slug, "reward": tier.reward_kind},
        )
    return TierClaimResult(claim=claim, tier=tier, balance=balance)


def pass_tiers_reached(*, player: User, now: datetime | None = None) -> list[PassTier]:
    """Record tiers the player newly reached and tell them once per tier."""
    return pass_tiers_reached_many(players=[player], now=now).get(player.pk, [])


def pass_tiers_reached_many(
    *, players: list[User], now: datetime | None = None
) -> dict[int, list[PassTier]]:
    """Record the tiers each player newly reached; tell them once per tier.

    For the pass subscriber, after XP was granted (by play in the same run,
    or by any other source): a fixed number of statements for the batch
    (the season, its tiers, every player's season XP in one grouped sum,
    what they reached and claimed, one insert), plus a notification per new
    tier. Safe to run twice at once: the unique row decides who sends it.
    """
    now = now or timezone.now()
    season = season_current(now)
    if season is None or not players:
        return {}
    tiers = tiers_for(season=season)
    if not tiers:
        return {}
    by_id = {player.pk: player for player in players}
    xp = pass_xp_by_player(player_ids=list(by_id), season=season)
    known = set(
        PassTierReached.objects.filter(player_id__in=by_id, tier__season=season).values_list(
            "player_id", "tier_id"
        )
    )
    wanted = [
        PassTierReached(player_id=pk, tier=tier, reached_at=now)
        for pk in by_id
        for tier in tiers
        if tier.xp_required <= xp.get(pk, 0) and (pk, tier.pk) not in known
    ]
    if not wanted:
        return {}
    # Rows another run inserted meanwhile are skipped, and so are their notices.
    inserted = PassTierReached.objects.bulk_create(wanted, ignore_conflicts=True)
    fresh = set(
        PassTierReached.objects.filter(
            player_id__in={row.player_id for row in inserted},
            tier__season=season,
            reached_at=now,
        ).values_list("player_id", "tier_id")
    )
    claimed = set(
        PassClaim.objects.filter(player_id__in=by_id, tier__season=season).values_list(
            "player_id", "tier_id"
        )
    )
    reached: dict[int, list[PassTier]] = {}
    for row in wanted:
        if (row.player_id, row.tier.pk) not in fresh:
            continue
        reached.setdefault(row.player_id, []).append(row.tier)
        if (row.player_id, row.tier.pk) not in claimed:
            with player_language(by_id[row.player_id]):
                notification_send(
                    player=by_id[row.player_id],
                    kind=NotificationKind.PASS_TIER_CLAIMABLE,
                    title=_("Season pass tier %(number)s is ready") % {"number": row.tier.number},
                    body=_("Claim your reward: %(reward)s.") % {"reward": reward_label(row.tier)},
                    url="/pass/",
                    data={"season": season.slug, "tier": row.tier.number},
                )
    return reached


def _pace_xp(season: Season, final_xp: int, now: datetime) -> int:
    """The XP a steady player would have by ``now`` to finish the track on the last day."""
    total = (season.ends_at - season.starts_at).total_seconds()
    elapsed = max(0.0, (now - season.starts_at).total_seconds())
    return int(final_xp * min(1.0, elapsed / total))


def pass_coupons_grant(*, now: datetime | None = None) -> int:
    """The weekly job: bonus XP for players who played this week but are behind the pace.

    At most one coupon per player and week (unique row; the XP grant's
    reference is the backstop). Only recently active players qualify, so
    idle accounts cannot level up by waiting. Returns coupons granted.
    """
    now = now or timezone.now()
    season = season_current(now)
    if season is None:
        return 0
    tiers = tiers_for(season=season)
    if not tiers:
        return 0
    pace = _pace_xp(season, tiers[-1].xp_required, now)
    week_start = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    active = action_player_ids(
        since=now - timedelta(days=COUPON_ACTIVE_DAYS), types=[ActionType.ROUND_PLAYED]
    )
    granted = 0
    for player in User.objects.filter(pk__in=active, is_active=True).iterator():
        if pass_xp_for(player=player, season=season) >= pace:
            continue
        try:
            with transaction.atomic():
                PassCoupon.objects.create(
                    player=player, season=season, week_start=week_start, xp=COUPON_XP
                )
                xp_grant(
                    player=player,
                    amount=COUPON_XP,
                    source=XpSource.PASS,
                    reference=f"pass:coupon:{season.slug}:{week_start.isoformat()}",
                    now=now,
                )
        except IntegrityError:
            continue
        granted += 1
    return granted
