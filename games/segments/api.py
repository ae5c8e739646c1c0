"""``GET /api/user-segments/me`` and ``GET/PUT /api/profile-quiz``: the caller's own only."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from games.segments.models import PlayStyle, ProfileQuiz, Segment
from games.segments.quiz import quiz_answer, quiz_questions
from games.segments.selectors import active_window, recommendations_for, segment_of


def segment_payload(player) -> dict:
    row = segment_of(player)
    recommended = recommendations_for(player, row=row)
    return {
        "segment": row.segment if row else None,
        "scores": {
            "recency": row.r_score if row else None,
            "frequency": row.f_score if row else None,
            "monetary": row.m_score if row else None,
        },
        "recency_days": row.recency_days if row else None,
        "active_days_30": row.active_days if row else 0,
        "coins_wagered_30": row.coins_wagered if row else 0,
        "heavy_play": bool(row and row.heavy_play),
        "forecast_active_days": row.forecast if row else None,
        "computed_at": row.computed_at if row else None,
        "recommended_missions": [
            {"id": item["mission_id"], "title": item["title"], "reason": item["reason"]}
            for item in recommended
            if item["kind"] == "mission"
        ],
        "recommendations": [
            {
                "kind": item["kind"],
                "code": item["code"],
                "title": item["title"],
                "reason": item["reason"],
                "url": reverse(item["url_name"]),
            }
            for item in recommended
        ],
        "time_window": active_window(player),
    }


@extend_schema_serializer(component_name="SegmentScores")
class ScoresSerializer(serializers.Serializer):
    recency = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    frequency = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    monetary = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)


@extend_schema_serializer(component_name="RecommendedMission")
class MissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    reason = serializers.CharField()


@extend_schema_serializer(component_name="Recommendation")
class RecommendationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["mission", "activity"])
    code = serializers.CharField()
    title = serializers.CharField()
    reason = serializers.CharField()
    url = serializers.CharField()


@extend_schema_serializer(component_name="TimeWindow")
class TimeWindowSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM, the player's time zone.")
    end = serializers.CharField()
    time_zone = serializers.CharField()


@extend_schema_serializer(component_name="UserSegment")
class UserSegmentSerializer(serializers.Serializer):
    segment = serializers.ChoiceField(choices=Segment.choices, allow_null=True)
    scores = ScoresSerializer()
    recency_days = serializers.IntegerField(allow_null=True)
    active_days_30 = serializers.IntegerField()
    coins_wagered_30 = serializers.IntegerField()
    heavy_play = serializers.BooleanField()
    forecast_active_days = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    recommended_missions = MissionSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    time_window = TimeWindowSerializer(allow_null=True)


class UserSegmentMeView(APIView):
    """The caller's segment, quintile scores (1-5), forecast and suggestions.

    Computed nightly; null before the first run. Segments change suggestions
    and their timing, never odds or payouts. There is no way to read another
    player's segment.
    """

    @extend_schema(operation_id="user_segments_me", responses=UserSegmentSerializer)
    def get(self, request):
        return Response(segment_payload(request.user))


class QuizAnswersSerializer(serializers.Serializer):
    session = serializers.ChoiceField(choices=PlayStyle.choices)
    reward = serializers.ChoiceField(choices=PlayStyle.choices)
    pace = serializers.ChoiceField(choices=PlayStyle.choices)


class QuizPutSerializer(serializers.Serializer):
    answers = QuizAnswersSerializer()


@extend_schema_serializer(component_name="ProfileQuiz")
class QuizSerializer(serializers.Serializer):
    questions = serializers.ListField(child=serializers.DictField())
    answers = serializers.DictField(child=serializers.CharField())
    style = serializers.ChoiceField(choices=PlayStyle.choices, allow_null=True)


def quiz_payload(player) -> dict:
    quiz = ProfileQuiz.objects.filter(player=player).first()
    return {
        "questions": quiz_questions(),
        "answers": quiz.answers if quiz else {},
        "style": quiz.style if quiz else None,
    }


class ProfileQuizView(APIView):
    """The optional play-style quiz: its questions and the caller's answers.

    PUT replaces the answers (retake any time); an answer outside a question's
    choices is a 400 and nothing changes.
    """

    @extend_schema(operation_id="profile_quiz_retrieve", responses=QuizSerializer)
    def get(self, request):
        return Response(quiz_payload(request.user))

    @extend_schema(
        operation_id="profile_quiz_update", request=QuizPutSerializer, responses=QuizSerializer
    )
    def put(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        quiz_answer(player=request.user, answers=data.get("answers"))
        return Response(quiz_payload(request.user))
