"""What the gallery page says about a condition, translated (the API returns the raw fields)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from economy.gallery.selectors import KEY_ITEM, UNAVAILABLE, ConditionState
from economy.models import UnlockKind


def condition_text(condition: ConditionState) -> str:
    kind = condition.kind
    if kind == KEY_ITEM:
        return _("Own the %(item)s from the shop.") % {"item": condition.label}
    if kind == UNAVAILABLE:
        return _("This stage cannot be unlocked yet.")
    if kind == UnlockKind.COINS:
        return _("%(coins)s coins.") % {"coins": f"{condition.coins:,}"}
    if kind == UnlockKind.VIP_TIER:
        return _("Reach the %(tier)s VIP tier.") % {"tier": condition.label}
    if kind == UnlockKind.PASS_TIER:
        return _("Reach tier %(tier)s of %(season)s (%(current)s of %(required)s XP).") % {
            "tier": condition.pass_tier,
            "season": condition.season,
            "current": condition.current,
            "required": condition.required,
        }
    numbers = {"current": condition.current, "required": condition.required}
    if condition.label:
        return ngettext(
            "Complete the mission “%(mission)s” (%(current)s of %(required)s time).",
            "Complete the mission “%(mission)s” (%(current)s of %(required)s times).",
            condition.required,
        ) % {"mission": condition.label, **numbers}
    return (
        ngettext(
            "Complete %(required)s mission (%(current)s done).",
            "Complete %(required)s missions (%(current)s done).",
            condition.required,
        )
        % numbers
    )
