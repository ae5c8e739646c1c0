"""Reads about the gallery: what a player may see, at which stage, and what the next stage needs.

Visibility is decided here once and used by the page, the API and the media
view alike: an unpublished item, an item of an unpublished collection and a
mature item for a player without ``mature_allowed`` do not exist for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import QuerySet

from accounts.selectors import mature_allowed
from economy.gallery.derive import derived_file
from economy.models import (
    GalleryItem,
    GalleryUnlock,
    InventoryItem,
    PassTierReached,
    PlayerMission,
    Rating,
    UnlockCondition,
    UnlockKind,
)
from economy.progression import rules
from economy.progression.selectors import vip_tier_for
from economy.season_pass.selectors import pass_xp_for
from economy.selectors import player_balance

KEY_ITEM = "KEY_ITEM"  # the kind shown for a collection's key: own the shop item
UNAVAILABLE = "UNAVAILABLE"  # a stage a moderator gave no condition: it cannot be unlocked


@dataclass(frozen=True)
class ConditionState:
    """The exact condition for a stage, and how far the player is."""

    stage: int
    kind: str
    met: bool
    current: int = 0
    required: int = 0
    coins: int | None = None
    vip_tier: str = ""
    pass_tier: int | None = None
    season: str = ""
    mission: str = ""
    key_item: str = ""
    label: str = ""


@dataclass(frozen=True)
class ItemState:
    item: GalleryItem
    stage: int  # 0 while the collection is locked, then 1..3
    next: ConditionState | None
    unlocked_stages: tuple[int, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return self.stage == 3


def visible_items(*, player) -> QuerySet[GalleryItem]:
    """Items the player may know about: published, and mature only with ``mature_allowed``."""
    items = GalleryItem.objects.filter(
        published=True, collection__published=True, derived_at__isnull=False
    ).select_related("collection", "collection__key_item")
    if not mature_allowed(player):
        items = items.exclude(rating=Rating.MATURE)
    return items.order_by("collection__sort_order", "collection_id", "order", "id")


def visible_item(*, player, item_id) -> GalleryItem | None:
    if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id < 1:
        return None
    return visible_items(player=player).filter(pk=item_id).first()


def owned_item_ids(*, player) -> set[int]:
    return set(InventoryItem.objects.filter(player=player).values_list("item_id", flat=True))


def collection_open(item: GalleryItem, owned: set[int]) -> bool:
    key = item.collection.key_item_id
    return key is None or key in owned


def unlocked_stages(*, player, item_ids) -> dict[int, set[int]]:
    stages: dict[int, set[int]] = {}
    rows = GalleryUnlock.objects.filter(player=player, item_id__in=list(item_ids))
    for item_id, stage in rows.values_list("item_id", "stage"):
        stages.setdefault(item_id, set()).add(stage)
    return stages


def current_stage(item: GalleryItem, owned: set[int], stages: set[int]) -> int:
    """0 without the key, else 1 plus each stage unlocked in order (never a skipped one)."""
    if not collection_open(item, owned):
        return 0
    stage = 1
    while stage + 1 in stages:
        stage += 1
    return stage


def _key_condition(item: GalleryItem) -> ConditionState:
    key = item.collection.key_item
    return ConditionState(
        stage=1,
        kind=KEY_ITEM,
        met=False,
        current=0,
        required=1,
        key_item=key.slug,
        label=key.name,
    )


def condition_state(*, player, condition: UnlockCondition | None, stage: int) -> ConditionState:
    """How the player stands against ``condition`` (read now; met means unlockable now)."""
    if condition is None:
        return ConditionState(stage=stage, kind=UNAVAILABLE, met=False)
    kind = condition.kind
    if kind == UnlockKind.COINS:
        balance = player_balance(player=player)
        return ConditionState(
            stage=stage,
            kind=kind,
            met=balance >= condition.coins,
            current=min(balance, condition.coins),
            required=condition.coins,
            coins=condition.coins,
        )
    if kind == UnlockKind.VIP_TIER:
        have = rules.tier_rank(vip_tier_for(player))
        need = rules.tier_rank(condition.vip_tier)
        return ConditionState(
            stage=stage,
            kind=kind,
            met=have >= need,
            current=min(have, need),
            required=need,
            vip_tier=condition.vip_tier,
            label=condition.get_vip_tier_display(),
        )
    if kind == UnlockKind.PASS_TIER:
        tier = condition.pass_tier
        reached = PassTierReached.objects.filter(player=player, tier=tier).exists()
        xp = pass_xp_for(player=player, season=tier.season)
        return ConditionState(
            stage=stage,
            kind=kind,
            met=reached or xp >= tier.xp_required,
            current=tier.xp_required if reached else min(xp, tier.xp_required),
            required=tier.xp_required,
            pass_tier=tier.number,
            season=tier.season.name,
        )
    missions = PlayerMission.objects.filter(player=player, completed_at__isnull=False)
    if condition.mission_template_id is not None:
        missions = missions.filter(template_id=condition.mission_template_id)
    done = missions.count()
    template = condition.mission_template
    return ConditionState(
        stage=stage,
        kind=kind,
        met=done >= condition.mission_count,
        current=min(done, condition.mission_count),
        required=condition.mission_count,
        mission=template.code if template else "",
        label=template.title if template else "",
    )


def _conditions(item_ids) -> dict[tuple[int, int], UnlockCondition]:
    rows = UnlockCondition.objects.filter(item_id__in=list(item_ids)).select_related(
        "pass_tier", "pass_tier__season", "mission_template"
    )
    return {(row.item_id, row.stage): row for row in rows}


def item_states(*, player, items=None) -> list[ItemState]:
    """Each visible item with the player's stage and the condition for the next stage."""
    items = list(visible_items(player=player) if items is None else items)
    ids = [item.pk for item in items]
    owned = owned_item_ids(player=player)
    stages = unlocked_stages(player=player, item_ids=ids)
    conditions = _conditions(ids)
    states = []
    for item in items:
        done = stages.get(item.pk, set())
        stage = current_stage(item, owned, done)
        if stage == 0:
            upcoming = _key_condition(item)
        elif stage == 3:
            upcoming = None
        else:
            upcoming = condition_state(
                player=player, condition=conditions.get((item.pk, stage + 1)), stage=stage + 1
            )
        unlocked = tuple(s for s in (1, 2, 3) if s <= stage)
        states.append(ItemState(item=item, stage=stage, next=upcoming, unlocked_stages=unlocked))
    return states


def item_state(*, player, item: GalleryItem) -> ItemState:
    return item_states(player=player, items=[item])[0]


def media_file(*, player, item_id: int, stage: int, thumb: bool) -> Path | None:
    """The stage file the player may see, or None (locked, unknown, hidden, not derived)."""
    if stage not in (1, 2, 3):
        return None
    item = visible_item(player=player, item_id=item_id)
    if item is None:
        return None
    owned = owned_item_ids(player=player)
    done = unlocked_stages(player=player, item_ids=[item.pk]).get(item.pk, set())
    if stage > current_stage(item, owned, done):
        return None
    path = derived_file(item.asset_token, stage, thumb=thumb)
    return path if path.is_file() else None
