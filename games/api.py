"""The games' JSON API: catalogue, play, round history, fairness seeds.

Thin views: each validates its input, calls one service or selector and
shapes the answer. Domain errors become the API's error JSON in
``casino_club.api.exception_handler``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.api_fields import StrictRegexField
from casino_club.kit.throttles import ThrottledViewMixin
from economy.api import ErrorSerializer
from economy.idempotency import REPLAYED_HEADER, idempotency_parameters, idempotent
from games import dialogue, pages, registry, selectors, services
from games.feedback import LOSS, PUSH, SMALL_RETURN, WIN
from games.models import GameRound, SeedPair


def round_brief(game_round: GameRound) -> dict:
    """The round as a play response carries it (keep these names: clients depend on them)."""
    return {
        "id": game_round.pk,
        "game": game_round.game,
        "wager": game_round.wager,
        "payout": game_round.payout,
        "nonce": game_round.nonce,
        "server_seed_hash": game_round.server_seed_hash,
        "client_seed": game_round.client_seed,
        "outcome": game_round.outcome,
    }


def round_full(game_round: GameRound, *, with_verification: bool = False) -> dict:
    data = {
        **round_brief(game_round),
        "net": game_round.net,
        "params": game_round.params,
        "config_version": game_round.config.version if with_verification else None,
        "created_at": game_round.created_at,
    }
    if not with_verification:
        data.pop("config_version")
        return data
    seed_pair = game_round.seed_pair
    data.update(
        {
            "draws": game_round.draws,
            "seed_pair_id": seed_pair.pk,
            # Secret until the pair is rotated: revealing it earlier would let
            # a player predict the pair's next rounds.
            "server_seed": seed_pair.server_seed if seed_pair.is_revealed else None,
            "config": game_round.config.data,
        }
    )
    return data


class RoundBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    game = serializers.CharField()
    wager = serializers.IntegerField()
    payout = serializers.IntegerField()
    nonce = serializers.IntegerField()
    server_seed_hash = serializers.CharField()
    client_seed = serializers.CharField()
    outcome = serializers.DictField(
        help_text="The game's result: stops and window for slots, "
        "pocket for roulette, house_move for RPS; payout included."
    )


class RoundSerializer(RoundBriefSerializer):
    net = serializers.IntegerField()
    params = serializers.DictField()
    created_at = serializers.DateTimeField()


class RoundDetailSerializer(RoundSerializer):
    config_version = serializers.IntegerField()
    draws = serializers.ListField(child=serializers.IntegerField())
    seed_pair_id = serializers.IntegerField()
    server_seed = serializers.CharField(
        allow_null=True, help_text="Revealed once the seed pair is rotated; null until then."
    )
    config = serializers.DictField()


@extend_schema_serializer(component_name="CharacterLine")
class CharacterLineSerializer(serializers.Serializer):
    message = serializers.CharField()
    animation = serializers.CharField()
    sound = serializers.CharField()
    situation = serializers.CharField()
    tone = serializers.CharField()


class FeedbackSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[WIN, PUSH, SMALL_RETURN, LOSS])
    net = serializers.IntegerField()
    celebrate = serializers.BooleanField()
    message = serializers.CharField()
    line = CharacterLineSerializer(help_text="What the character says (tone follows the mood).")


def round_feedback(result, player) -> dict:
    """The round's facts and the character's line (a retry gets the first line back)."""
    line = dialogue.round_line(
        player=player,
        round_id=result.round.pk,
        wager=result.round.wager,
        payout=result.round.payout,
        replayed=result.replayed,
    )
    return {**result.feedback, "line": line}


@extend_schema_serializer(component_name="GameCatalogEntry")
class GameEntrySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    math = serializers.DictField()
    limits = serializers.DictField(child=serializers.IntegerField())
    config = serializers.DictField(
        help_text="The active configuration, in full: what `math` is computed from "
        "(slots: reel strips, paylines, paytable; roulette and RPS: limits and pays)."
    )


def _shown_name(entry: dict) -> dict:
    # The name players see on the game's page, in the request's language.
    entry["name"] = str(pages.page_of(registry.get(entry["slug"])).name)
    return entry


class GameListView(APIView):
    """Every game with its published math (exact, from the active configuration),
    limits and full configuration. Public: odds are published before signing up."""

    permission_classes = (AllowAny,)

    @extend_schema(responses=GameEntrySerializer(many=True))
    def get(self, request):
        configs = services.game_configs_active()
        return Response([_shown_name(entry) for entry in selectors.games_catalog(configs=configs)])


class GameDetailView(APIView):
    """One game's published math, limits and full active configuration (public)."""

    permission_classes = (AllowAny,)

    @extend_schema(responses=GameEntrySerializer)
    def get(self, request, slug: str):
        try:
            spec = registry.get(slug)
        except registry.UnknownGame:
            raise Http404 from None
        configs = services.game_configs_active()
        return Response(_shown_name(selectors.game_entry(spec, configs[spec.slug])))


PLAY_DESCRIPTION = """Play one round. The body depends on the game:

- slots: `{"bet_per_line": int, "lines": int}`
- roulette: `{"bets": [{"type": "straight"|"split"|"street"|"corner"|"six_line"|"dozen"|
  "column"|"red"|"black"|"odd"|"even"|"low"|"high", "value": int | [int] | null,
  "amount": int}]}`
- rps: `{"bet": int, "move": "rock"|"paper"|"scissors"}`

Unknown keys, non-integer or out-of-range amounts and impossible bets answer
400; a wager above the balance answers 409. Nothing changes then (balance,
nonce, rounds). With an `Idempotency-Key` header a retry returns the first
round unchanged (same status and body, header `Idempotent-Replayed: true`); the
same key with another game or body answers 422 `idempotency_key_reused`."""


