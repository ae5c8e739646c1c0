"""The games' tables. One module per concern; import every model here."""

from games.models.core import GameConfig, GameRound, SeedPair

__all__ = ["GameConfig", "GameRound", "SeedPair"]
