"""Mood check-ins: the API, the home prompt and the profile (Alice plays, Bob is another player)."""

from __future__ import annotations

import pytest

from accounts.mood_models import MoodCheckIn, MoodSettings


@pytest.mark.django_db
def test_check_in_records_today_and_the_prompt_is_no_longer_due(player_client, player):
    assert player_client.get("/api/mood").json()["prompt_due"] is True

    response = player_client.post("/api/mood", {"mood": "good"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["today"] == "good"
    assert body["prompt_due"] is False
    assert [row["mood"] for row in body["history"]] == ["good"]
    assert body["history"][0]["local_date"] == player.local_date().isoformat()


@pytest.mark.django_db
def test_second_check_in_the_same_day_replaces_the_first(player_client, player):
    player_client.post("/api/mood", {"mood": "great"}, format="json")
    response = player_client.post("/api/mood", {"mood": "low"}, format="json")

    assert response.status_code == 200
    assert response.json()["today"] == "low"
    assert list(MoodCheckIn.objects.filter(player=player).values_list("mood", flat=True)) == ["low"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{"mood": "ecstatic"}, {"mood": 1}, {"mood": True}, {}, {"mood": ""}]
)
def test_mood_outside_the_list_is_refused_and_nothing_changes(player_client, player, body):
    player_client.post("/api/mood", {"mood": "okay"}, format="json")

    response = player_client.post("/api/mood", body, format="json")

    assert response.status_code == 400
    assert "mood" in response.json()["error"]["fields"]
    assert list(MoodCheckIn.objects.filter(player=player).values_list("mood", flat=True)) == [
        "okay"
    ]


@pytest.mark.django_db
def test_skipping_dismisses_the_prompt_for_today(player_client):
    player_client.post("/api/mood", {"mood": "skipped"}, format="json")

    assert player_client.get("/api/mood").json()["prompt_due"] is False


@pytest.mark.django_db
def test_players_see_only_their_own_history(player_client, other_player):
    MoodCheckIn.objects.create(
        player=other_player, mood="low", local_date=other_player.local_date()
    )

    assert player_client.get("/api/mood").json()["history"] == []


@pytest.mark.django_db
def test_turning_the_prompt_off(player_client, player):
    response = player_client.put("/api/mood/settings", {"prompt_enabled": False}, format="json")

    assert response.status_code == 200
    assert response.json()["prompt_enabled"] is False
    assert response.json()["prompt_due"] is False
    bad = player_client.put("/api/mood/settings", {"prompt_enabled": "no"}, format="json")
    assert bad.status_code == 400
    assert MoodSettings.objects.get(player=player).prompt_enabled is False


@pytest.mark.django_db
def test_mood_api_needs_a_signed_in_player(api_client):
    assert api_client.post("/api/mood", {"mood": "good"}, format="json").status_code in {401, 403}
    assert MoodCheckIn.objects.count() == 0


@pytest.mark.django_db
def test_home_asks_on_the_first_visit_of_the_day_and_the_form_works_without_js(alice_client):
    page = alice_client.get("/").content.decode()
    assert 'data-testid="mood-prompt"' in page
    assert "style=" not in page

    response = alice_client.post("/mood/", {"mood": "stressed", "next": "/"})

    assert response.status_code == 302
    assert 'data-testid="mood-prompt"' not in alice_client.get("/").content.decode()


@pytest.mark.django_db
def test_home_page_form_refuses_an_unknown_mood(alice_client, player):
    alice_client.post("/mood/", {"mood": "ecstatic", "next": "/"})

    assert MoodCheckIn.objects.filter(player=player).count() == 0


@pytest.mark.django_db
def test_profile_shows_history_and_turns_the_prompt_off(alice_client, player):
    alice_client.post("/mood/", {"mood": "great"})

    page = alice_client.get("/profile/").content.decode()
    assert 'data-testid="profile-mood"' in page
    assert "Great" in page

    alice_client.post("/mood/", {"action": "prompt"})  # unchecked box: off
    assert MoodSettings.objects.get(player=player).prompt_enabled is False
    MoodCheckIn.objects.all().delete()
    assert 'data-testid="mood-prompt"' not in alice_client.get("/").content.decode()


@pytest.mark.django_db
def test_home_prompt_is_in_korean(alice_client):
    page = alice_client.get("/", headers={"accept-language": "ko"}).content.decode()

    assert "오늘 기분은 어떠세요?" in page


@pytest.mark.django_db
def test_export_has_the_check_ins_and_deletion_removes_them(player_client, player):
    player_client.post("/api/mood", {"mood": "okay"}, format="json")

    export = b"".join(player_client.get("/api/users/me/export").streaming_content)
    assert b'"mood_check_ins"' in export
    assert b'"okay"' in export

    response = player_client.post(
        "/api/users/me/delete", {"password": "correct horse battery staple"}, format="json"
    )
    assert response.status_code == 204
    assert MoodCheckIn.objects.filter(player=player).count() == 0
