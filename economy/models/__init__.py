"""The economy's models, one module per concern.

``ledger`` holds accounts, transactions, entries, faucet claims, adjustments
and settings; progression, the season pass, the shop and invites add their
own modules and are re-exported here.
"""

from economy.models.ledger import (
    DEFAULT_DAILY_LADDER,
    MAX_FAUCET_AMOUNT,
    REWARD_KINDS,
    Account,
    AccountKind,
    Adjustment,
    BonusClaim,
    BonusKind,
    EconomySettings,
    Entry,
    LedgerKind,
    LedgerTransaction,
    default_ladder,
    validate_ladder,
)
from economy.models.progression import (
    GAME_FILTERED_TYPES,
    Event,
    MissionPeriod,
    MissionTemplate,
    MissionType,
    PlayerMission,
    PlayerProgress,
    VipTier,
    XpGrant,
    XpSource,
)

__all__ = [
    "DEFAULT_DAILY_LADDER",
    "GAME_FILTERED_TYPES",
    "MAX_FAUCET_AMOUNT",
    "REWARD_KINDS",
    "Account",
    "AccountKind",
    "Adjustment",
    "BonusClaim",
    "BonusKind",
    "EconomySettings",
    "Entry",
    "Event",
    "LedgerKind",
    "LedgerTransaction",
    "MissionPeriod",
    "MissionTemplate",
    "MissionType",
    "PlayerMission",
    "PlayerProgress",
    "VipTier",
    "XpGrant",
    "XpSource",
    "default_ladder",
    "validate_ladder",
]
