"""``/api/mood``: today's check-in, the history and the prompt setting."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mood
from accounts.mood_models import Mood
from casino_club.kit.api_fields import StrictBooleanField


class MoodChoiceField(serializers.ChoiceField):
    """A mood from the list, as a string (numbers and booleans are refused)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


@extend_schema_serializer(component_name="MoodCheckIn")
class CheckInSerializer(serializers.Serializer):
    mood = serializers.CharField()
    local_date = serializers.DateField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="MoodStatus")
class MoodStatusSerializer(serializers.Serializer):
    today = serializers.CharField(allow_null=True, help_text="Today's answer, null if none yet.")
    prompt_enabled = serializers.BooleanField()
    prompt_due = serializers.BooleanField(
        help_text="True when the home page should ask today (prompt on, no answer yet)."
    )
    moods = serializers.ListField(child=serializers.CharField())
    history = CheckInSerializer(many=True)


def mood_status(player) -> dict:
    today = mood.mood_today(player=player)
    return {
        "today": today.mood,
        "prompt_enabled": today.prompt_enabled,
        "prompt_due": today.prompt_due,
        "moods": list(Mood.values),
        "history": CheckInSerializer(mood.mood_history(player=player), many=True).data,
    }


class MoodView(APIView):
    """How the caller feels today (one answer per local day; a second answer replaces it).

    Used only for the character's tone and suggestions, never for odds or offers.
    """

    @extend_schema_serializer(component_name="MoodCheckInRequest")
    class InputSerializer(serializers.Serializer):
        mood = MoodChoiceField(choices=Mood.choices, help_text="`skipped` dismisses the prompt.")

    @extend_schema(responses=MoodStatusSerializer)
    def get(self, request):
        return Response(mood_status(request.user))

    @extend_schema(request=InputSerializer, responses=MoodStatusSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mood.mood_check_in(player=request.user, mood=data.validated_data["mood"])
        return Response(mood_status(request.user))


class MoodSettingsView(APIView):
    """Turn the daily "How do you feel today?" prompt on or off."""

    @extend_schema_serializer(component_name="MoodSettings")
    class InputSerializer(serializers.Serializer):
        prompt_enabled = StrictBooleanField()

    @extend_schema(request=InputSerializer, responses=MoodStatusSerializer)
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mood.mood_prompt_set(player=request.user, enabled=data.validated_data["prompt_enabled"])
        return Response(mood_status(request.user))
