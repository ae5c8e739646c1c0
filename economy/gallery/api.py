"""The gallery's JSON API: the caller's items with stage and next condition, and unlocking."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.throttles import ThrottledViewMixin
from casino_club.kit.validation import is_whole_number
from economy.api import ErrorSerializer
from economy.gallery import selectors, services
from economy.idempotency import REPLAYED_HEADER, idempotency_parameters, idempotent
from economy.services import idempotency_key_check


def media_url(item_id: int, stage: int, *, thumb: bool = False) -> str:
    name = "gallery-media-thumb" if thumb else "gallery-media"
    return reverse(name, kwargs={"item_id": item_id, "stage": stage})


class StrictItemIdField(serializers.IntegerField):
    """A JSON integer only: "3", 3.0 and true are refused."""

    def to_internal_value(self, data):
        if not is_whole_number(data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_serializer(component_name="GalleryCondition")
class ConditionSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=["KEY_ITEM", "COINS", "PASS_TIER", "MISSIONS", "VIP_TIER", "UNAVAILABLE"]
    )
    met = serializers.BooleanField()
    current = serializers.IntegerField()
    required = serializers.IntegerField()
    coins = serializers.IntegerField(allow_null=True)
    vip_tier = serializers.CharField()
    pass_tier = serializers.IntegerField(allow_null=True)
    season = serializers.CharField()
    mission = serializers.CharField()
    key_item = serializers.CharField()
    label = serializers.CharField()


@extend_schema_serializer(component_name="GalleryItem")
class ItemStateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    title = serializers.CharField(source="item.title")
    description = serializers.CharField(source="item.description")
    rating = serializers.CharField(source="item.rating")
    collection_id = serializers.IntegerField(source="item.collection_id")
    collection = serializers.CharField(source="item.collection.title")
    stage = serializers.IntegerField(help_text="0 while the collection's key is not owned.")
    complete = serializers.BooleanField()
    image_url = serializers.SerializerMethodField()
    thumb_url = serializers.SerializerMethodField()
    next = ConditionSerializer(allow_null=True)

    def get_image_url(self, state) -> str | None:
        return media_url(state.item.pk, state.stage) if state.stage else None

    def get_thumb_url(self, state) -> str | None:
        return media_url(state.item.pk, state.stage, thumb=True) if state.stage else None


class UnlockView(ThrottledViewMixin, APIView):
    """The caller's gallery, and unlocking the next stage of one item."""

    throttle_scope = "unlock"

    @extend_schema_serializer(component_name="GalleryItemList")
    class OutputSerializer(serializers.Serializer):
        items = ItemStateSerializer(many=True)

    @extend_schema_serializer(component_name="GalleryUnlockInput")
    class InputSerializer(serializers.Serializer):
        item_id = StrictItemIdField(min_value=1)

    @extend_schema_serializer(component_name="GalleryUnlockResult")
    class UnlockSerializer(serializers.Serializer):
        item = ItemStateSerializer(source="state")
        stage = serializers.IntegerField(source="unlock.stage")
        kind = serializers.CharField(source="unlock.kind")
        transaction_id = serializers.IntegerField(source="unlock.transaction_id", allow_null=True)
        balance = serializers.IntegerField()

    @extend_schema(operation_id="gallery_unlock_list", responses={200: OutputSerializer})
    def get(self, request):
        states = selectors.item_states(player=request.user)
        return Response(self.OutputSerializer({"items": states}).data)

    @extend_schema(
        operation_id="gallery_unlock",
        request=InputSerializer,
        parameters=idempotency_parameters(201),
        responses={
            201: UnlockSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            422: ErrorSerializer,
        },
    )
    @idempotent
    def post(self, request):
        key = idempotency_key_check(request.headers.get("Idempotency-Key"))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.gallery_unlock(
            player=request.user, item_id=data.validated_data["item_id"], idempotency_key=key
        )
        response = Response(self.UnlockSerializer(result).data, status=status.HTTP_201_CREATED)
        if result.replayed:  # found by the service: a key used before answers were stored
            response[REPLAYED_HEADER] = "true"
        return response


class ItemView(APIView):
    """One item's metadata; hidden, unknown and unpublished items are the same 404."""

    @extend_schema(
        operation_id="gallery_item", responses={200: ItemStateSerializer, 404: ErrorSerializer}
    )
    def get(self, request, item_id: int):
        item = selectors.visible_item(player=request.user, item_id=item_id)
        if item is None:
            raise services.GalleryItemNotFound()
        return Response(
            ItemStateSerializer(selectors.item_state(player=request.user, item=item)).data
        )
