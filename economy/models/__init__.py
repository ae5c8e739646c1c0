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

__all__ = [
    "DEFAULT_DAILY_LADDER",
    "MAX_FAUCET_AMOUNT",
    "REWARD_KINDS",
    "Account",
    "AccountKind",
    "Adjustment",
    "BonusClaim",
    "BonusKind",
    "EconomySettings",
    "Entry",
    "LedgerKind",
    "LedgerTransaction",
    "default_ladder",
    "validate_ladder",
]