class RoundPlayView(ThrottledViewMixin, APIView):
    throttle_scope = "play"

    @extend_schema_serializer(component_name="RoundPlayResult")
    class OutputSerializer(serializers.Serializer):
        round = RoundBriefSerializer()
        balance = serializers.IntegerField()
        feedback = FeedbackSerializer()

    @extend_schema(
        operation_id="games_play",
        description=PLAY_DESCRIPTION,
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=idempotency_parameters(200),
        responses={200: OutputSerializer, 422: ErrorSerializer},
    )
    @idempotent
    def post(self, request, slug: str):
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
        result = services.round_play(
            player=request.user,
            slug=slug,
            params=request.data,
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        response = Response(
            {
                "round": round_brief(result.round),
                "balance": result.balance,
                "feedback": round_feedback(result, request.user),
            }
        )
        if result.replayed:  # found by the service: a key used before answers were stored
            response[REPLAYED_HEADER] = "true"
        return response


class RoundCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class RoundListView(generics.ListAPIView):
    """The caller's rounds, newest first.

    Filter by game and time (``since`` inclusive, ``until`` exclusive).
    """

    @extend_schema_serializer(component_name="RoundFilter")
    class FilterSerializer(serializers.Serializer):
        game = serializers.CharField(required=False, max_length=50)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)
        page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    serializer_class = RoundSerializer
    pagination_class = RoundCursorPagination

    def get_queryset(self):
        params = self.request.query_params
        blank = [key for key in ("game", "since", "until", "page_size") if params.get(key) == ""]
        if blank:
            raise ValidationError({key: ["May not be blank."] for key in blank})
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        filters.validated_data.pop("page_size", None)  # the paginator reads it
        return selectors.rounds_for(player=self.request.user, **filters.validated_data)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([round_full(game_round) for game_round in page])

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RoundDetailView(APIView):
    """One of the caller's rounds with what a verifier needs (other players' rounds are 404)."""

    @extend_schema(responses=RoundDetailSerializer)
    def get(self, request, round_id: int):
        game_round = selectors.round_for(player=request.user, round_id=round_id)
        return Response(round_full(game_round, with_verification=True))


class SeedsView(APIView):
    """The active seed pair: the committed server seed hash, the client seed and the next nonce."""

    @extend_schema_serializer(component_name="FairnessSeeds")
    class OutputSerializer(serializers.Serializer):
        server_seed_hash = serializers.CharField()
        client_seed = serializers.CharField()
        nonce = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        pair = services.seed_pair_active(player=request.user)
        return Response(seeds_data(pair))


def seeds_data(pair: SeedPair) -> dict:
    return {
        "server_seed_hash": pair.server_seed_hash,
        "client_seed": pair.client_seed,
        "nonce": pair.nonce,
    }


class SeedRotateView(APIView):
    """Reveal the current server seed and start a new pair at nonce 0.

    The new pair keeps the current client seed unless `client_seed` is given.
    """

    @extend_schema_serializer(component_name="FairnessRotateRequest")
    class InputSerializer(serializers.Serializer):
        client_seed = StrictRegexField(
            r"^[\x20-\x7e]{1,64}$",
            required=False,
            min_length=1,
            max_length=64,
            trim_whitespace=False,
            help_text="1 to 64 printable ASCII characters.",
        )

    @extend_schema_serializer(component_name="FairnessRotation")
    class OutputSerializer(serializers.Serializer):
        revealed_server_seed = serializers.CharField()
        previous_server_seed_hash = serializers.CharField()
        server_seed_hash = serializers.CharField()
        client_seed = serializers.CharField()
        nonce = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rotation = services.seed_pair_rotate(
            player=request.user, client_seed=data.validated_data.get("client_seed")
        )
        return Response(
            {
                "revealed_server_seed": rotation.previous.server_seed,
                "previous_server_seed_hash": rotation.previous.server_seed_hash,
                **seeds_data(rotation.current),
            }
        )


class SeedPairListView(generics.ListAPIView):
    """Every seed pair of the caller, newest first; server seeds appear once revealed."""

    @extend_schema_serializer(component_name="FairnessSeedPair")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        server_seed_hash = serializers.CharField()
        server_seed = serializers.CharField(allow_null=True)
        client_seed = serializers.CharField()
        nonce = serializers.IntegerField()
        is_active = serializers.BooleanField()
        created_at = serializers.DateTimeField()
        revealed_at = serializers.DateTimeField(allow_null=True)

    serializer_class = OutputSerializer

    class Pagination(CursorPagination):
        ordering = "-id"
        page_size = 20

    pagination_class = Pagination

    def get_queryset(self):
        return selectors.seed_pairs_for(player=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "id": pair.pk,
                "server_seed_hash": pair.server_seed_hash,
                "server_seed": pair.server_seed if pair.is_revealed else None,
                "client_seed": pair.client_seed,
                "nonce": pair.nonce,
                "is_active": pair.is_active,
                "created_at": pair.created_at,
                "revealed_at": pair.revealed_at,
            }
            for pair in page
        ]
        return self.get_paginated_response(rows)
