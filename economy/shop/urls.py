from django.urls import path

from economy.shop import views

urlpatterns = [
    path("", views.shop_page, name="shop"),
    path("buy/", views.buy, name="shop-buy"),
    path("equip/", views.equip, name="shop-equip"),
]
