"""The coin shop's JSON API: items with server prices, buying, inventory and equipping."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.kit.api_fields import LocalizedTextField
from casino_club.kit.throttles import ThrottledViewMixin
from economy.api import ErrorSerializer
from economy.idempotency import REPLAYED_HEADER, idempotency_parameters, idempotent
from economy.services import idempotency_key_check
from economy.shop import selectors, services


@extend_schema_serializer(component_name="ShopItem")
class ShopItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = LocalizedTextField("name")
    description = LocalizedTextField("description")
    category = serializers.CharField()
    preview = serializers.CharField()
    color = serializers.CharField()
    equippable = serializers.BooleanField()


@extend_schema_serializer(component_name="ShopOffer")
class OfferSerializer(serializers.Serializer):
    item = ShopItemSerializer()
    price = serializers.IntegerField(source="price.list_price")
    sale_price = serializers.SerializerMethodField()
    discount_percent = serializers.IntegerField(source="price.discount_percent")
    sale_event = serializers.SerializerMethodField()
    stock = serializers.IntegerField(source="item.stock", allow_null=True)
    sold_out = serializers.BooleanField()
    available_until = serializers.DateTimeField(source="item.available_until", allow_null=True)
    min_vip_tier = serializers.CharField(source="item.min_vip_tier")
    tier_allowed = serializers.BooleanField()
    owned = serializers.IntegerField()
    max_per_player = serializers.IntegerField(source="item.max_per_player")
    can_buy = serializers.BooleanField()

    def get_sale_price(self, offer) -> int | None:
        return offer.price.price if offer.price.on_sale else None

    def get_sale_event(self, offer) -> str | None:
        return offer.price.event.localized("name") if offer.price.event else None


@extend_schema_serializer(component_name="ShopInventoryItem")
class InventorySerializer(serializers.Serializer):
    item = ShopItemSerializer()
    quantity = serializers.IntegerField()
    equipped = serializers.BooleanField()
    source = serializers.CharField()
    acquired_at = serializers.DateTimeField()


class ShopItemsView(APIView):
    """What the shop sells now, at the server's price (sale prices during events)."""

    @extend_schema_serializer(component_name="ShopItemList")
    class OutputSerializer(serializers.Serializer):
        items = OfferSerializer(many=True)

    @extend_schema(operation_id="shop_items", responses={200: OutputSerializer})
    def get(self, request):
        offers = selectors.shop_offers(player=request.user)
        return Response(self.OutputSerializer({"items": offers}).data)


class ShopBuyView(ThrottledViewMixin, APIView):
    """Buy an item with coins; the price comes from the server, never the request."""

    throttle_scope = "shop"

    @extend_schema_serializer(component_name="ShopBuyInput")
    class InputSerializer(serializers.Serializer):
        item = serializers.SlugField(max_length=50)
        quantity = serializers.IntegerField(
            required=False, default=1, min_value=1, max_value=services.MAX_QUANTITY
        )

    @extend_schema_serializer(component_name="ShopPurchase")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="purchase.pk")
        item = ShopItemSerializer(source="purchase.item")
        quantity = serializers.IntegerField(source="purchase.quantity")
        unit_price = serializers.IntegerField(source="purchase.unit_price")
        total = serializers.IntegerField(source="purchase.total")
        transaction_id = serializers.IntegerField(source="purchase.transaction_id")
        balance = serializers.IntegerField()

    @extend_schema(
        operation_id="shop_buy",
        request=InputSerializer,
        parameters=idempotency_parameters(201),
        responses={
            201: OutputSerializer,
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
        result = services.shop_buy(
            player=request.user,
            item_slug=data.validated_data["item"],
            quantity=data.validated_data["quantity"],
            idempotency_key=key,
        )
        response = Response(self.OutputSerializer(result).data, status=status.HTTP_201_CREATED)
        if result.replayed:  # found by the service: a key used before answers were stored
            response[REPLAYED_HEADER] = "true"
        return response


class InventoryView(APIView):
    """What the caller owns and wears."""

    @extend_schema_serializer(component_name="ShopInventory")
    class OutputSerializer(serializers.Serializer):
        items = InventorySerializer(many=True)

    @extend_schema(operation_id="shop_inventory", responses={200: OutputSerializer})
    def get(self, request):
        items = selectors.inventory_for(player=request.user)
        return Response(self.OutputSerializer({"items": items}).data)


@extend_schema_serializer(component_name="ShopEquipInput")
class EquipInputSerializer(serializers.Serializer):
    item = serializers.SlugField(max_length=50)


class EquipView(APIView):
    """Wear an owned item (one per category; the previous one comes off)."""

    @extend_schema(
        operation_id="shop_equip",
        request=EquipInputSerializer,
        responses={
            200: InventorySerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request):
        data = EquipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owned = services.item_equip(player=request.user, item_slug=data.validated_data["item"])
        return Response(InventorySerializer(owned).data)


class UnequipView(APIView):
    """Take an owned item off."""

    @extend_schema(
        operation_id="shop_unequip",
        request=EquipInputSerializer,
        responses={200: InventorySerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = EquipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owned = services.item_unequip(player=request.user, item_slug=data.validated_data["item"])
        return Response(InventorySerializer(owned).data)
