from django.urls import path

from economy.shop import api

urlpatterns = [
    path("shop/items", api.ShopItemsView.as_view(), name="api-shop-items"),
    path("shop/buy", api.ShopBuyView.as_view(), name="api-shop-buy"),
    path("shop/inventory", api.InventoryView.as_view(), name="api-shop-inventory"),
    path("shop/equip", api.EquipView.as_view(), name="api-shop-equip"),
    path("shop/unequip", api.UnequipView.as_view(), name="api-shop-unequip"),
]
