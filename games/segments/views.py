"""The profile quiz page: the same questions and the same service as ``PUT /api/profile-quiz``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casino_club.kit.errors import DomainError
from games.segments.models import ProfileQuiz
from games.segments.quiz import quiz_answer, quiz_questions


@login_required
def quiz_page(request):
    quiz = ProfileQuiz.objects.filter(player=request.user).first()
    answers = quiz.answers if quiz else {}
    error = None
    if request.method == "POST":
        posted = {q["id"]: request.POST.get(q["id"], "") for q in quiz_questions()}
        try:
            quiz = quiz_answer(player=request.user, answers=posted)
        except DomainError:
            error = _("Please pick one answer for each question.")
            answers = posted
        else:
            messages.success(request, _("Thanks: your suggestions now follow your play style."))
            return redirect("profile-quiz")
    status = 400 if error else 200
    return render(
        request,
        "games/profile_quiz.html",
        {"questions": quiz_questions(), "answers": answers, "quiz": quiz, "error": error},
        status=status,
    )
