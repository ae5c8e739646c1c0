"""The segments as broadcast audiences (accounts.audiences): one per segment, and heavy play.

Registered in ``GamesConfig.ready``. Each returns the player ids of the last
nightly run; heavy play is ``no_wager`` (no links into games, shop or
leaderboards: accounts/audiences.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.audiences import register_audience
from games.segments.models import PlayerSegment, Segment

HEAVY_PLAY = "heavy_play"


def _members(segment: str):
    return lambda: PlayerSegment.objects.filter(segment=segment).values("player_id")


def register_segment_audiences() -> None:
    for value, label in Segment.choices:
        register_audience(value, label, _members(value))
    register_audience(
        HEAVY_PLAY,
        _("Heavy play (flag)"),
        lambda: PlayerSegment.objects.filter(heavy_play=True).values("player_id"),
        no_wager=True,
    )
