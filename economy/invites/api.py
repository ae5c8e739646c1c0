"""Invites' JSON API: the caller's code, and redeeming a code as a new player."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.throttles import ThrottledViewMixin
from economy.api import ErrorSerializer
from economy.invites import selectors, services


class InviteView(APIView):
    """The caller's invite code and link, and how many joined with it."""

    @extend_schema_serializer(component_name="InviteSummary")
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        url = serializers.CharField()
        invite_count = serializers.IntegerField()
        invite_rewarded_count = serializers.IntegerField()
        invited_by = serializers.CharField(allow_null=True)

    @extend_schema(operation_id="invites_me", responses={200: OutputSerializer})
    def get(self, request):
        code = services.invite_code_get(player=request.user).code
        referral = selectors.invited_by(player=request.user)
        data = {
            "code": code,
            "url": request.build_absolute_uri(f"/join/{code}/"),
            "invited_by": referral.inviter.nickname if referral else None,
            **selectors.invite_counts_for(player=request.user),
        }
        return Response(self.OutputSerializer(data).data)


class InviteRedeemView(ThrottledViewMixin, APIView):
    """Use a friend's invite code (new players, within 7 days of joining, once)."""

    throttle_scope = "claim"

    @extend_schema_serializer(component_name="InviteRedeemInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.RegexField(
            r"^[A-HJ-NP-Za-hj-np-z2-9]{8}$", help_text="8 letters and digits (case-insensitive)."
        )

    @extend_schema_serializer(component_name="InviteRedeemResult")
    class OutputSerializer(serializers.Serializer):
        inviter = serializers.CharField(source="inviter.nickname")
        created_at = serializers.DateTimeField()
        rewarded = serializers.SerializerMethodField()

        reward_withheld = serializers.SerializerMethodField()

        def get_rewarded(self, referral) -> bool:
            return referral.rewarded_at is not None

        def get_reward_withheld(self, referral) -> bool:
            # The reason itself (shared network or device) is for moderators.
            return bool(referral.reward_withheld)

    @extend_schema(
        operation_id="invites_redeem",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.invite_redeem(player=request.user, code=data.validated_data["code"])
        return Response(self.OutputSerializer(referral).data, status=status.HTTP_201_CREATED)
