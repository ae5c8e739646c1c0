"""Recommendations: never wager-pushing for heavy-play or restricted players, each with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from games.segments.models import PlayStyle, Segment
from games.segments.recommend import (
    WAGER_MISSION_TYPES,
    MissionInfo,
    recommendations_pick,
    wager_block_register,
    wager_blocked,
)

MISSION_TYPES = [
    "PLAY_ROUNDS",
    "WIN_ROUNDS",
    "WAGER_COINS",
    "CLAIM_DAILY_BONUS",
    "WIN_LIVE_MATCH",
    "LOGIN_DAYS",
    "TAKE_BREAK",
]

missions = st.lists(
    st.builds(
        MissionInfo,
        id=st.integers(1, 10_000),
        title=st.text(min_size=1, max_size=20),
        type=st.sampled_from(MISSION_TYPES),
        done=st.booleans(),
    ),
    max_size=8,
    unique_by=lambda mission: mission.id,
)
segments = st.sampled_from([None, *Segment.values])
styles = st.sampled_from([None, *PlayStyle.values])


@given(segment=segments, style=styles, missions=missions, heavy=st.booleans())
def test_restricted_players_never_get_wager_pushing_items(segment, style, missions, heavy):
    """Cooled-off, excluded or low-mood (restricted) and heavy-play players, in
    every segment and style: nothing that asks for a wager."""
    items = recommendations_pick(
        segment=segment, heavy_play=heavy, restricted=True, style=style, missions=missions
    )
    assert items
    assert not any(item["wager"] for item in items)
    assert not any(item["code"] in WAGER_MISSION_TYPES for item in items)
    assert items[0]["code"] == "break"


@given(segment=segments, style=styles, missions=missions)
def test_heavy_play_drives_a_break_and_no_wagers(segment, style, missions):
    items = recommendations_pick(
        segment=segment, heavy_play=True, restricted=False, style=style, missions=missions
    )
    assert items[0]["code"] == "break"
    assert not any(item["wager"] for item in items)


@given(segment=segments, style=styles, missions=missions, heavy=st.booleans())
def test_every_item_has_a_reason_and_at_most_four(segment, style, missions, heavy):
    items = recommendations_pick(
        segment=segment, heavy_play=heavy, restricted=False, style=style, missions=missions
    )
    assert 1 <= len(items) <= 4
    assert all(item["reason"] and item["title"] for item in items)
    assert not any(
        item["mission_id"] in {m.id for m in missions if m.done}
        for item in items
        if item["kind"] == "mission"
    )


def test_the_quiz_changes_the_suggestion():
    def codes(style):
        return [
            item["code"]
            for item in recommendations_pick(
                segment=Segment.CASUAL, heavy_play=False, restricted=False, style=style, missions=[]
            )
        ]

    assert "quiz" in codes(None)
    assert "gallery" in codes(PlayStyle.COLLECTOR)
    assert "leaderboard" in codes(PlayStyle.COMPETITIVE)
    assert "quiz" not in codes(PlayStyle.SOCIAL)


def test_a_registered_block_restricts(monkeypatch):
    from games.segments import recommend

    monkeypatch.setattr(recommend, "_wager_blocks", [])
    assert not wager_blocked(object())
    wager_block_register(lambda player: True)
    assert wager_blocked(object())


@pytest.mark.django_db
def test_the_home_page_shows_today_for_you(client):
    from tests.support.factories import MissionFactory, MissionTemplateFactory, PlayerFactory

    player = PlayerFactory()
    MissionFactory(
        player=player, template=MissionTemplateFactory(type="LOGIN_DAYS", title="Come by")
    )
    client.force_login(player)
    html = client.get("/").content.decode()
    assert 'data-testid="today-for-you"' in html
    assert "Come by" in html
    section = html[html.index("today-for-you") :]
    assert "This one needs no coins at all." in section, section[:1500]


@pytest.mark.django_db
def test_breaks_limits_and_a_low_mood_block_wager_suggestions(player, other_player, make_player):
    """The registered blocks, with the real responsible-play and mood services."""
    from accounts.mood import mood_check_in
    from accounts.responsible_models import ExclusionKind
    from accounts.responsible_settings import COOL_OFF_DURATIONS, exclusion_start

    calm = make_player("Calm")
    assert not wager_blocked(player)

    exclusion_start(
        player=player,
        kind=ExclusionKind.COOL_OFF,
        duration=next(iter(COOL_OFF_DURATIONS)),
        confirm=True,
    )
    mood_check_in(player=other_player, mood="low")
    mood_check_in(player=calm, mood="great")

    assert wager_blocked(player)
    assert wager_blocked(other_player)
    assert not wager_blocked(calm)
