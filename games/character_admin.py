"""Moderators edit the character and its lines (the Moderators group has the permissions)."""

from __future__ import annotations

from django.contrib import admin

from games.dialogue import dialogue_lines_forget
from games.models import Character, DialogueLine


class ForgetLinesMixin:
    """Every edit drops the cached lines, so the next pick reads the new text."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        dialogue_lines_forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        dialogue_lines_forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        dialogue_lines_forget()


@admin.register(Character)
class CharacterAdmin(ForgetLinesMixin, admin.ModelAdmin):
    list_display = ["name", "look", "is_active"]


@admin.register(DialogueLine)
class DialogueLineAdmin(ForgetLinesMixin, admin.ModelAdmin):
    list_display = ["situation", "tone", "text_en", "text_ko", "animation", "sound", "is_active"]
    list_filter = ["situation", "tone", "is_active", "character"]
    search_fields = ["text_en", "text_ko"]
    list_editable = ["is_active"]
