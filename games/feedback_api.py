"""``POST /api/feedback``: the character's line for something that just happened."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
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


class RoundFeedbackRequest(serializers.Serializer):
    action_type = serializers.ChoiceField(choices=["round"])
    outcome = serializers.ChoiceField(choices=dialogue.ROUND_OUTCOMES)


class ActionFeedbackRequest(serializers.Serializer):
    action_type = serializers.ChoiceField(choices=list(dialogue.ACTION_SITUATIONS))
    outcome = serializers.ChoiceField(choices=[dialogue.DONE])


# The pairs as the schema states them, so a generated valid body is a real pair.
REQUEST_SCHEMA = PolymorphicProxySerializer(
    component_name="FeedbackRequest",
    serializers=[RoundFeedbackRequest, ActionFeedbackRequest],
    resource_type_field_name=None,
)


class BodyRequiredSchema(AutoSchema):
    """A oneOf body is not marked required by drf-spectacular; this one is."""

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


class FeedbackView(APIView):
    """The character's line for an action (`round` outcomes: big_win, win,
    return_at_or_below_stake, loss, loss_streak; every other action type takes
    `done`). Tone and suggestions follow today's mood; after a low mood the line
    is calm and losses become a break suggestion. An unknown action type or
    outcome answers 400."""

    schema = BodyRequiredSchema()

    class InputSerializer(serializers.Serializer):
        action_type = TextChoiceField(choices=dialogue.ACTION_TYPES)
        outcome = TextChoiceField(choices=(*dialogue.ROUND_OUTCOMES, dialogue.DONE))

    @extend_schema(request=REQUEST_SCHEMA, responses=CharacterLineSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        situation = dialogue.situation_for(**data.validated_data)
        return Response(dialogue.dialogue_pick(player=request.user, situation=situation))
