from __future__ import annotations

import re
from datetime import time

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import notifications, profile
from accounts.action_types import CLIENT_TYPES
from accounts.actions import client_action_record
from accounts.forms import PreferencesForm
from accounts.models import (
    ALWAYS_DELIVERED,
    PLAYER_LANGUAGES,
    Audience,
    NotificationKind,
    User,
    time_zone_choices,
)
from casino_club.kit.api_fields import StrictBooleanField, StrictCharField, StrictRegexField
from casino_club.kit.errors import Conflict


def clean_text(text: str) -> str:
    """Text as it can be stored: lone surrogates (valid JSON, invalid UTF-8) become "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


class ClientMetadataField(serializers.DictField):
    """A small flat map of short texts (what a page may say about a click)."""

    child = StrictCharField(max_length=200, allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            # Lone surrogates are valid JSON but not storable text; DRF would
            # refuse them, the schema allows them, so replace them first.
            data = {
                clean_text(key): clean_text(text) if isinstance(text, str) else text
                for key, text in data.items()
            }
        value = super().to_internal_value(data)
        if len(value) > 10:
            raise serializers.ValidationError("At most 10 entries.")
        if any(len(key) > 40 or "\x00" in key for key in value):
            raise serializers.ValidationError("Keys up to 40 characters; no NUL characters.")
        return value


extend_schema_field(
    {
        "type": "object",
        "maxProperties": 10,
        "propertyNames": {"maxLength": 40, "pattern": "^[^\\x00]*$"},
        "additionalProperties": {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"},
    }
)(ClientMetadataField)


class MeView(APIView):
    """The signed-in player's own profile."""

    class ProfileSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        nickname = serializers.CharField()
        email = serializers.EmailField()
        created_at = serializers.DateTimeField()
        time_zone = serializers.CharField()
        show_on_leaderboards = serializers.BooleanField()
        language = serializers.CharField(
            help_text="en or ko; empty until chosen (then Accept-Language decides)."
        )
        # Added by other apps' profile contributors (accounts does not import them).
        coins = serializers.IntegerField(required=False)
        xp = serializers.IntegerField(required=False)
        level = serializers.IntegerField(required=False)
        next_level_xp = serializers.IntegerField(required=False, allow_null=True)
        vip_tier = serializers.CharField(required=False)
        streak = serializers.IntegerField(required=False)
        pass_tier = serializers.IntegerField(required=False)
        equipped_cosmetics = serializers.DictField(required=False)
        invite_code = serializers.CharField(required=False)
        invite_url = serializers.CharField(required=False)
        invite_count = serializers.IntegerField(required=False)
        invite_rewarded_count = serializers.IntegerField(required=False)

    class ProfileUpdateSerializer(serializers.Serializer):
        nickname = StrictRegexField(r"^[\w-]{2,24}$", required=False)
        time_zone = serializers.ChoiceField(choices=time_zone_choices(), required=False)
        show_on_leaderboards = StrictBooleanField(required=False)
        language = serializers.ChoiceField(choices=PLAYER_LANGUAGES, required=False)

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        data = profile.profile_data(player=request.user)
        return Response(data)

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileSerializer)
    def patch(self, request):
        """Change the caller's nickname, time zone, language or leaderboard visibility.

        ``language`` is what notifications and emails are written in, and what
        the caller's pages use when signed in with a session; API responses
        follow the request's ``Accept-Language``.
        """
        serializer = self.ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = PreferencesForm(
            data={
                "nickname": request.user.nickname,
                "time_zone": request.user.time_zone,
                "show_on_leaderboards": request.user.show_on_leaderboards,
                "language": request.user.language,
                **serializer.validated_data,
            },
            instance=request.user,
        )
        if not form.is_valid():
            if form.has_error("nickname", "nickname_taken"):
                raise Conflict(_("That nickname is taken."), fields={"nickname": [_("Taken.")]})
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in form.errors.items()}
            )
        form.save()
        return Response(profile.profile_data(player=request.user))


# --- notifications ---------------------------------------------------------------------


QUIET_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request, view) -> bool:
        return notifications.is_moderator(request.user)


class NotificationPagination(CursorPagination):
    ordering = ("-delivered_at", "-id")
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise serializers.ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return super().get_page_size(request)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField(source="delivered_at")
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NotificationSerializer(many=True)
    unread = serializers.IntegerField()


class NotificationListView(APIView):
    """The caller's delivered notifications, newest first, with the unread count."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread ones"),
            OpenApiParameter("cursor", str),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="1 to 100",
            ),
        ],
        responses=NotificationPageSerializer,
    )
    def get(self, request):
        queryset = notifications.notifications_for(player=request.user)
        unread = request.query_params.get("unread")
        if unread not in {None, "true", "false"}:
            raise serializers.ValidationError({"unread": ["Use true or false."]})
        if unread == "true":
            queryset = queryset.filter(read_at__isnull=True)
        paginator = NotificationPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        response = paginator.get_paginated_response(NotificationSerializer(page, many=True).data)
        response.data["unread"] = notifications.unread_count(player=request.user)
        return response


class NotificationReadView(APIView):
    """Mark one of the caller's notifications read."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, notification_id: int):
        notification = notifications.notification_mark_read(
            player=request.user, notification_id=notification_id
        )
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    class ReadAllSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(request=None, responses=ReadAllSerializer)
    def post(self, request):
        marked = notifications.notifications_mark_all_read(player=request.user)
        return Response({"marked": marked})


