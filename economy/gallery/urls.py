from django.urls import path

from economy.gallery import views

urlpatterns = [
    path("", views.gallery_page, name="gallery"),
    path("unlock/", views.unlock, name="gallery-unlock"),
    path("media/<int:item_id>/<int:stage>.webp", views.gallery_media, name="gallery-media"),
    path(
        "media/<int:item_id>/<int:stage>-thumb.webp",
        views.gallery_media_thumb,
        name="gallery-media-thumb",
    ),
]
