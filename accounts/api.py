from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import notifications, profile
from accounts.actions import client_action_record
from accounts.models import Audience, NotificationKind, User


class MeView(APIView):
    """The signed-in player's own profile."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        nickname = serializers.CharField()
        email = serializers.EmailField()
        created_at = serializers.DateTimeField()
        time_zone = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        data = profile.profile_data(player=request.user)
        return Response(data)


# --- notifications ---------------------------------------------------------------------


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request, view) -> bool:
        return notifications.is_moderator(request.user)


class NotificationPagination(CursorPagination):
    ordering = ("-delivered_at", "-id")
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"


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


class NotificationListView(APIView):
    """The caller's delivered notifications, newest first, with the unread count."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread ones"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=NotificationSerializer(many=True),
    )
    def get(self, request):
        queryset = notifications.notifications_for(player=request.user)
        if request.query_params.get("unread") in {"true", "1"}:
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
    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(request=None, responses=OutputSerializer)
    def post(self, request):
        marked = notifications.notifications_mark_all_read(player=request.user)
        return Response({"marked": marked})


class NotificationPreferencesView(APIView):
    """Which kinds the caller gets, email on/off, and quiet hours (their time zone)."""

    class PreferencesSerializer(serializers.Serializer):
        muted_kinds = serializers.ListField(
            child=serializers.ChoiceField(choices=NotificationKind.choices), max_length=20
        )
        email_enabled = serializers.BooleanField()
        quiet_start = serializers.TimeField(allow_null=True, required=False)
        quiet_end = serializers.TimeField(allow_null=True, required=False)

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
            quiet_start=data.get("quiet_start"),
            quiet_end=data.get("quiet_end"),
        )
        return Response(self.PreferencesSerializer(preference).data)


class NotificationScheduleView(APIView):
    """Moderators: schedule a message for one player or for everyone."""

    permission_classes = [IsModerator]

    class InputSerializer(serializers.Serializer):
        audience = serializers.ChoiceField(choices=Audience.choices)
        player = serializers.CharField(
            required=False, allow_blank=True, help_text="The player's nickname (audience PLAYER)"
        )
        title = serializers.CharField(max_length=120)
        body = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        url = serializers.CharField(max_length=200, required=False, allow_blank=True)
        send_at = serializers.DateTimeField(required=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        audience = serializers.CharField()
        title = serializers.CharField()
        send_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
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
        )
        return Response(self.OutputSerializer(broadcast).data, status=status.HTTP_201_CREATED)


class ActionReportView(APIView):
    """Report a client-side event (page views of the shop or gallery, share clicks).

    Only a short allow-list is accepted; game and coin actions are recorded
    by the server alone.
    """

    class InputSerializer(serializers.Serializer):
        type = serializers.CharField(max_length=40)
        metadata = serializers.DictField(required=False, default=dict)

        def validate_metadata(self, value: dict) -> dict:
            if len(str(value)) > 1000:
                raise serializers.ValidationError("At most 1000 characters of metadata.")
            return value

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        type = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = client_action_record(player=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(action).data, status=status.HTTP_201_CREATED)
