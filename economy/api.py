"""The wallet's JSON API: one view per operation, thin over services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from economy import selectors, services
from economy.models import LedgerKind
from economy.services.ledger import kind_check

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="1 to 64 printable ASCII characters; a retry with the same key returns the "
    "first result instead of claiming twice.",
)


class ErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "ErrorBody",
        {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(),
        },
    )


class LedgerPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transaction_id = serializers.IntegerField()
    kind = serializers.CharField(source="transaction.kind")
    amount = serializers.IntegerField()
    balance_after = serializers.IntegerField()
    reference = serializers.CharField(source="transaction.reference")
    reason = serializers.CharField(source="transaction.reason")
    created_at = serializers.DateTimeField()


class ClaimOutputSerializer(serializers.Serializer):
    transaction_id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = serializers.IntegerField()
    balance = serializers.IntegerField()
    local_date = serializers.DateField()
    streak = serializers.IntegerField()
    ladder_day = serializers.IntegerField()
    replayed = serializers.BooleanField()


def claim_response(result: services.ClaimResult) -> Response:
    data = ClaimOutputSerializer(result).data
    return Response(data, status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)


class WalletView(APIView):
    """The caller's balance, today's bonus (streak and ladder) and the refill."""

    class OutputSerializer(serializers.Serializer):
        class DailySerializer(serializers.Serializer):
            class StepSerializer(serializers.Serializer):
                day = serializers.IntegerField()
                amount = serializers.IntegerField()
                state = serializers.ChoiceField(["claimed", "available", "upcoming"])
                current = serializers.BooleanField()

            claimed_today = serializers.BooleanField()
            available = serializers.BooleanField()
            streak = serializers.IntegerField()
            current_day = serializers.IntegerField()
            next_amount = serializers.IntegerField()
            ladder = StepSerializer(many=True)
            next_reset = serializers.DateTimeField()

        class RefillSerializer(serializers.Serializer):
            available = serializers.BooleanField()
            threshold = serializers.IntegerField()
            amount = serializers.IntegerField()
            cooldown_hours = serializers.IntegerField()
            next_available_at = serializers.DateTimeField(allow_null=True)

        balance = serializers.IntegerField()
        daily_bonus = DailySerializer()
        refill = RefillSerializer()

    @extend_schema(operation_id="wallet_get", responses={200: OutputSerializer})
    def get(self, request):
        state = selectors.wallet_state(player=request.user)
        return Response(self.OutputSerializer(state).data)


class LedgerView(APIView):
    """The caller's ledger entries, newest first, with cursor pagination."""

    class FilterSerializer(serializers.Serializer):
        kind = serializers.CharField(required=False)
        since = serializers.DateField(required=False, help_text="First day (player's time zone).")
        until = serializers.DateField(required=False, help_text="Last day, inclusive.")

        def validate_kind(self, value: str) -> str:
            return kind_check(value)

        def validate(self, data: dict) -> dict:
            if data.get("since") and data.get("until") and data["since"] > data["until"]:
                raise serializers.ValidationError({"until": "must not be before since"})
            return data

    @extend_schema(
        operation_id="wallet_ledger",
        parameters=[
            OpenApiParameter("kind", str, enum=LedgerKind.values),
            OpenApiParameter("since", str, description="YYYY-MM-DD"),
            OpenApiParameter("until", str, description="YYYY-MM-DD"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses={200: EntrySerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = selectors.ledger_entries_for(player=request.user, **filters.validated_data)
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(EntrySerializer(page, many=True).data)


class RewardsView(APIView):
    """What the caller was given: signup grant, bonuses, mission and pass rewards."""

    @extend_schema(
        operation_id="rewards_list",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        responses={200: EntrySerializer(many=True)},
    )
    def get(self, request):
        rewards = selectors.reward_history_for(player=request.user)
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(rewards, request, view=self)
        return paginator.get_paginated_response(EntrySerializer(page, many=True).data)


class DailyBonusClaimView(APIView):
    """Claim today's step of the streak ladder (once per calendar day)."""

    @extend_schema(
        operation_id="bonus_daily_claim",
        request=None,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: ClaimOutputSerializer,
            200: ClaimOutputSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request):
        key = services.idempotency_key_check(request.headers.get("Idempotency-Key"))
        return claim_response(services.daily_bonus_claim(player=request.user, idempotency_key=key))


class RefillClaimView(APIView):
    """Claim the refill when the balance is below the threshold (once per cooldown)."""

    @extend_schema(
        operation_id="bonus_refill_claim",
        request=None,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: ClaimOutputSerializer,
            200: ClaimOutputSerializer,
            400: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request):
        key = services.idempotency_key_check(request.headers.get("Idempotency-Key"))
        return claim_response(services.refill_claim(player=request.user, idempotency_key=key))
