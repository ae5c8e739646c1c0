"""The profile quiz: GET/PUT /api/profile-quiz and its page; bad answers change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from games.segments.models import ProfileQuiz
from tests.support.factories import PlayerFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"session": "collector", "reward": "collector", "pace": "social"}


@pytest.fixture
def alice(client):
    player = PlayerFactory(nickname="alice")
    client.force_login(player)
    return player


def test_it_works_and_can_be_retaken(client, alice):
    body = client.get("/api/profile-quiz").json()
    assert body["style"] is None and len(body["questions"]) == 3

    put = client.put("/api/profile-quiz", {"answers": ANSWERS}, content_type="application/json")
    assert put.status_code == 200
    assert put.json()["style"] == "collector"

    again = {"session": "relaxed", "reward": "relaxed", "pace": "social"}
    client.put("/api/profile-quiz", {"answers": again}, content_type="application/json")
    quiz = ProfileQuiz.objects.get(player=alice)
    assert (quiz.style, quiz.answers) == ("relaxed", again)


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {**ANSWERS, "pace": "gambler"}},
        {"answers": {"session": "relaxed"}},
        {"answers": "relaxed"},
        {},
    ],
)
def test_answers_outside_the_choices_are_refused(client, alice, body):
    client.put("/api/profile-quiz", {"answers": ANSWERS}, content_type="application/json")
    response = client.put("/api/profile-quiz", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_quiz_answer"
    assert ProfileQuiz.objects.get(player=alice).answers == ANSWERS  # unchanged


def test_a_tie_goes_to_the_first_answer(client, alice):
    answers = {"session": "social", "reward": "relaxed", "pace": "competitive"}
    response = client.put(
        "/api/profile-quiz", {"answers": answers}, content_type="application/json"
    )
    assert response.json()["style"] == "social"


def test_the_page_saves_and_refuses(client, alice):
    assert client.get("/profile/quiz/").status_code == 200
    assert client.post("/profile/quiz/", {**ANSWERS, "pace": "x"}).status_code == 400
    assert not ProfileQuiz.objects.exists()
    assert client.post("/profile/quiz/", ANSWERS).status_code == 302
    assert ProfileQuiz.objects.get(player=alice).style == "collector"


def test_the_quiz_feeds_the_recommendations(client, alice):
    client.put("/api/profile-quiz", {"answers": ANSWERS}, content_type="application/json")
    codes = [item["code"] for item in client.get("/api/user-segments/me").json()["recommendations"]]
    assert "gallery" in codes and "quiz" not in codes


def test_the_quiz_page_is_korean(client, alice):
    html = client.get("/profile/quiz/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "내 플레이 스타일" in html and "답변 저장" in html
    assert "Save my answers" not in html


def test_export_has_the_quiz_and_segment_and_deletion_removes_them(client, alice):
    import json

    from accounts.privacy import account_export
    from games.segments.models import PlayerSegment
    from games.segments.services import segments_compute

    client.put("/api/profile-quiz", {"answers": ANSWERS}, content_type="application/json")
    segments_compute(now=alice.created_at + timedelta(minutes=1))
    data = json.loads("".join(account_export(player=alice)))
    assert data["profile_quiz"][0]["style"] == "collector"
    assert data["segment"][0]["segment"] == "NEW"

    from accounts.privacy import account_delete
    from tests.support.clients import PASSWORD

    account_delete(player=alice, password=PASSWORD)
    assert not ProfileQuiz.objects.filter(player=alice).exists()
    assert not PlayerSegment.objects.filter(player=alice).exists()
