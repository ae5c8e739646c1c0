"""Reads about the season pass: the running season, a player's pass XP and tiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from economy.models import PassClaim, PassTier, Season, XpGrant


class TierState:
    LOCKED = "locked"
    CLAIMABLE = "claimable"
    CLAIMED = "claimed"


@dataclass(frozen=True)
class TierView:
    tier: PassTier
    state: str


@dataclass(frozen=True)
class PassStatus:
    season: Season | None
    xp: int
    tier: int  # the highest tier reached (0 before the first)
    tiers: list[TierView]
    time_left: timedelta | None
    next_tier_xp: int | None

    @property
    def claimable(self) -> int:
        return sum(1 for view in self.tiers if view.state == TierState.CLAIMABLE)

    @property
    def final_xp(self) -> int:
        return self.tiers[-1].tier.xp_required if self.tiers else 0

    @property
    def percent(self) -> int:
        """Progress along the whole track, for a bar."""
        if not self.final_xp:
            return 0
        return min(100, self.xp * 100 // self.final_xp)


def season_current(now: datetime | None = None) -> Season | None:
    """The season running at ``now`` (start inclusive, end exclusive), if any."""
    now = now or timezone.now()
    return Season.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at").first()


def pass_xp_for(*, player, season: Season) -> int:
    """XP the player earned inside the season's window (every source counts)."""
    total = XpGrant.objects.filter(
        player=player, created_at__gte=season.starts_at, created_at__lt=season.ends_at
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def pass_xp_by_player(*, player_ids: list[int], season: Season) -> dict[int, int]:
    """:func:`pass_xp_for` of many players in one grouped query."""
    rows = (
        XpGrant.objects.filter(
            player_id__in=player_ids,
            created_at__gte=season.starts_at,
            created_at__lt=season.ends_at,
        )
        .values("player_id")
        .annotate(total=Sum("amount"))
        .values_list("player_id", "total")
    )
    return dict(rows)


def tiers_for(*, season: Season) -> list[PassTier]:
    return list(season.tiers.select_related("item").order_by("number"))


def pass_status(*, player, now: datetime | None = None) -> PassStatus:
    """The season, the player's pass XP, and each tier as locked, claimable or claimed."""
    now = now or timezone.now()
    season = season_current(now)
    if season is None:
        return PassStatus(season=None, xp=0, tier=0, tiers=[], time_left=None, next_tier_xp=None)
    xp = pass_xp_for(player=player, season=season)
    tiers = tiers_for(season=season)
    claimed = set(
        PassClaim.objects.filter(player=player, tier__season=season).values_list(
            "tier_id", flat=True
        )
    )
    views = []
    for tier in tiers:
        if tier.pk in claimed:
            state = TierState.CLAIMED
        elif xp >= tier.xp_required:
            state = TierState.CLAIMABLE
        else:
            state = TierState.LOCKED
        views.append(TierView(tier=tier, state=state))
    reached = [tier.number for tier in tiers if xp >= tier.xp_required]
    upcoming = [tier.xp_required for tier in tiers if xp < tier.xp_required]
    return PassStatus(
        season=season,
        xp=xp,
        tier=max(reached, default=0),
        tiers=views,
        time_left=season.ends_at - now,
        next_tier_xp=upcoming[0] if upcoming else None,
    )


def reward_label(tier: PassTier) -> str:
    """What a tier gives, in the active language (the page, the API, a notification)."""
    if tier.reward_kind == "COINS":
        return _("%(coins)s coins") % {"coins": intcomma(tier.coins)}
    if tier.reward_kind == "XP_BOOST":
        return _("+%(xp)s XP") % {"xp": tier.xp}
    return tier.item.localized("name") if tier.item else ""
