"""``POST /api/feedback``: the character's line for something that just happened."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from games import dialogue
from games.api import CharacterLineSerializer


class TextChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


# The pairs as the schema states them, so a generated valid body is a real pair.
REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "action_type": {"type": "string", "enum": ["round"]},
                "outcome": {"type": "string", "enum": list(dialogue.ROUND_OUTCOMES)},
            },
            "required": ["action_type", "outcome"],
        },
        {
            "type": "object",
            "properties": {
                "action_type": {"type": "string", "enum": list(dialogue.ACTION_SITUATIONS)},
                "outcome": {"type": "string", "enum": [dialogue.DONE]},
            },
            "required": ["action_type", "outcome"],
        },
    ]
}


class FeedbackView(APIView):
    """The character's line for an action (`round` outcomes: big_win, win,
    return_at_or_below_stake, loss, loss_streak; every other action type takes
    `done`). Tone and suggestions follow today's mood; after a low mood the line
    is calm and losses become a break suggestion. An unknown action type or
    outcome answers 400."""

    @extend_schema_serializer(component_name="FeedbackRequest")
    class InputSerializer(serializers.Serializer):
        action_type = TextChoiceField(choices=dialogue.ACTION_TYPES)
        outcome = TextChoiceField(choices=(*dialogue.ROUND_OUTCOMES, dialogue.DONE))

    @extend_schema(request={"application/json": REQUEST_SCHEMA}, responses=CharacterLineSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        situation = dialogue.situation_for(**data.validated_data)
        return Response(dialogue.dialogue_pick(player=request.user, situation=situation))
