"""Progression's JSON API: missions, events and the published numbers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.api_fields import LocalizedTextField
from casino_club.kit.errors import NotFound
from casino_club.kit.throttles import ThrottledViewMixin
from economy.idempotency import idempotency_parameters, idempotent
from economy.progression import selectors
from economy.progression.services.missions import mission_claim, missions_current

# Ids are PostgreSQL integers; a larger number cannot name a mission.
MAX_ID = 2**31 - 1


@extend_schema_serializer(component_name="ProgressionError")
class ProgressionErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "ProgressionErrorBody",
        {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(),
        },
    )


@extend_schema_serializer(component_name="MissionItem")
class MissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="template.code")
    title = LocalizedTextField("title", source="template")
    description = LocalizedTextField("description", source="template")
    type = serializers.CharField(source="template.type")
    game = serializers.CharField(source="template.game")
    period = serializers.ChoiceField(["DAILY", "WEEKLY"])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    progress = serializers.IntegerField()
    target = serializers.IntegerField()
    reward_coins = serializers.IntegerField()
    reward_xp = serializers.IntegerField()
    status = serializers.ChoiceField(["in_progress", "completed", "claimed"])
    claimed_at = serializers.DateTimeField(allow_null=True)


class MissionListView(APIView):
    """The caller's missions for today and this week (assigned on first read)."""

    @extend_schema_serializer(component_name="MissionList")
    class MissionListOutputSerializer(serializers.Serializer):
        missions = MissionSerializer(many=True)

    @extend_schema(operation_id="missions_list", responses={200: MissionListOutputSerializer})
    def get(self, request):
        missions = missions_current(player=request.user)
        return Response(self.MissionListOutputSerializer({"missions": missions}).data)


class MissionClaimView(ThrottledViewMixin, APIView):
    """Claim a completed mission's reward (coins through the ledger, and XP), once."""

    throttle_scope = "claim"

    @extend_schema_serializer(component_name="MissionClaimResult")
    class MissionClaimOutputSerializer(serializers.Serializer):
        mission = MissionSerializer()
        coins = serializers.IntegerField()
        xp = serializers.IntegerField()
        balance = serializers.IntegerField()

    @extend_schema(
        operation_id="missions_claim",
        request=None,
        parameters=[
            OpenApiParameter(
                "mission_id",
                {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                OpenApiParameter.PATH,
            ),
            *idempotency_parameters(200),
        ],
        responses={
            200: MissionClaimOutputSerializer,
            404: ProgressionErrorSerializer,
            409: ProgressionErrorSerializer,
            422: ProgressionErrorSerializer,
        },
    )
    @idempotent
    def post(self, request, mission_id: int):
        if mission_id > MAX_ID:
            raise NotFound(gettext_lazy("No such mission."))
        result = mission_claim(player=request.user, mission_id=mission_id)
        return Response(self.MissionClaimOutputSerializer(result).data)


@extend_schema_serializer(component_name="ProgressionEvent")
class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = LocalizedTextField("name")
    description = LocalizedTextField("description")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    xp_multiplier = serializers.DecimalField(max_digits=3, decimal_places=2)
    mission_reward_multiplier = serializers.DecimalField(max_digits=3, decimal_places=2)
    shop_discount_percent = serializers.IntegerField()


class EventListView(APIView):
    """Limited-time events running now and starting in the next 30 days."""

    @extend_schema_serializer(component_name="EventList")
    class EventListOutputSerializer(serializers.Serializer):
        active = EventSerializer(many=True)
        upcoming = EventSerializer(many=True)

    @extend_schema(operation_id="events_list", responses={200: EventListOutputSerializer})
    def get(self, request):
        data = {"active": selectors.events_active(), "upcoming": selectors.events_upcoming()}
        return Response(self.EventListOutputSerializer(data).data)


class ProgressionRulesView(APIView):
    """The published numbers: level curve, VIP tiers and their perks, XP rules."""

    @extend_schema_serializer(component_name="ProgressionRules")
    class RulesOutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="ProgressionLevel")
        class LevelSerializer(serializers.Serializer):
            level = serializers.IntegerField()
            xp = serializers.IntegerField()
            reward_coins = serializers.IntegerField()

        @extend_schema_serializer(component_name="ProgressionTier")
        class TierSerializer(serializers.Serializer):
            tier = serializers.CharField()
            label = serializers.CharField()
            min_xp = serializers.IntegerField()
            min_days_played = serializers.IntegerField()
            daily_bonus_multiplier = serializers.CharField()

        @extend_schema_serializer(component_name="ProgressionXpRules")
        class XpRulesSerializer(serializers.Serializer):
            xp_per_round = serializers.IntegerField()
            coins_per_wager_xp = serializers.IntegerField()
            xp_per_live_match = serializers.IntegerField()
            play_xp_daily_cap = serializers.IntegerField()
            max_level = serializers.IntegerField()

        levels = LevelSerializer(many=True)
        tiers = TierSerializer(many=True)
        xp_rules = XpRulesSerializer()

    @extend_schema(operation_id="progression_rules", responses={200: RulesOutputSerializer})
    def get(self, request):
        return Response(self.RulesOutputSerializer(selectors.progression_rules()).data)
