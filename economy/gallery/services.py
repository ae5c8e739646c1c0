"""Writes about the gallery: deriving an item's stages, unlocking a player's next stage.

An unlock names only the item: the stage is always the next one, so a stage
can never be skipped, and its condition is checked on the server. Coins are
paid to the ``shop_sink`` through the ledger, once per Idempotency-Key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from casino_club.kit.errors import DomainError, NotFound
from economy.errors import IdempotencyKeyReused
from economy.gallery import selectors
from economy.gallery.derive import Region, derive_files, derived_dir
from economy.models import GalleryItem, GalleryUnlock, LedgerKind, UnlockCondition, UnlockKind
from economy.models.gallery import gallery_storage
from economy.selectors import player_balance
from economy.services import (
    SHOP_SINK,
    idempotency_key_check,
    ledger_transfer,
    player_account,
    system_account,
)


class GalleryItemNotFound(NotFound):
    code = "gallery_item_not_found"
    default_message = gettext_lazy("There is no such gallery item.")


class CollectionLocked(DomainError):
    code = "collection_locked"
    status = 403
    default_message = gettext_lazy("This collection opens with its key item from the shop.")


class ConditionNotMet(DomainError):
    code = "condition_not_met"
    status = 403
    default_message = gettext_lazy("The condition for the next stage is not met yet.")


class StageUnavailable(DomainError):
    code = "stage_unavailable"
    status = 409
    default_message = gettext_lazy("The next stage of this item cannot be unlocked.")


class FullyUnlocked(DomainError):
    code = "already_unlocked"
    status = 409
    default_message = gettext_lazy("Every stage of this item is already unlocked.")


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    status = 400
    default_message = gettext_lazy("Unlocking with coins needs an Idempotency-Key header.")


@dataclass(frozen=True)
class UnlockResult:
    unlock: GalleryUnlock
    state: selectors.ItemState
    balance: int
    replayed: bool = False


def gallery_item_derive(item: GalleryItem) -> GalleryItem:
    """(Re)write the item's stage images from its original and mark it derived.

    Raises ``ValueError`` when the original is not an image or the region
    does not lie inside it; the item row is not changed then.
    """
    region = Region(item.region_x, item.region_y, item.region_w, item.region_h)
    with item.original.open("rb") as source:
        width, height = derive_files(source=source, region=region, token=item.asset_token)
    item.original_width, item.original_height = width, height
    item.derived_at = timezone.now()
    if item.pk:
        GalleryItem.objects.filter(pk=item.pk).update(
            original_width=width, original_height=height, derived_at=item.derived_at
        )
    return item


def gallery_item_create(
    *,
    collection,
    title: str,
    original: bytes,
    filename: str,
    region: Region,
    rating: str = "GENERAL",
    order: int = 0,
    description: str = "",
) -> GalleryItem:
    """A new item from an original's bytes, derived at once (as the admin does on save)."""
    with transaction.atomic():
        item = GalleryItem(
            collection=collection,
            title=title,
            description=description,
            rating=rating,
            order=order,
            region_x=region.x,
            region_y=region.y,
            region_w=region.w,
            region_h=region.h,
        )
        item.original.save(filename, ContentFile(original), save=False)
        item.save()
        return gallery_item_derive(item)


def on_gallery_item_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of a ``GalleryItem`` (connected in ``economy.apps``): its files go too.

    However it is deleted (the admin, a collection's cascade, the shell), once
    the deletion commits; a rolled-back delete keeps them.
    """
    token, name = instance.asset_token, instance.original.name
    transaction.on_commit(lambda: gallery_item_files_delete(asset_token=token, original_name=name))


def gallery_item_files_delete(*, asset_token: str, original_name: str = "") -> None:
    """Remove an item's derived files (and, if named, an original) from the private root."""
    folder = derived_dir(asset_token)
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
        folder.rmdir()
    if original_name:
        gallery_storage.delete(original_name)


def _replay(*, player, key: str, item: GalleryItem) -> UnlockResult | None:
    earlier = GalleryUnlock.objects.filter(player=player, idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.item_id != item.pk:
        raise IdempotencyKeyReused()
    return UnlockResult(
        unlock=earlier,
        state=selectors.item_state(player=player, item=item),
        balance=player_balance(player=player),
        replayed=True,
    )


def gallery_unlock(*, player, item_id, idempotency_key: str | None = None) -> UnlockResult:
    """Unlock the next stage of ``item_id`` for ``player`` if its condition is met.

    Raises ``GalleryItemNotFound`` (unknown, unpublished, or mature for a player
    without ``mature_allowed``: the same 404), ``CollectionLocked``,
    ``FullyUnlocked``, ``StageUnavailable``, ``ConditionNotMet``,
    ``IdempotencyKeyRequired`` or ``InsufficientCoins``; nothing is written then.
    A repeated Idempotency-Key returns the first unlock and charges nothing.
    """
    key = idempotency_key_check(idempotency_key)
    with transaction.atomic():
        # One unlock at a time per player: the stage read below is the latest.
        User.objects.select_for_update().filter(pk=player.pk).values_list("pk").get()
        item = selectors.visible_item(player=player, item_id=item_id)
        if item is None:
            raise GalleryItemNotFound(fields={"item_id": "unknown item"})
        if key is not None:
            replay = _replay(player=player, key=key, item=item)
            if replay is not None:
                return replay
        owned = selectors.owned_item_ids(player=player)
        done = selectors.unlocked_stages(player=player, item_ids=[item.pk]).get(item.pk, set())
        stage = selectors.current_stage(item, owned, done)
        if stage == 0:
            raise CollectionLocked(
                f"This collection opens with “{item.collection.key_item.name}” from the shop.",
                fields={"item_id": f"own {item.collection.key_item.slug}"},
            )
        if stage == 3:
            raise FullyUnlocked(fields={"item_id": "fully unlocked"})
        stage += 1
        condition = UnlockCondition.objects.filter(item=item, stage=stage).first()
        state = selectors.condition_state(player=player, condition=condition, stage=stage)
        if condition is None:
            raise StageUnavailable(fields={"item_id": f"stage {stage} has no condition"})
        txn = None
        if condition.kind == UnlockKind.COINS:
            if key is None:
                raise IdempotencyKeyRequired()
            # The ledger refuses with InsufficientCoins when the balance is short.
            txn = ledger_transfer(
                source=player_account(player=player),
                destination=system_account(code=SHOP_SINK),
                amount=condition.coins,
                kind=LedgerKind.SHOP_PURCHASE,
                reference=f"gallery:{item.pk}:stage{stage}",
                idempotency_scope=f"gallery:{player.pk}",
                idempotency_key=key,
            )
        elif not state.met:
            raise ConditionNotMet(
                fields={
                    "condition": f"{state.kind} needs {state.required}, you have {state.current}"
                }
            )
        unlock = GalleryUnlock.objects.create(
            player=player,
            item=item,
            stage=stage,
            kind=condition.kind,
            transaction=txn,
            idempotency_key=key,
        )
    return UnlockResult(
        unlock=unlock,
        state=selectors.item_state(player=player, item=item),
        balance=txn.player_balance if txn is not None else player_balance(player=player),
    )
