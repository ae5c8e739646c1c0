"""The player's responsible-play endpoints: session, limits, cool-off and self-exclusion."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import responsible, responsible_settings
from accounts.responsible_models import PlaySettings

LIMIT_KEYS = {"daily_wager_limit", "daily_minutes_limit", "reality_check_minutes"}
EXCLUSION_KEYS = {"kind", "duration", "confirm"}

LIMITS_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "daily_wager_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": responsible.WAGER_LIMIT_MAX,
            "nullable": True,
        },
        "daily_minutes_limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": responsible.MINUTES_LIMIT_MAX,
            "nullable": True,
        },
        "reality_check_minutes": {
            "type": "integer",
            "enum": list(responsible.REALITY_CHECK_CHOICES),
        },
    },
}


def _exclusion_request(kind: str, durations, *, kind_required: bool) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "duration", "confirm"] if kind_required else ["duration", "confirm"],
        "properties": {
            "kind": {"type": "string", "enum": [kind]},
            "duration": {"type": "string", "enum": list(durations)},
            "confirm": {"type": "boolean", "enum": [True]},
        },
    }


EXCLUSION_REQUEST = {
    "oneOf": [
        _exclusion_request("cool_off", responsible.COOL_OFF_DURATIONS, kind_required=False),
        _exclusion_request(
            "self_exclusion", responsible.SELF_EXCLUSION_DURATIONS, kind_required=True
        ),
    ]
}


def _object(data, allowed: set[str]) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({key: ["Unknown field."] for key in unknown})
    return data


def _pending(row: PlaySettings, name: str):
    if not getattr(row, f"{name}_pending_set"):
        return None
    return {
        "value": getattr(row, f"{name}_pending"),
        "effective_at": getattr(row, f"{name}_pending_at"),
    }


def limits_payload(status: responsible.PlayStatus) -> dict:
    row, today = status.settings, status.today
    exclusion = None
    if row.excluded(status.at):
        exclusion = {
            "kind": row.exclusion_kind,
            "started_at": row.exclusion_started_at,
            "until": row.exclusion_until,
            "permanent": row.exclusion_until is None,
        }
    return {
        "daily_wager_limit": row.wager_limit,
        "daily_minutes_limit": row.minutes_limit,
        "pending": {
            "daily_wager_limit": _pending(row, "wager"),
            "daily_minutes_limit": _pending(row, "minutes"),
        },
        "reality_check_minutes": row.reality_check_minutes,
        "exclusion": exclusion,
        "today": {
            "day": today.day,
            "wagered": today.wagered,
            "minutes_played": today.seconds // 60,
            "rounds": today.rounds,
            "net_coins": today.paid_out - today.wagered,
        },
        "blocked": status.blocked.code if status.blocked else None,
    }


def session_payload(status: responsible.PlayStatus) -> dict:
    row = status.settings
    active = status.session_active
    due_at = status.next_reality_check_at
    return {
        "active": active,
        "started_at": row.session_started_at if active else None,
        "last_play_at": row.session_last_play_at if active else None,
        "minutes_played": row.session_seconds // 60 if active else 0,
        "rounds": row.session_rounds if active else 0,
        "net_coins": row.session_net if active else 0,
        "reality_check_minutes": row.reality_check_minutes,
        "next_reality_check_at": due_at,
        "reality_check_due": due_at is not None and due_at <= status.at,
        "blocked": status.blocked.code if status.blocked else None,
    }


class SessionView(APIView):
    """This play session (server-side, so app clients can show reality checks too)."""

    @extend_schema(operation_id="users_me_session", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(session_payload(responsible.play_status(player=request.user)))


class RealityCheckView(APIView):
    """The player answered a reality check: the next one is an interval from now."""

    @extend_schema(
        operation_id="users_me_reality_check", request=None, responses=OpenApiTypes.OBJECT
    )
    def post(self, request):
        responsible_settings.reality_check_ack(player=request.user)
        return Response(session_payload(responsible.play_status(player=request.user)))


class LimitsView(APIView):
    """Daily limits (coins wagered, minutes played) and the reality-check interval."""

    @extend_schema(operation_id="users_me_limits", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(limits_payload(responsible.play_status(player=request.user)))

    @extend_schema(
        operation_id="users_me_limits_update",
        request={"application/json": LIMITS_REQUEST},
        responses=OpenApiTypes.OBJECT,
        description=(
            "Any of daily_wager_limit (1..10^9 or null), daily_minutes_limit (1..1440 or "
            "null), reality_check_minutes (15, 30, 45, 60, 90, 120). Lowering applies at "
            "once; raising or removing after 24 hours (see pending). Bad input: 400, "
            "nothing changed."
        ),
    )
    def put(self, request):
        data = _object(request.data, LIMIT_KEYS)
        reality = data.get("reality_check_minutes")
        if "reality_check_minutes" in data:
            responsible_settings.reality_check_valid(reality)
        kwargs = {}
        if "daily_wager_limit" in data:
            kwargs["wager_limit"] = data["daily_wager_limit"]
        if "daily_minutes_limit" in data:
            kwargs["minutes_limit"] = data["daily_minutes_limit"]
        responsible_settings.limits_update(player=request.user, **kwargs)
        if "reality_check_minutes" in data:
            responsible_settings.reality_check_set(player=request.user, minutes=reality)
        return Response(limits_payload(responsible.play_status(player=request.user)))


class BodyRequiredSchema(AutoSchema):
    """A raw request schema (a dict) is documented as optional; this body is required."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        return schema, required or isinstance(serializer, dict)


class CoolOffView(APIView):
    """Start a cool-off (24h, 7d, 30d, 6w) or a self-exclusion (6m, 1y, 5y, permanent)."""

    schema = BodyRequiredSchema()

    @extend_schema(
        operation_id="users_me_cool_off",
        request={"application/json": EXCLUSION_REQUEST},
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request):
        data = _object(request.data, EXCLUSION_KEYS)
        responsible_settings.exclusion_start(
            player=request.user,
            kind=data.get("kind", "cool_off"),
            duration=data.get("duration"),
            confirm=data.get("confirm"),
        )
        return Response(limits_payload(responsible.play_status(player=request.user)))
