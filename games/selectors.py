"""Reads of the games: the catalogue, a player's rounds and seed pairs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casino_club.kit.errors import NotFound
from games import registry
from games.models import GameConfig, GameRound, SeedPair


def config_limits(config: dict[str, Any]) -> dict[str, int]:
    """The bet limits a client needs: every ``min_*``/``max_*`` integer, plus the line count."""
    limits = {
        key: value
        for key, value in config.items()
        if (key.startswith(("min_", "max_")) or key == "table_max")
        and isinstance(value, int)
        and not isinstance(value, bool)
    }
    if isinstance(config.get("paylines"), list):
        limits["max_lines"] = len(config["paylines"])
    return limits


def active_configs() -> dict[str, GameConfig]:
    """The active configuration of each game that has one, by slug."""
    return {config.game: config for config in GameConfig.objects.filter(is_active=True)}


def game_entry(spec: registry.GameSpec, config: GameConfig) -> dict[str, Any]:
    """One game as published: its active version, exact math, limits and the full
    configuration the math is computed from (reel strips, paylines, paytable...)."""
    return {
        "slug": spec.slug,
        "name": spec.name,
        "version": config.version,
        "math": config.math,
        "limits": config_limits(config.data),
        "config": config.data,
    }


def games_catalog(*, configs: dict[str, GameConfig]) -> list[dict[str, Any]]:
    """Every registered game with its active version's published math and limits.

    ``configs`` is ``games.services.game_configs_active()`` (which creates a
    missing version 1, a write this selector leaves to the service).
    """
    return [game_entry(spec, configs[spec.slug]) for spec in registry.all_games()]


def rounds_for(
    *,
    player,
    game: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[GameRound]:
    """The player's own rounds, newest first (``since`` inclusive, ``until`` exclusive)."""
    rounds = GameRound.objects.filter(player=player)
    if game:
        rounds = rounds.filter(game=game)
    if since:
        rounds = rounds.filter(created_at__gte=since)
    if until:
        rounds = rounds.filter(created_at__lt=until)
    return rounds.order_by("-id")


def round_for(*, player, round_id: int) -> GameRound:
    """One of the player's rounds with its seed pair and config; other players' are not found."""
    found = (
        GameRound.objects.select_related("seed_pair", "config")
        .filter(player=player, pk=round_id)
        .first()
    )
    if found is None:
        raise NotFound(gettext_lazy("No such round."))
    return found


def seed_pairs_for(*, player) -> QuerySet[SeedPair]:
    """The player's seed pairs, newest first (server seeds only readable once revealed)."""
    return SeedPair.objects.filter(player=player).order_by("-created_at", "-id")
