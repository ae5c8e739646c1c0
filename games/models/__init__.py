"""The games' tables. One module per concern; import every model here."""

from games.leaderboards.models import LeaderboardScore  # noqa: F401 (leaderboards)
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat  # noqa: F401 (live matches)
from games.models.character import Character, DialogueLine  # noqa: F401 (the character)
from games.models.core import GameConfig, GameRound, SeedPair
from games.segments.models import ForecastFit, PlayerSegment, ProfileQuiz  # noqa: F401

__all__ = ["GameConfig", "GameRound", "SeedPair"]
