from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_player_changes_time_zone_and_leaderboard_visibility(player_client, player):
    response = player_client.patch(
        "/api/users/me",
        {"time_zone": "Asia/Seoul", "show_on_leaderboards": False},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["time_zone"] == "Asia/Seoul"
    player.refresh_from_db()
    assert (player.time_zone, player.show_on_leaderboards) == ("Asia/Seoul", False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"nickname": "has space"}, "nickname"),
        ({"show_on_leaderboards": "perhaps"}, "show_on_leaderboards"),
    ],
)
def test_bad_profile_change_is_refused_and_changes_nothing(
    player_client, player, other_player, change, field
):
    response = player_client.patch("/api/users/me", change, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    player.refresh_from_db()
    assert (player.nickname, player.time_zone, player.show_on_leaderboards) == (
        "Alice",
        "UTC",
        True,
    )


def test_profile_page_saves_preferences(client, player):
    client.force_login(player)

    page = client.get("/profile/")
    assert page.status_code == 200
    assert b"Alice" in page.content

    response = client.post(
        "/profile/", {"nickname": "Alicia", "time_zone": "Europe/Berlin"}, follow=True
    )
    assert b"Your profile is saved." in response.content
    player.refresh_from_db()
    assert player.nickname == "Alicia"
    assert player.show_on_leaderboards is False  # an unticked checkbox means off


def test_taken_nickname_is_a_conflict(player_client, player, other_player):
    response = player_client.patch("/api/users/me", {"nickname": "BOB"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"nickname": ["Taken."]}
    player.refresh_from_db()
    assert player.nickname == "Alice"
