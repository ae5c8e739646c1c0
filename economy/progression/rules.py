"""The published numbers of progression (docs/progression.md, GET /api/progression).

Pure functions and constants only: no database, so the curve and the tier
table can be tested and shown without a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from economy.models import VipTier

# --- XP from play ------------------------------------------------------------------
XP_PER_ROUND = 5
# One XP per this many coins wagered (floor), on top of the per-round XP.
COINS_PER_WAGER_XP = 20
# A live RPS match counts as play: base XP plus the stake like a wager.
XP_PER_LIVE_MATCH = 10
# Play XP (before event multipliers) a player can earn per local day. Missions
# and the season pass are not capped: they have their own limits.
PLAY_XP_DAILY_CAP = 1_500

# --- Levels ---------------------------------------------------------------------------
# Going from level L to L + 1 takes 100 * L XP, so reaching level L takes
# 50 * L * (L - 1) XP in total: 100 for level 2, 4,500 for 10, 122,500 for 50.
XP_STEP = 100
MAX_LEVEL = 100
# Every fifth level pays coins from the mint: 20 coins per level reached.
LEVEL_REWARD_EVERY = 5
LEVEL_REWARD_COINS_PER_LEVEL = 20


def xp_for_level(level: int) -> int:
    """Lifetime XP needed to reach ``level`` (level 1 needs none)."""
    if level < 1:
        raise ValueError("levels start at 1")
    return XP_STEP * level * (level - 1) // 2


def level_for_xp(xp: int) -> int:
    """The level a lifetime XP total reaches (1..MAX_LEVEL)."""
    level = 1
    while level < MAX_LEVEL and xp >= xp_for_level(level + 1):
        level += 1
    return level


def next_level_xp(level: int) -> int | None:
    """Lifetime XP of the next level, or None at the top."""
    return xp_for_level(level + 1) if level < MAX_LEVEL else None


def level_reward_coins(level: int) -> int:
    return level * LEVEL_REWARD_COINS_PER_LEVEL if level % LEVEL_REWARD_EVERY == 0 else 0


# --- VIP tiers ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TierRule:
    tier: str
    min_xp: int
    min_days_played: int
    daily_bonus_multiplier: Decimal

    @property
    def label(self) -> str:
        return VipTier(self.tier).label


# Both thresholds must be met: coins wagered alone never buy a tier, because
# days played grow one per calendar day whatever the stakes.
TIERS: tuple[TierRule, ...] = (
    TierRule(VipTier.BRONZE, 0, 0, Decimal("1.00")),
    TierRule(VipTier.SILVER, 5_000, 7, Decimal("1.10")),
    TierRule(VipTier.GOLD, 25_000, 30, Decimal("1.25")),
    TierRule(VipTier.PLATINUM, 100_000, 90, Decimal("1.50")),
    TierRule(VipTier.DIAMOND, 300_000, 180, Decimal("2.00")),
)
TIER_ORDER = [rule.tier for rule in TIERS]

# From this tier on, the site suggests two-factor authentication (a notice
# when the player reaches it, a banner on the profile while it is off).
TWO_FACTOR_SUGGESTED_FROM = VipTier.GOLD


def tier_for(*, xp: int, days_played: int) -> str:
    reached = TIERS[0].tier
    for rule in TIERS:
        if xp >= rule.min_xp and days_played >= rule.min_days_played:
            reached = rule.tier
    return reached


def tier_rule(tier: str) -> TierRule:
    return TIERS[TIER_ORDER.index(tier)]


def tier_rank(tier: str) -> int:
    """0 for Bronze up to 4 for Diamond (for "this tier or better" checks)."""
    return TIER_ORDER.index(tier)


def play_xp_for(*, wager: int, rounds: int = 1, base: int = XP_PER_ROUND) -> int:
    """Base play XP of one round or match (before the cap and any event)."""
    return base * rounds + max(wager, 0) // COINS_PER_WAGER_XP


def multiplied(amount: int, multiplier: Decimal) -> int:
    """Apply an event multiplier; always whole units, rounded down."""
    return int(Decimal(amount) * multiplier)
