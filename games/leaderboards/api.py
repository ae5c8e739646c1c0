"""``GET /api/leaderboards/<board>``: the top 100 of a period plus the caller's own place."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from games.leaderboards.boards import TOP_N, Board, Period, period_ends_at, period_key
from games.leaderboards.selectors import (
    ANONYMOUS,
    board_check,
    leaderboard_position,
    leaderboard_top,
    period_check,
)


def leaderboard_payload(*, board: str, period: str, viewer, cosmetics: bool = False) -> dict:
    """The API's answer, also rendered into the leaderboard page.

    With ``cosmetics`` (the page), each row of a visible player carries what
    they wear (``economy.shop``), under ``cosmetics``; anonymous rows carry none.
    """
    key = period_key(period)
    rows = leaderboard_top(board=board, period=period, key=key, limit=TOP_N)
    position = leaderboard_position(board=board, period=period, player_id=viewer.pk, key=key)
    ends = period_ends_at(period)
    worn = {}
    if cosmetics:
        from economy.shop.selectors import equipped_cosmetics_for

        worn = equipped_cosmetics_for(
            [
                row["player_id"]
                for row in rows
                if row["nickname"] != ANONYMOUS or row["player_id"] == viewer.pk
            ]
        )
    shown = []
    for row in rows:
        is_you = row["player_id"] == viewer.pk
        shown.append(
            {
                "rank": row["rank"],
                # Opted-out players appear as "Anonymous" to others, but each
                # player always sees their own row as theirs.
                "nickname": viewer.nickname if is_you else row["nickname"],
                "score": row["score"],
                "is_you": is_you,
            }
        )
        if cosmetics:
            shown[-1]["cosmetics"] = list(worn.get(row["player_id"], {}).values())
    return {
        "board": board,
        "period": period,
        "period_key": key,
        "resets_at": ends.isoformat() if ends else None,
        "rows": shown,
        "me": {
            "rank": position[0] if position else None,
            "score": position[1] if position else None,
        },
    }


@extend_schema_serializer(component_name="LeaderboardRow")
class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1)
    nickname = serializers.CharField(help_text='"Anonymous" for players who opted out.')
    score = serializers.IntegerField()
    is_you = serializers.BooleanField()


@extend_schema_serializer(component_name="LeaderboardOwnPlace")
class LeaderboardOwnPlaceSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="1-based; null if not ranked.")
    score = serializers.IntegerField(allow_null=True)


@extend_schema_serializer(component_name="Leaderboard")
class LeaderboardSerializer(serializers.Serializer):
    board = serializers.ChoiceField(choices=Board.values)
    period = serializers.ChoiceField(choices=Period.values)
    period_key = serializers.CharField(help_text="YYYY-MM-DD, YYYY-Www (ISO week) or all.")
    resets_at = serializers.DateTimeField(allow_null=True)
    rows = LeaderboardRowSerializer(many=True)
    me = LeaderboardOwnPlaceSerializer()


class LeaderboardView(APIView):
    """The top 100 of a board in the current period, and the caller's own rank and score.

    Ranked by score (highest first), ties by the earlier-registered player.
    Periods reset at midnight in the site's time zone (weeks on Monday).
    Players who opted out of leaderboards appear as "Anonymous".
    """

    @extend_schema(
        operation_id="leaderboards_retrieve",
        parameters=[
            OpenApiParameter("board", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Board.values),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=Period.values,
                description="daily (default), weekly or alltime.",
            ),
        ],
        responses=LeaderboardSerializer,
    )
    def get(self, request, board: str):
        board = board_check(board)
        period = period_check(request.query_params.get("period", Period.DAILY))
        return Response(leaderboard_payload(board=board, period=period, viewer=request.user))
