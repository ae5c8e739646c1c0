"""Moderation of progression: mission templates and events; progress is read-only.

Imported from ``economy/admin.py``. Bad input (an end before the start, a
multiplier or discount out of range, a template without a reward) is
refused by the models' validators and ``clean`` and shown on the form;
CHECK constraints in the database back every range.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.admin import ReadOnlyAdminMixin, TranslatedAdminMixin
from economy.models import Event, MissionTemplate, PlayerMission, PlayerProgress, XpGrant


@admin.register(MissionTemplate)
class MissionTemplateAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "code",
        "type",
        "target",
        "game",
        "period",
        "reward_coins",
        "reward_xp",
        "is_active",
        "position",
    ]
    list_filter = ["period", "type", "is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["code", "title", "title_ko"]
    prepopulated_fields = {"code": ["title"]}

    def has_delete_permission(self, request, obj=None):
        # Players' missions point at their template; retire one with "active" off.
        return False


@admin.register(Event)
class EventAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "starts_at",
        "ends_at",
        "xp_multiplier",
        "mission_reward_multiplier",
        "shop_discount_percent",
        "state",
        "announced_at",
    ]
    readonly_fields = ["announced_at", "created_by", "created_at"]
    search_fields = ["name", "name_ko"]
    date_hierarchy = "starts_at"

    @admin.display(description=_("state"))
    def state(self, event: Event) -> str:
        now = timezone.now()
        if event.ends_at <= now:
            return _("ended")
        if event.starts_at <= now:
            return _("running")
        return _("scheduled")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PlayerProgress)
class PlayerProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "xp", "level", "vip_tier", "days_played", "streak_count"]
    list_filter = ["vip_tier"]
    search_fields = ["player__nickname", "player__email"]
    list_select_related = ["player"]


@admin.register(PlayerMission)
class PlayerMissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "template", "period_start", "progress", "target", "status"]
    list_filter = ["period", "template"]
    search_fields = ["player__nickname"]
    list_select_related = ["player", "template"]


@admin.register(XpGrant)
class XpGrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "amount", "source", "reference", "created_at"]
    list_filter = ["source"]
    search_fields = ["player__nickname", "reference"]
    list_select_related = ["player"]
