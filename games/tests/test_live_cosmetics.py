"""Live RPS shows each player the frame and title their opponent wears."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from economy.models import InventoryItem, ShopItem
from games.live_rps.models import LiveMatch
from games.live_rps.services import matched_event

pytestmark = pytest.mark.django_db


def test_matched_event_carries_each_players_frame_and_title(player, other_player):
    frame = ShopItem.objects.get(slug="frame-emerald")
    InventoryItem.objects.create(
        player=player, item=frame, category=frame.category, equipped=True, source="SHOP"
    )
    match = LiveMatch.objects.create(
        player_one=player,
        player_two=other_player,
        stake=10,
        commit_deadline=timezone.now() + timedelta(seconds=30),
    )

    players = matched_event(match)["players"]

    assert players[str(player.pk)]["frame"]["slug"] == "frame-emerald"
    assert players[str(player.pk)]["title"] is None
    assert players[str(other_player.pk)]["frame"] is None
