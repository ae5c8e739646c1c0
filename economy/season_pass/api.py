"""The season pass's JSON API: status of every tier, and claiming one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.api_fields import LocalizedTextField
from casino_club.kit.throttles import ThrottledViewMixin
from economy.api import ErrorSerializer
from economy.idempotency import idempotency_parameters, idempotent
from economy.season_pass import selectors, services
from economy.shop.api import ShopItemSerializer


@extend_schema_serializer(component_name="PassSeason")
class SeasonSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField("name")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="PassReward")
class RewardSerializer(serializers.Serializer):
    kind = serializers.CharField(source="reward_kind")
    label = serializers.SerializerMethodField()
    coins = serializers.IntegerField()
    xp = serializers.IntegerField()
    item = ShopItemSerializer(allow_null=True)

    def get_label(self, tier) -> str:
        return selectors.reward_label(tier)


@extend_schema_serializer(component_name="PassTierState")
class TierSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="tier.number")
    xp_required = serializers.IntegerField(source="tier.xp_required")
    reward = RewardSerializer(source="tier")
    state = serializers.ChoiceField(["locked", "claimable", "claimed"])


class PassStatusView(APIView):
    """The running season, the caller's season XP and tier, and every tier's state."""

    @extend_schema_serializer(component_name="PassStatus")
    class OutputSerializer(serializers.Serializer):
        season = SeasonSerializer(allow_null=True)
        xp = serializers.IntegerField()
        tier = serializers.IntegerField()
        next_tier_xp = serializers.IntegerField(allow_null=True)
        time_left_seconds = serializers.SerializerMethodField()
        claimable = serializers.IntegerField()
        tiers = TierSerializer(many=True)

        def get_time_left_seconds(self, state) -> int | None:
            return int(state.time_left.total_seconds()) if state.time_left is not None else None

    @extend_schema(operation_id="battlepass_status", responses={200: OutputSerializer})
    def get(self, request):
        state = selectors.pass_status(player=request.user)
        return Response(self.OutputSerializer(state).data)


class PassClaimView(ThrottledViewMixin, APIView):
    """Claim a reached tier's reward, once."""

    throttle_scope = "claim"

    @extend_schema_serializer(component_name="PassClaimInput")
    class InputSerializer(serializers.Serializer):
        tier = serializers.IntegerField(min_value=1, max_value=1000)

    @extend_schema_serializer(component_name="PassClaimResult")
    class OutputSerializer(serializers.Serializer):
        tier = serializers.IntegerField(source="tier.number")
        reward = RewardSerializer(source="tier")
        transaction_id = serializers.IntegerField(source="claim.transaction_id", allow_null=True)
        balance = serializers.IntegerField(allow_null=True)
        claimed_at = serializers.DateTimeField(source="claim.claimed_at")

    @extend_schema(
        operation_id="battlepass_claim",
        request=InputSerializer,
        parameters=idempotency_parameters(201),
        responses={
            201: OutputSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            422: ErrorSerializer,
        },
    )
    @idempotent
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.pass_tier_claim(
            player=request.user, tier_number=data.validated_data["tier"]
        )
        return Response(self.OutputSerializer(result).data, status=status.HTTP_201_CREATED)
