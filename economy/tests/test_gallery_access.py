"""Who sees what in the gallery: every page, API and media URL for anonymous, unverified,
verified, another player and a moderator. Locked, unknown, hidden and other players'
media answer one identical 404; mature items do not exist without a verified age."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AgeVerification
from economy.models import GalleryUnlock
from tests.support.gallery import give_key, image_of, make_collection, make_item, verify_age

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


@pytest.fixture
def world(make_player, moderator):
    """Alice (verified, key, stage 2 of both items), Una (unverified, key, unlock rows
    even for the mature item), Bob (verified, no key, nothing unlocked), Maude (moderator)."""
    collection = make_collection()
    general = make_item(collection, title="Sunburst", seed=1)
    mature = make_item(collection, title="Velvet", rating="MATURE", seed=2)
    alice, una, bob = make_player("Alice"), make_player("Una"), make_player("Bob")
    for player in (alice, bob):
        verify_age(player)
    for player in (alice, una):
        give_key(player)
        for item in (general, mature):
            GalleryUnlock.objects.create(player=player, item=item, stage=2, kind="COINS")
    return {
        "general": general,
        "mature": mature,
        "users": {"alice": alice, "una": una, "bob": bob, "maude": moderator},
    }


def client_for(world, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client


def media(item, stage: int, *, thumb: bool = False) -> str:
    name = "gallery-media-thumb" if thumb else "gallery-media"
    return reverse(name, kwargs={"item_id": item.pk, "stage": stage})


# (who, item, stage) -> served?
SERVED = {
    ("alice", "general", 1),
    ("alice", "general", 2),
    ("alice", "mature", 1),
    ("alice", "mature", 2),
    ("una", "general", 1),
    ("una", "general", 2),
}
WHO = ["anonymous", "una", "alice", "bob", "maude"]


@pytest.mark.parametrize("who", WHO)
def test_media_matrix(world, who):
    client = client_for(world, who)
    not_found = []
    for name in ("general", "mature"):
        for stage in (1, 2, 3):
            for thumb in (False, True):
                response = client.get(media(world[name], stage, thumb=thumb))
                if (who, name, stage) in SERVED:
                    assert response.status_code == 200, (who, name, stage, thumb)
                    assert response["Content-Type"] == "image/webp"
                    assert response["Cache-Control"].startswith("private")
                    assert image_of(response).format == "WEBP"
                else:
                    assert response.status_code == 404, (who, name, stage, thumb)
                    not_found.append(response)
    unknown = client.get(reverse("gallery-media", kwargs={"item_id": 999_999, "stage": 1}))
    bad_stage = client.get(
        reverse("gallery-media", kwargs={"item_id": world["general"].pk, "stage": 7})
    )
    for response in [*not_found, unknown, bad_stage]:
        assert response.status_code == 404
        assert response.content == unknown.content
        assert response["Content-Type"] == unknown["Content-Type"]


def test_revoking_the_age_check_hides_mature_media_at_once(world):
    client = client_for(world, "alice")
    assert client.get(media(world["mature"], 2)).status_code == 200

    AgeVerification.objects.filter(player=world["users"]["alice"]).update(
        revoked_at="2026-01-01T00:00Z"
    )

    assert client.get(media(world["mature"], 2)).status_code == 404
    assert client.get(media(world["mature"], 1)).status_code == 404


@pytest.mark.parametrize("who", WHO)
def test_page_matrix(world, who):
    response = client_for(world, who).get("/gallery/")
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sunburst" in page
    sees_mature = who in ("alice", "bob")
    assert ("Velvet" in page) is sees_mature
    assert (f"/gallery/media/{world['mature'].pk}/" in page) is (who == "alice")
    # Only stages the viewer has unlocked are linked from the page.
    assert media(world["general"], 3) not in page
    assert (media(world["general"], 2) in page) is (who in ("alice", "una"))


@pytest.mark.parametrize("who", WHO)
def test_api_matrix(world, who):
    client = client_for(world, who)
    listing = client.get("/api/unlock")
    general = client.get(f"/api/gallery/items/{world['general'].pk}")
    mature = client.get(f"/api/gallery/items/{world['mature'].pk}")
    unknown = client.get("/api/gallery/items/999999")
    if who == "anonymous":
        assert {listing.status_code, general.status_code, mature.status_code} <= {401, 403}
        return
    items = {item["title"]: item for item in listing.json()["items"]}
    verified = who in ("alice", "bob")
    assert set(items) == ({"Sunburst", "Velvet"} if verified else {"Sunburst"})
    assert general.status_code == 200
    assert mature.status_code == (200 if verified else 404)
    if not verified:
        assert mature.json() == unknown.json()
        assert mature.json()["error"]["code"] == "gallery_item_not_found"
    keyed = who in ("alice", "una")
    assert items["Sunburst"]["stage"] == (2 if keyed else 0)
    if not keyed:
        assert items["Sunburst"]["image_url"] is None
        assert items["Sunburst"]["next"]["kind"] == "KEY_ITEM"
        assert items["Sunburst"]["next"]["key_item"] == "gallery-art-deco"


def test_players_have_no_gallery_admin_and_moderators_do(world, client):
    alice = world["users"]["alice"]
    client.force_login(alice)
    for url in (
        reverse("admin:economy_galleryitem_changelist"),
        reverse("admin:economy_collection_changelist"),
        reverse("admin:economy_galleryitem_preview", args=[world["general"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url

    moderator = client_for(world, "maude")
    for url in (
        reverse("admin:economy_galleryitem_changelist"),
        reverse("admin:economy_collection_changelist"),
        reverse("admin:economy_galleryitem_change", args=[world["general"].pk]),
        reverse("admin:economy_galleryunlock_changelist"),
    ):
        assert moderator.get(url).status_code == 200, url
    preview = moderator.get(
        reverse("admin:economy_galleryitem_preview", args=[world["general"].pk])
    )
    assert preview.status_code == 200 and image_of(preview).format == "WEBP"
    # ...but the player-facing media stays closed to a moderator who unlocked nothing.
    assert moderator.get(media(world["general"], 1)).status_code == 404


def test_sendfile_modes_hand_the_file_to_the_web_server(world, settings):
    client = client_for(world, "alice")
    settings.GALLERY_SENDFILE = "x-accel-redirect"
    settings.GALLERY_SENDFILE_PREFIX = "/protected-gallery/"
    response = client.get(media(world["general"], 2))
    token = world["general"].asset_token
    assert response["X-Accel-Redirect"] == f"/protected-gallery/derived/{token}/2.webp"
    assert response.content == b""

    settings.GALLERY_SENDFILE = "x-sendfile"
    response = client.get(media(world["general"], 2, thumb=True))
    assert response["X-Sendfile"].endswith(f"derived/{token}/2-thumb.webp")
    locked = client.get(media(world["general"], 3))
    assert locked.status_code == 404 and "X-Sendfile" not in locked


def test_an_app_client_fetches_media_with_its_jwt(world):
    client = Client()
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": world["users"]["alice"].email, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    token = login.json()["meta"]["access_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert client.get(media(world["general"], 2), **bearer).status_code == 200
    locked = client.get(media(world["general"], 3), **bearer)
    assert locked.status_code == 404 and locked.content == b"Not found.\n"
    assert (
        client.get(media(world["general"], 2), HTTP_AUTHORIZATION="Bearer x.y.z").status_code == 401
    )