class QuietTimeField(serializers.Field):
    """A wall-clock time as "HH:MM" in the player's own zone, or null."""

    default_error_messages = {"invalid": "Use HH:MM (24-hour), e.g. 22:30."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not QUIET_TIME.fullmatch(data):
            self.fail("invalid")
        hours, minutes = data.split(":")
        return time(int(hours), int(minutes))

    def to_representation(self, value):
        return value.strftime("%H:%M") if value else None


extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"})(
    QuietTimeField
)


class QuietHoursSerializer(serializers.Serializer):
    """Quiet hours as one object, so "both or neither" is part of the schema."""

    start = QuietTimeField()
    end = QuietTimeField()


class NotificationPreferencesView(APIView):
    """Which kinds the caller gets, email on/off, quiet hours (their time zone),
    and whether they want reminders and news (``marketing_opt_in``, off until
    they say yes). ``marketing_asked`` is false until the player has been asked
    once; an app asks after signup and sends the answer with ``PUT``."""

    class PreferencesSerializer(serializers.Serializer):
        muted_kinds = serializers.ListField(
            child=serializers.ChoiceField(
                choices=[
                    (kind.value, kind.label)
                    for kind in NotificationKind
                    if kind not in ALWAYS_DELIVERED
                ]
            ),
            max_length=20,
        )
        email_enabled = StrictBooleanField()
        quiet_hours = QuietHoursSerializer(allow_null=True, required=False)
        marketing_opt_in = StrictBooleanField(
            required=False,
            help_text="Inactivity reminders and event news; omitted means unchanged.",
        )
        marketing_asked = serializers.BooleanField(read_only=True)

        def to_representation(self, preference):
            hours = None
            if preference.quiet_start is not None and preference.quiet_end is not None:
                hours = {"start": preference.quiet_start, "end": preference.quiet_end}
            return super().to_representation(
                {
                    "muted_kinds": preference.muted_kinds,
                    "email_enabled": preference.email_enabled,
                    "quiet_hours": hours,
                    "marketing_opt_in": preference.marketing_opt_in,
                    "marketing_asked": preference.marketing_asked_at is not None,
                }
            )

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        preference = notifications.preference_get(player=request.user)
        return Response(self.PreferencesSerializer(preference).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        serializer = self.PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        preference = notifications.preferences_update(
            player=request.user,
            muted_kinds=data["muted_kinds"],
            email_enabled=data["email_enabled"],
            quiet_start=(data.get("quiet_hours") or {}).get("start"),
            quiet_end=(data.get("quiet_hours") or {}).get("end"),
            marketing_opt_in=data.get("marketing_opt_in"),
        )
        return Response(self.PreferencesSerializer(preference).data)


class NotificationScheduleView(APIView):
    """Moderators: schedule a message for one player or for everyone."""

    permission_classes = [IsModerator]

    class BroadcastInputSerializer(serializers.Serializer):
        audience = serializers.ChoiceField(choices=Audience.choices)
        player = serializers.CharField(
            required=False, allow_blank=True, help_text="The player's nickname (audience PLAYER)"
        )
        segment = serializers.CharField(
            max_length=32,
            required=False,
            allow_blank=True,
            help_text="audience SEGMENT: NEW, ENGAGED, HIGH_ROLLER, CASUAL, AT_RISK or heavy_play",
        )
        title = serializers.CharField(max_length=120)
        body = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        url = serializers.CharField(max_length=200, required=False, allow_blank=True)
        send_at = serializers.DateTimeField(required=False)

    class BroadcastSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        audience = serializers.CharField()
        title = serializers.CharField()
        send_at = serializers.DateTimeField()

    @extend_schema(request=BroadcastInputSerializer, responses={201: BroadcastSerializer})
    def post(self, request):
        serializer = self.BroadcastInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        player = None
        if data.get("player"):
            player = get_object_or_404(User, nickname__iexact=data["player"])
        broadcast = notifications.broadcast_schedule(
            author=request.user,
            audience=data["audience"],
            player=player,
            title=data["title"],
            body=data.get("body", ""),
            url=data.get("url", ""),
            send_at=data.get("send_at"),
            segment=data.get("segment", ""),
        )
        return Response(self.BroadcastSerializer(broadcast).data, status=status.HTTP_201_CREATED)


class ActionReportView(APIView):
    """Report a client-side event (page views of the shop or gallery, share clicks).

    Only a short allow-list is accepted; game and coin actions are recorded
    by the server alone.
    """

    class ClientActionInputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=sorted(CLIENT_TYPES))
        metadata = ClientMetadataField(required=False, default=dict)

    class ClientActionSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        type = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=ClientActionInputSerializer, responses={201: ClientActionSerializer})
    def post(self, request):
        serializer = self.ClientActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = client_action_record(player=request.user, **serializer.validated_data)
        return Response(self.ClientActionSerializer(action).data, status=status.HTTP_201_CREATED)
