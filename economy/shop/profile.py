"""The shop's part of the profile: what the player wears.

Imported from ``EconomyConfig.ready`` (the contributor API is in ``accounts/profile.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONArray

from accounts.models import User
from accounts.profile import register_profile_contributor
from casino_club.kit.db import JSONArrayAgg
from casino_club.kit.translated import localized
from economy.models import InventoryItem

# The worn items travel as one JSON array of arrays, in this order.
COLUMNS = (
    "category",
    "item__slug",
    "item__name",
    "item__name_ko",
    "item__category",
    "item__preview",
    "item__color",
)


def annotations(now: datetime) -> dict[str, Any]:
    worn = (
        InventoryItem.objects.filter(player=OuterRef("pk"), equipped=True)
        .order_by()
        .values("player")
        .annotate(rows=JSONArrayAgg(JSONArray(*COLUMNS)))
        .values("rows")
    )
    return {"shop_equipped": Subquery(worn)}


def render(row: User, now: datetime) -> dict:
    """As ``equipped_cosmetics_for``: ``{"avatar_frame": {slug, name, ...}}``, by category."""
    equipped = {}
    # Sorted like InventoryItem's ordering (its category first); one item per category.
    for category, slug, name, name_ko, item_category, preview, color in sorted(
        row.shop_equipped or [], key=lambda worn: worn[0]
    ):
        equipped[category.lower()] = {
            "slug": slug,
            "name": localized({"name": name, "name_ko": name_ko}, "name"),
            "category": item_category,
            "preview": preview,
            "color": color,
        }
    return {"equipped_cosmetics": equipped}


register_profile_contributor(annotations=annotations, render=render)
