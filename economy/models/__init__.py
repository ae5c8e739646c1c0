"""The economy's models, one module per concern.

``ledger`` holds accounts, transactions, entries, faucet claims, adjustments
and settings; progression, the season pass, the shop, invites and the gallery add their
own modules and are re-exported here.
"""

from economy.models.gallery import (
    Collection,
    GalleryItem,
    GalleryUnlock,
    Rating,
    UnlockCondition,
    UnlockKind,
)
from economy.models.idempotency import IdempotentResponse
from economy.models.invites import InviteCode, Referral, RewardWithheld
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
from economy.models.season_pass import (
    PassClaim,
    PassCoupon,
    PassTier,
    PassTierReached,
    RewardKind,
    Season,
)
from economy.models.shop import (
    EQUIPPABLE,
    InventoryItem,
    ItemCategory,
    ItemSource,
    ShopItem,
    ShopPurchase,
)

__all__ = [
    "DEFAULT_DAILY_LADDER",
    "EQUIPPABLE",
    "GAME_FILTERED_TYPES",
    "MAX_FAUCET_AMOUNT",
    "REWARD_KINDS",
    "Account",
    "AccountKind",
    "Adjustment",
    "BonusClaim",
    "BonusKind",
    "Collection",
    "EconomySettings",
    "Entry",
    "Event",
    "GalleryItem",
    "GalleryUnlock",
    "IdempotentResponse",
    "InventoryItem",
    "InviteCode",
    "ItemCategory",
    "ItemSource",
    "LedgerKind",
    "LedgerTransaction",
    "MissionPeriod",
    "MissionTemplate",
    "MissionType",
    "PassClaim",
    "PassCoupon",
    "PassTier",
    "PassTierReached",
    "PlayerMission",
    "PlayerProgress",
    "Rating",
    "Referral",
    "RewardKind",
    "RewardWithheld",
    "Season",
    "ShopItem",
    "ShopPurchase",
    "UnlockCondition",
    "UnlockKind",
    "VipTier",
    "XpGrant",
    "XpSource",
    "default_ladder",
    "validate_ladder",
]
