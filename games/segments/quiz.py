"""The optional play-style quiz: three questions, each answer is one of the four styles."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casino_club.kit.errors import DomainError
from games.segments.models import PlayStyle, ProfileQuiz


class QuizAnswerInvalid(DomainError):
    code = "invalid_quiz_answer"
    status = 400
    default_message = gettext_lazy("Each question needs one of its own answers.")


def quiz_questions() -> list[dict]:
    """Each question offers every style once, in its own words."""
    return [
        {
            "id": "session",
            "text": _("What makes a good session for you?"),
            "choices": [
                {"value": PlayStyle.RELAXED, "label": _("Unwinding at my own pace")},
                {"value": PlayStyle.COMPETITIVE, "label": _("Climbing a leaderboard")},
                {"value": PlayStyle.COLLECTOR, "label": _("Unlocking something new")},
                {"value": PlayStyle.SOCIAL, "label": _("Playing against other people")},
            ],
        },
        {
            "id": "reward",
            "text": _("Which reward do you like best?"),
            "choices": [
                {"value": PlayStyle.RELAXED, "label": _("A quiet daily bonus")},
                {"value": PlayStyle.COMPETITIVE, "label": _("A top rank")},
                {"value": PlayStyle.COLLECTOR, "label": _("A gallery picture")},
                {"value": PlayStyle.SOCIAL, "label": _("A friend joining through my invite")},
            ],
        },
        {
            "id": "pace",
            "text": _("How do you like to play?"),
            "choices": [
                {"value": PlayStyle.RELAXED, "label": _("A few minutes, now and then")},
                {"value": PlayStyle.COMPETITIVE, "label": _("Aiming for a goal")},
                {"value": PlayStyle.COLLECTOR, "label": _("Completing a set")},
                {"value": PlayStyle.SOCIAL, "label": _("Live, with someone")},
            ],
        },
    ]


def quiz_check(answers) -> dict[str, str]:
    """Every question answered with one of its choices, else 400 (other keys are ignored)."""
    questions = {q["id"]: {c["value"] for c in q["choices"]} for q in quiz_questions()}
    if not isinstance(answers, dict):
        raise QuizAnswerInvalid(fields={"answers": "An object of question id to answer."})
    problems = {}
    for key, choices in questions.items():
        value = answers.get(key)
        if not isinstance(value, str) or value not in choices:
            problems[f"answers.{key}"] = "One of: " + ", ".join(sorted(choices))
    if problems:
        raise QuizAnswerInvalid(fields=problems)
    return {key: answers[key] for key in questions}


def style_from(answers: dict[str, str]) -> str:
    """The most chosen style; a tie goes to the first question's answer among the tied."""
    counts = Counter(answers.values())
    best = max(counts.values())
    for value in answers.values():
        if counts[value] == best:
            return value
    return PlayStyle.RELAXED


def quiz_answer(*, player, answers) -> ProfileQuiz:
    """Store (or replace: retake any time) the player's answers."""
    checked = quiz_check(answers)
    with transaction.atomic():
        quiz, _created = ProfileQuiz.objects.update_or_create(
            player=player,
            defaults={
                "answers": checked,
                "style": style_from(checked),
                "updated_at": timezone.now(),
            },
        )
    return quiz
