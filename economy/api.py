"""The wallet's JSON API: one view per operation, thin over services and selectors."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.throttles import ThrottledViewMixin
from economy import faucets, selectors, services
from economy.errors import UnknownKind
from economy.idempotency import REPLAYED_HEADER, idempotency_parameters, idempotent
from economy.models import REWARD_KINDS, LedgerKind
from economy.services.checks import kind_check


@extend_schema_serializer(component_name="WalletError")
class ErrorSerializer(serializers.Serializer):
    error = inline_serializer(
        "WalletErrorBody",
        {
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": serializers.DictField(),
        },
    )


class PageQuerySerializer(serializers.Serializer):
    """Checked before paginating: DRF would silently ignore a bad page size."""

    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate(self, data: dict) -> dict:
        # DRF treats "?until=" as absent; an empty value is a client mistake.
        empty = {
            name: "must not be empty" for name in self.fields if self.initial_data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return data


PAGE_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        {"type": "string", "minLength": 1},
        description="From the previous page's next/previous link.",
    ),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 100}),
]


class LedgerPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_serializer(component_name="LedgerEntry")
class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transaction_id = serializers.IntegerField()
    kind = serializers.CharField(source="transaction.kind")
    amount = serializers.IntegerField()
    balance_after = serializers.IntegerField()
    reference = serializers.CharField(source="transaction.reference")
    reason = serializers.CharField(source="transaction.reason")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="LedgerPage")
class EntryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EntrySerializer(many=True)


@extend_schema_serializer(component_name="BonusClaim")
class ClaimOutputSerializer(serializers.Serializer):
    transaction_id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = serializers.IntegerField()
    balance = serializers.IntegerField()
    local_date = serializers.DateField()
    streak = serializers.IntegerField()
    ladder_day = serializers.IntegerField()


def claim_response(result: faucets.ClaimResult) -> Response:
    # A replay found by the service itself (a key used before answers were
    # stored) answers like the first claim did: 201, same fields.
    response = Response(ClaimOutputSerializer(result).data, status=status.HTTP_201_CREATED)
    if result.replayed:
        response[REPLAYED_HEADER] = "true"
    return response


class WalletView(APIView):
    """The caller's balance, today's bonus (streak and ladder) and the refill."""

    @extend_schema_serializer(component_name="Wallet")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="WalletDailyBonus")
        class DailySerializer(serializers.Serializer):
            @extend_schema_serializer(component_name="WalletLadderStep")
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

        @extend_schema_serializer(component_name="WalletRefill")
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
        state = faucets.wallet_state(player=request.user)
        return Response(self.OutputSerializer(state).data)


class PeriodQuerySerializer(PageQuerySerializer):
    since = serializers.DateField(required=False, help_text="First day (player's time zone).")
    until = serializers.DateField(required=False, help_text="Last day, inclusive.")


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "since", {"type": "string", "format": "date"}, description="First day, inclusive."
    ),
    OpenApiParameter(
        "until", {"type": "string", "format": "date"}, description="Last day, inclusive."
    ),
]


def entries_page(request, view: APIView, entries) -> Response:
    paginator = LedgerPagination()
    page = paginator.paginate_queryset(entries, request, view=view)
    return paginator.get_paginated_response(EntrySerializer(page, many=True).data)


class LedgerView(APIView):
    """The caller's ledger entries, newest first, with cursor pagination."""

    class FilterSerializer(PeriodQuerySerializer):
        kind = serializers.CharField(required=False)

        def validate_kind(self, value: str) -> str:
            return kind_check(value)

    @extend_schema(
        operation_id="wallet_ledger",
        parameters=[
            OpenApiParameter("kind", str, enum=LedgerKind.values),
            *PERIOD_PARAMETERS,
            *PAGE_PARAMETERS,
        ],
        responses={200: EntryPageSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = {
            name: value
            for name, value in filters.validated_data.items()
            if name in {"kind", "since", "until"}
        }
        entries = selectors.ledger_entries_for(player=request.user, **chosen)
        return entries_page(request, self, entries)


class RewardsView(APIView):
    """What the caller was given: signup grant, bonuses, mission and pass rewards.

    Filter by ``type`` (one reward kind) and by period (``since`` and
    ``until``, the caller's calendar days, inclusive).
    """

    class FilterSerializer(PeriodQuerySerializer):
        type = serializers.CharField(required=False)

        def validate_type(self, value: str) -> str:
            if value not in REWARD_KINDS:
                raise UnknownKind(
                    f"Unknown reward type {value!r}.", fields={"type": "unknown reward type"}
                )
            return value

    @extend_schema(
        operation_id="rewards_list",
        parameters=[
            OpenApiParameter(
                "type",
                str,
                enum=[str(kind) for kind in REWARD_KINDS],
                description="Only rewards of this kind.",
            ),
            *PERIOD_PARAMETERS,
            *PAGE_PARAMETERS,
        ],
        responses={200: EntryPageSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        rewards = selectors.reward_history_for(
            player=request.user,
            kind=chosen.get("type"),
            since=chosen.get("since"),
            until=chosen.get("until"),
        )
        return entries_page(request, self, rewards)


# One claim, two faucets: the daily bonus and the refill differ only in the
# service they call and in what the schema says about them.
CLAIM_SCHEMA = {
    "request": None,
    "parameters": idempotency_parameters(201),
    "responses": {
        201: ClaimOutputSerializer,
        400: ErrorSerializer,
        409: ErrorSerializer,
        422: ErrorSerializer,
    },
}


class ClaimView(ThrottledViewMixin, APIView):
    """A faucet claim with an optional Idempotency-Key; subclasses name the service."""

    throttle_scope = "claim"

    claim: Callable[..., faucets.ClaimResult]

    @idempotent
    def post(self, request):
        key = services.idempotency_key_check(request.headers.get("Idempotency-Key"))
        return claim_response(self.claim(player=request.user, idempotency_key=key))


@extend_schema_view(post=extend_schema(operation_id="bonus_daily_claim", **CLAIM_SCHEMA))
class DailyBonusClaimView(ClaimView):
    """Claim today's step of the streak ladder (once per calendar day)."""

    claim = staticmethod(faucets.daily_bonus_claim)


@extend_schema_view(post=extend_schema(operation_id="bonus_refill_claim", **CLAIM_SCHEMA))
class RefillClaimView(ClaimView):
    """Claim the refill when the balance is below the threshold (once per cooldown)."""

    claim = staticmethod(faucets.refill_claim)
