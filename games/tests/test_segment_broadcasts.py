"""Moderators target a scheduled message at a segment: members only, opted in, no break, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import responsible_settings
from accounts.models import Audience, Broadcast, ExclusionKind, Notification, User
from accounts.notifications import (
    InvalidBroadcast,
    broadcast_schedule,
    broadcasts_send_due,
    marketing_answer,
)
from games.segments.models import PlayerSegment
from games.segments.services import segments_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(make_player):
    new_in, new_out, casual_in, new_on_break = (make_player(f"Seg{n}") for n in range(4))
    User.objects.filter(pk=casual_in.pk).update(created_at=timezone.now() - timedelta(days=40))
    for player in (new_in, casual_in, new_on_break):
        marketing_answer(player=player, opt_in=True)
    marketing_answer(player=new_out, opt_in=False)
    responsible_settings.exclusion_start(
        player=new_on_break, kind=ExclusionKind.COOL_OFF, duration="24h", confirm=True
    )
    segments_compute()
    assert dict(PlayerSegment.objects.values_list("player__nickname", "segment")) == {
        "Seg0": "NEW",
        "Seg1": "NEW",
        "Seg2": "CASUAL",
        "Seg3": "NEW",
    }
    return new_in, new_out, casual_in, new_on_break


def received(title: str) -> list[str]:
    return sorted(
        Notification.objects.filter(title=title).values_list("player__nickname", flat=True)
    )


def test_a_segment_message_reaches_opted_in_members_not_on_a_break_once(population, moderator):
    broadcast_schedule(
        author=moderator,
        audience=Audience.SEGMENT,
        segment="NEW",
        title="Welcome week",
        url="/missions/",
    )

    assert broadcasts_send_due() == 1
    assert broadcasts_send_due() == 0  # a second run sends nothing more
    assert received("Welcome week") == ["Seg0"]
    assert Broadcast.objects.get(title="Welcome week").recipients == 1


def test_an_unknown_segment_is_refused(moderator):
    with pytest.raises(InvalidBroadcast) as error:
        broadcast_schedule(author=moderator, audience=Audience.SEGMENT, segment="VIP", title="x")
    assert "segment" in error.value.fields
    assert not Broadcast.objects.exists()


def test_heavy_play_gets_no_link_into_games_shop_or_leaderboards(moderator):
    for url in ("/games/slots/", "/shop/?sale=1", "/leaderboards/"):
        with pytest.raises(InvalidBroadcast):
            broadcast_schedule(
                author=moderator,
                audience=Audience.SEGMENT,
                segment="heavy_play",
                title="Come back",
                url=url,
            )
    broadcast_schedule(
        author=moderator,
        audience=Audience.SEGMENT,
        segment="heavy_play",
        title="Time for a break?",
        url="/profile/responsible-play/",
    )
    assert list(Broadcast.objects.values_list("title", flat=True)) == ["Time for a break?"]


def test_the_admin_form_shows_errors_and_schedules_a_valid_one(moderator_client, population):
    url = "/admin/accounts/broadcast/add/"
    base = {
        "audience": "SEGMENT",
        "title": "Hi",
        "body": "",
        "send_at_0": "2026-01-01",
        "send_at_1": "10:00:00",
    }

    missing = moderator_client.post(url, {**base, "segment": ""})
    pushy = moderator_client.post(url, {**base, "segment": "heavy_play", "url": "/games/"})
    assert missing.status_code == 200 and b"Choose one of" in missing.content
    assert pushy.status_code == 200 and b"No links to games" in pushy.content
    assert not Broadcast.objects.exists()

    page = moderator_client.get(url).content.decode()
    assert 'value="CASUAL"' in page and 'value="heavy_play"' in page
    saved = moderator_client.post(url, {**base, "segment": "CASUAL", "url": "/missions/"})
    assert saved.status_code == 302
    assert Broadcast.objects.get().segment == "CASUAL"


def test_players_cannot_schedule_one(alice_client):
    api = alice_client.post(
        "/api/notification",
        {"audience": "SEGMENT", "segment": "NEW", "title": "spam"},
        content_type="application/json",
    )
    admin_page = alice_client.get("/admin/accounts/broadcast/add/")
    assert api.status_code == 403
    assert admin_page.status_code == 302  # to the admin login
    assert not Broadcast.objects.exists()
