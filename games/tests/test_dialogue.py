"""The character's lines: POST /api/feedback, rounds carry a line, selection rules, admin.

Alice plays, Bob is another player, Maude moderates.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.mood import mood_check_in
from games.dialogue import dialogue_pick
from games.models import DialogueLine
from games.models.character import Situation, Tone
from tests.support.ledger import give_coins

pytestmark = pytest.mark.django_db


def feedback(client, action_type, outcome):
    return client.post(
        "/api/feedback", {"action_type": action_type, "outcome": outcome}, format="json"
    )


def test_feedback_returns_a_line_with_animation_and_sound(player_client):
    response = feedback(player_client, "round", "win")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"message", "animation", "sound", "situation", "tone"}
    assert body["situation"] == "win"
    assert DialogueLine.objects.filter(text_en=body["message"], situation="win").exists()


def test_feedback_for_every_action_type(player_client):
    for action_type, situation in [
        ("level_up", "level_up"),
        ("tier_up", "tier_up"),
        ("mission_complete", "mission_complete"),
        ("pass_tier", "pass_tier"),
        ("unlock", "unlock"),
        ("purchase", "purchase"),
        ("welcome_back", "welcome_back"),
        ("break", "break_suggestion"),
    ]:
        response = feedback(player_client, action_type, "done")
        assert response.status_code == 200, action_type
        assert response.json()["situation"] == situation


def test_feedback_in_korean(player_client):
    response = player_client.post(
        "/api/feedback",
        {"action_type": "round", "outcome": "loss"},
        format="json",
        headers={"accept-language": "ko"},
    )

    assert DialogueLine.objects.filter(text_ko=response.json()["message"]).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"action_type": "spin_again", "outcome": "win"},
        {"action_type": "round", "outcome": "jackpot"},
        {"action_type": "round", "outcome": "done"},
        {"action_type": "level_up", "outcome": "win"},
        {"action_type": 3, "outcome": "win"},
        {"action_type": "round"},
        {},
    ],
)
def test_unknown_action_type_or_outcome_is_refused(player_client, body):
    response = player_client.post("/api/feedback", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_feedback_needs_a_signed_in_player(api_client):
    assert feedback(api_client, "round", "win").status_code in {401, 403}


def test_recent_lines_are_not_repeated(player):
    # Four win lines ship; the last three picks are kept out while others fit.
    picks = [dialogue_pick(player=player, situation=Situation.WIN)["message"] for _ in range(4)]

    assert len(set(picks)) == 4


def test_low_mood_makes_the_tone_calm_and_losses_a_break_suggestion(player):
    mood_check_in(player=player, mood="low")

    for situation in [Situation.LOSS, Situation.LOSS_STREAK, Situation.RETURN_AT_OR_BELOW_STAKE]:
        for _ in range(5):
            line = dialogue_pick(player=player, situation=situation)
            assert line["situation"] == Situation.BREAK_SUGGESTION
            assert line["tone"] == Tone.CALM
    for _ in range(5):
        line = dialogue_pick(player=player, situation=Situation.BIG_WIN)
        assert (line["situation"], line["tone"]) == (Situation.BIG_WIN, Tone.CALM)


def test_good_mood_keeps_the_situation(player, other_player):
    mood_check_in(player=player, mood="great")
    mood_check_in(player=other_player, mood="stressed")

    assert dialogue_pick(player=player, situation=Situation.LOSS)["situation"] == Situation.LOSS
    assert (
        dialogue_pick(player=other_player, situation=Situation.LOSS)["situation"]
        == Situation.BREAK_SUGGESTION
    )


def test_every_round_response_carries_a_line(player_client, player):
    give_coins(player, 10_000)

    for slug, body in [
        ("slots", {"bet_per_line": 1, "lines": 20}),
        ("roulette", {"bets": [{"type": "red", "value": None, "amount": 10}]}),
        ("rps", {"bet": 10, "move": "rock"}),
    ]:
        response = player_client.post(f"/api/games/{slug}/play", body, format="json")
        assert response.status_code == 200, response.content
        round_ = response.json()["round"]
        line = response.json()["feedback"]["line"]
        assert line["message"]
        if round_["payout"] <= round_["wager"]:
            # A return at or below the stake is never celebrated.
            assert line["situation"] not in {Situation.WIN, Situation.BIG_WIN}


def test_three_losses_in_a_row_are_a_loss_streak(player_client, player):
    give_coins(player, 10_000)
    situations = []
    for _ in range(40):
        # A single straight bet on 0 loses most rounds (36 in 37).
        body = {"bets": [{"type": "straight", "value": 0, "amount": 1}]}
        response = player_client.post("/api/games/roulette/play", body, format="json").json()
        situations.append((response["round"]["payout"], response["feedback"]["line"]["situation"]))
    losses = 0
    for payout, situation in situations:
        losses = losses + 1 if payout == 0 else 0
        expected = "loss_streak" if losses >= 3 else ("loss" if losses else "big_win")
        assert situation == expected


def test_moderators_may_edit_lines_and_players_may_not(moderator_client, client, player):
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_dialogueline", "add_dialogueline", "change_character"} <= codenames
    line = DialogueLine.objects.filter(situation="win").first()

    page = moderator_client.get(f"/admin/games/dialogueline/{line.pk}/change/")
    assert page.status_code == 200

    client.force_login(player)
    assert client.get(f"/admin/games/dialogueline/{line.pk}/change/").status_code == 302


def test_game_pages_show_the_character(alice_client):
    for slug in ["slots", "roulette", "rps"]:
        page = alice_client.get(f"/games/{slug}/").content.decode()
        assert 'data-testid="character"' in page, slug
        assert "Momo" in page
        assert "<svg" in page
        assert "style=" not in page


def test_an_edit_in_admin_is_used_at_once(moderator_client, player):
    line = DialogueLine.objects.filter(situation="welcome_back").first()
    dialogue_pick(player=player, situation=Situation.WELCOME_BACK)  # caches the lines
    DialogueLine.objects.filter(situation="welcome_back").exclude(pk=line.pk).delete()

    response = moderator_client.post(
        f"/admin/games/dialogueline/{line.pk}/change/",
        {
            "character": line.character_id,
            "situation": "welcome_back",
            "tone": "calm",
            "text_en": "Nice to see you.",
            "text_ko": "반가워요.",
            "animation": "wave",
            "sound": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content
    assert dialogue_pick(player=player, situation=Situation.WELCOME_BACK)["message"] == (
        "Nice to see you."
    )


@pytest.mark.parametrize("mood", ["great", "good", "okay", "low", "stressed", "skipped", None])
def test_no_mood_gets_a_line_that_pushes_a_wager_after_losses(make_player, mood):
    player = make_player(f"Moody{mood or 'none'}")
    if mood:
        mood_check_in(player=player, mood=mood)
    for situation in Situation.values:
        for _ in range(3):
            line = dialogue_pick(player=player, situation=situation)
            assert line["message"], situation
            if mood in {"low", "stressed"}:
                assert line["tone"] == Tone.CALM
                assert line["situation"] not in {"loss", "loss_streak", "return_at_or_below_stake"}
