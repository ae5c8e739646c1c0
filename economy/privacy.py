"""The economy's part of a player's data export and account deletion
(accounts/privacy.py): sections for the ledger, claims, progression, missions,
the season pass, the shop and invites; the erasure of the invite code.

The wallet is not emptied on deletion: the anonymised user row stays its
holder, so accounts, entries and every balance are unchanged and
``reconcile_ledger`` stays green without any coin moving.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from accounts.models import User
from accounts.privacy import register_erasure, register_export_section
from economy.models import (
    BonusClaim,
    Entry,
    IdempotentResponse,
    InventoryItem,
    InviteCode,
    PassClaim,
    PassCoupon,
    PassTierReached,
    PlayerMission,
    PlayerProgress,
    Referral,
    ShopPurchase,
    XpGrant,
)

CHUNK = 1000


def _ledger_entries(player: User) -> Iterable[dict]:
    return (
        Entry.objects.filter(account__player=player)
        .order_by("id")
        .values(
            "id",
            "transaction_id",
            "amount",
            "balance_after",
            "created_at",
            kind=F("transaction__kind"),
            reference=F("transaction__reference"),
            reason=F("transaction__reason"),
        )
        .iterator(chunk_size=CHUNK)
    )


def _rows(queryset, *fields: str, **expressions) -> Iterable[dict]:
    return queryset.order_by("pk").values(*fields, **expressions).iterator(chunk_size=CHUNK)


def _bonus_claims(player: User) -> Iterable[dict]:
    return _rows(
        BonusClaim.objects.filter(player=player),
        "kind", "local_date", "streak", "ladder_day", "amount", "transaction_id", "created_at",
    )  # fmt: skip


def _progress(player: User) -> Iterable[dict]:
    return PlayerProgress.objects.filter(player=player).values(
        "xp", "level", "vip_tier", "days_played", "last_played_date", "streak_count"
    )


def _xp_grants(player: User) -> Iterable[dict]:
    return _rows(
        XpGrant.objects.filter(player=player), "amount", "source", "reference", "created_at"
    )


def _missions(player: User) -> Iterable[dict]:
    return _rows(
        PlayerMission.objects.filter(player=player),
        "id", "period", "period_start", "target", "progress", "reward_coins", "reward_xp",
        "state", "completed_at", "claimed_at", "paid_coins", "paid_xp", "created_at",
        template_code=F("template__code"),
    )  # fmt: skip


def _season_pass(player: User) -> Iterable[dict]:
    for claim in _rows(
        PassClaim.objects.filter(player=player), "tier_id", "transaction_id", "claimed_at"
    ):
        yield {"event": "claimed", **claim}
    for reached in _rows(PassTierReached.objects.filter(player=player), "tier_id", "reached_at"):
        yield {"event": "reached", **reached}
    for coupon in _rows(
        PassCoupon.objects.filter(player=player), "season_id", "week_start", "xp", "granted_at"
    ):
        yield {"event": "coupon", **coupon}


def _inventory(player: User) -> Iterable[dict]:
    return _rows(
        InventoryItem.objects.filter(player=player),
        "category", "quantity", "equipped", "source", "acquired_at",
        item_slug=F("item__slug"),
    )  # fmt: skip


def _shop_purchases(player: User) -> Iterable[dict]:
    return _rows(
        ShopPurchase.objects.filter(player=player),
        "id", "quantity", "unit_price", "total", "transaction_id", "created_at",
        item_slug=F("item__slug"),
    )  # fmt: skip


def _invites(player: User) -> Iterable[dict]:
    for code in _rows(InviteCode.objects.filter(player=player), "code", "created_at"):
        yield {"event": "code", **code}
    # Who joined with the player's code shows as an id only, never their details.
    for referral in _rows(
        Referral.objects.filter(inviter=player),
        "invitee_id",
        "created_at",
        "rewarded_at",
        "reward_withheld",
    ):
        yield {"event": "invited", **referral}
    for referral in _rows(
        Referral.objects.filter(invitee=player), "created_at", "rewarded_at", "reward_withheld"
    ):
        yield {"event": "joined_with_a_code", **referral}


def _erase(player: User) -> None:
    # The code is a link to the player: it must stop working. Referral rows
    # stay (the rewards' ledger transactions point at them).
    InviteCode.objects.filter(player=player).delete()


register_export_section("ledger_entries", _ledger_entries)
register_export_section("bonus_claims", _bonus_claims)
register_export_section("progress", _progress)
register_export_section("xp_grants", _xp_grants)
register_export_section("missions", _missions)
register_export_section("season_pass", _season_pass)
register_export_section("inventory", _inventory)
register_export_section("shop_purchases", _shop_purchases)
register_export_section("invites", _invites)
register_erasure("economy.invite_code", _erase)


def _erase_stored_answers(player: User) -> None:
    # Copies of answers the player was already given (economy/idempotency.py);
    # a closed account sends no retries.
    IdempotentResponse.objects.filter(player=player).delete()


register_erasure("economy.idempotent_responses", _erase_stored_answers)
