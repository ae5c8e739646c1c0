from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import profile


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
