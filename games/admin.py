"""Moderation of the games: publish configuration versions, read rounds and seed pairs.

A configuration is never edited in place. The add form takes the JSON, and
"Preview figures" shows the exact RTP, hit frequency and volatility of the
draft before anything is saved; "Publish" creates the next version and makes
it the active one (``games.services.game_config_publish``). Old versions stay
readable, and rounds keep pointing at the version they were played with.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from casino_club.kit.admin import ReadOnlyAdminMixin
from games import registry
from games.models import GameConfig, GameRound, SeedPair
from games.segments import admin as segments_admin  # noqa: F401 (registers its admins)
from games.services import ConfigInvalid, game_config_figures, game_config_publish, rtp_band


def describe(figures: dict) -> str:
    def percent(value) -> str:
        return "n/a" if value is None else f"{value:.4%}"

    volatility = figures.get("volatility")
    return (
        f"RTP {percent(figures['rtp'])}, hit frequency {percent(figures.get('hit_frequency'))}, "
        f"volatility {'n/a' if volatility is None else f'{volatility:.3f}'}"
    )


class GameConfigForm(forms.ModelForm):
    game = forms.ChoiceField(choices=())
    data = forms.JSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"}),
        help_text="The whole configuration as JSON; preview shows its exact math.",
    )

    class Meta:
        model = GameConfig
        fields = ["game", "data", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The read-only change view builds this form without its fields.
        if "game" in self.fields:
            self.fields["game"].choices = [(s.slug, s.name) for s in registry.all_games()]
        if "data" in self.fields:
            low, high = rtp_band()
            self.fields["data"].help_text += f" The RTP must lie between {low:.0%} and {high:.0%}."
        self.figures: dict | None = None

    def clean(self):
        cleaned = super().clean()
        slug, data = cleaned.get("game"), cleaned.get("data")
        if slug is None or "data" not in cleaned:
            return cleaned
        try:
            self.figures = game_config_figures(slug=slug, data=data)
        except ConfigInvalid as error:
            raise ValidationError({"data": error.message}) from None
        if "_preview" in self.data:
            # Shown as the form's message so the draft stays in the form, unsaved.
            raise ValidationError(
                f"Preview only, nothing saved: {describe(self.figures)}. "
                "Press “Publish as new version” to make it live."
            )
        return cleaned


@admin.register(GameConfig)
class GameConfigAdmin(admin.ModelAdmin):
    form = GameConfigForm
    list_display = [
        "game",
        "version",
        "is_active",
        "rtp_percent",
        "hit_frequency_percent",
        "volatility",
        "created_by",
        "created_at",
        "note",
    ]
    list_filter = ["game", "is_active"]
    ordering = ["game", "-version"]
    readonly_fields = [
        "game",
        "version",
        "is_active",
        "rtp",
        "hit_frequency",
        "volatility",
        "pretty_data",
        "created_by",
        "created_at",
        "note",
        "publish_from_this",
    ]

    @admin.display(description="RTP", ordering="rtp")
    def rtp_percent(self, config: GameConfig) -> str:
        return f"{config.rtp:.4%}"

    @admin.display(description="Hit frequency", ordering="hit_frequency")
    def hit_frequency_percent(self, config: GameConfig) -> str:
        return "n/a" if config.hit_frequency is None else f"{config.hit_frequency:.4%}"

    @admin.display(description="Data")
    def pretty_data(self, config: GameConfig) -> str:
        return format_html("<pre>{}</pre>", json.dumps(config.data, indent=2))

    @admin.display(description="Edit")
    def publish_from_this(self, config: GameConfig) -> str:
        url = reverse("admin:games_gameconfig_add") + f"?from={config.pk}"
        return format_html('<a href="{}">Start a new version from this one</a>', url)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["game", "data", "note"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable; publish a new one instead

    def has_delete_permission(self, request, obj=None):
        return False  # rounds point at their version

    def get_changeform_initial_data(self, request):
        source = None
        if request.GET.get("from", "").isdigit():
            source = GameConfig.objects.filter(pk=request.GET["from"]).first()
        elif request.GET.get("game"):
            source = GameConfig.objects.filter(game=request.GET["game"], is_active=True).first()
        if source is None:
            return super().get_changeform_initial_data(request)
        return {"game": source.game, "data": source.data}

    def save_model(self, request, obj, form, change):
        config = game_config_publish(
            slug=form.cleaned_data["game"],
            data=form.cleaned_data["data"],
            created_by=request.user,
            note=form.cleaned_data.get("note") or "",
        )
        # The admin goes on with ``obj`` (log entry, message, redirect).
        obj.pk, obj.version, obj.is_active = config.pk, config.version, True
        obj._state.adding = False
        self.message_user(
            request,
            f"Published {config.game} version {config.version}: {describe(form.figures)}.",
            messages.SUCCESS,
        )


@admin.register(GameRound)
class GameRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "player", "game", "wager", "payout", "nonce", "config", "created_at"]
    list_filter = ["game"]
    search_fields = ["player__nickname", "player__email"]
    list_select_related = ["player", "config"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in GameRound._meta.fields]


@admin.register(SeedPair)
class SeedPairAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "player", "server_seed_hash", "client_seed", "nonce", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["player__nickname", "server_seed_hash"]
    list_select_related = ["player"]
    # The server seed stays hidden until revealed: staff who could read it
    # could predict the player's next outcomes.
    readonly_fields = [
        "player",
        "server_seed_hash",
        "revealed_server_seed",
        "client_seed",
        "nonce",
        "is_active",
        "created_at",
        "revealed_at",
    ]
    fields = readonly_fields

    @admin.display(description="Server seed")
    def revealed_server_seed(self, pair: SeedPair) -> str:
        return pair.server_seed if pair.is_revealed else "(secret until rotated)"


from games import character_admin as _character_admin  # noqa: E402, F401 (the character and its lines)
