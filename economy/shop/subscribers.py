"""The shop adds what the player wears to their profile."""

from __future__ import annotations

from accounts.profile import register_profile_contributor
from economy.shop.selectors import equipped_cosmetics_for


@register_profile_contributor
def equipped_cosmetics(player) -> dict:
    return {"equipped_cosmetics": equipped_cosmetics_for([player.pk])[player.pk]}
