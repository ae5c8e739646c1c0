"""Moderating the shop: items are edited here; purchases and inventories are read-only."""

from __future__ import annotations

from django.contrib import admin

from casino_club.kit.admin import ReadOnlyAdminMixin, TranslatedAdminMixin
from economy.models import InventoryItem, PassTier, Referral, Season, ShopItem, ShopPurchase


@admin.register(ShopItem)
class ShopItemAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "category", "price", "listed", "stock", "min_vip_tier"]
    list_filter = ["category", "listed"]
    search_fields = ["name", "name_ko", "slug"]
    filter_horizontal = ["sale_events"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ShopPurchase)
class ShopPurchaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "player", "item", "quantity", "unit_price", "total", "sale_event"]
    list_select_related = ["player", "item", "sale_event"]
    search_fields = ["player__nickname", "item__slug"]


@admin.register(InventoryItem)
class InventoryItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "item", "quantity", "equipped", "source", "acquired_at"]
    list_filter = ["category", "source", "equipped"]
    list_select_related = ["player", "item"]
    search_fields = ["player__nickname", "item__slug"]


class PassTierInline(admin.TabularInline):
    model = PassTier
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(Season)
class SeasonAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "starts_at", "ends_at"]
    inlines = [PassTierInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # A withheld reward names why: the invitee shares the inviter's network
    # or device (docs/safety.md, "Abuse cases").
    list_display = ["created_at", "inviter", "invitee", "code", "rewarded_at", "reward_withheld"]
    list_filter = ["reward_withheld"]
    list_select_related = ["inviter", "invitee"]
    search_fields = ["inviter__nickname", "invitee__nickname", "code"]
