from django.urls import path

from economy.gallery import api

urlpatterns = [
    path("unlock", api.UnlockView.as_view(), name="api-gallery-unlock"),
    path("gallery/items/<int:item_id>", api.ItemView.as_view(), name="api-gallery-item"),
]
