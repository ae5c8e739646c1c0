"""Stage images derived with Pillow: three different stages, a really blurred teaser,
the region sharp in stage 2, fixed size and format, no EXIF, and no URL for the original."""

from __future__ import annotations

import pytest
from django.conf import settings
from PIL import Image, ImageChops, ImageFilter, ImageStat

from economy.gallery.demo_art import demo_image
from economy.gallery.derive import FULL_SIZE, THUMB_SIZE, derived_file
from economy.models import GalleryItem, GalleryUnlock
from economy.models.gallery import gallery_storage
from tests.support.gallery import REGION, give_key, make_collection, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


def edge_energy(image: Image.Image) -> float:
    """Mean absolute Laplacian of the grey image: high for detail, near zero for blur."""
    return ImageStat.Stat(image.convert("L").filter(ImageFilter.FIND_EDGES)).mean[0]


def stage(item, number: int, *, thumb: bool = False) -> Image.Image:
    image = Image.open(derived_file(item.asset_token, number, thumb=thumb))
    image.load()
    return image


def test_three_stages_differ_and_the_teaser_is_really_blurred():
    item = make_item(make_collection())
    teaser, partial, full = (stage(item, n) for n in (1, 2, 3))

    for a, b in ((teaser, partial), (partial, full), (teaser, full)):
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is not None
    original = demo_image(1, width=600, height=450)
    assert edge_energy(teaser) < edge_energy(original) / 10
    assert edge_energy(teaser) < edge_energy(full) / 10
    # Stage 2: the region as sharp as the full image, the rest as blurred as a teaser.
    factor = full.width / 600
    box = tuple(
        round(v * factor) for v in (REGION.x, REGION.y, REGION.x + REGION.w, REGION.y + REGION.h)
    )
    inside = ImageChops.difference(partial.crop(box).convert("RGB"), full.crop(box).convert("RGB"))
    assert ImageStat.Stat(inside).mean[0] < 4
    outside = (0, 0, full.width, box[1])
    assert edge_energy(partial.crop(outside)) < edge_energy(full.crop(outside)) / 5


def test_sizes_and_format_are_fixed():
    item = make_item(make_collection())

    for number in (1, 2, 3):
        full, thumb = stage(item, number), stage(item, number, thumb=True)
        assert full.format == thumb.format == "WEBP"
        assert max(full.size) == FULL_SIZE and max(thumb.size) == THUMB_SIZE
    assert (item.original_width, item.original_height) == (600, 450)


def test_exif_of_the_original_is_gone():
    exif = Image.Exif()
    exif[0x010E] = "secret-description"  # ImageDescription
    exif[0x013B] = "secret-artist"  # Artist
    item = make_item(make_collection(), exif=exif.tobytes())
    with item.original.open("rb") as original:
        assert b"secret-artist" in original.read()

    for number in (1, 2, 3):
        for thumb in (False, True):
            path = derived_file(item.asset_token, number, thumb=thumb)
            assert b"secret" not in path.read_bytes()
            image = Image.open(path)
            assert "exif" not in image.info and len(image.getexif()) == 0


def test_files_live_under_the_private_root_only():
    item = make_item(make_collection())
    root = settings.GALLERY_MEDIA_ROOT.resolve()

    assert gallery_storage.path(item.original.name).startswith(str(root))
    assert derived_file(item.asset_token, 3).is_relative_to(root)
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not root.is_relative_to(public.resolve())
    with pytest.raises(ValueError):
        item.original.url  # noqa: B018 (the original has no URL)


def test_the_original_is_never_served(player, client, fund):
    item = make_item(make_collection(), conditions={2: {"kind": "MISSIONS", "mission_count": 1}})
    GalleryUnlock.objects.create(player=player, item=item, stage=2, kind="MISSIONS")
    GalleryUnlock.objects.create(player=player, item=item, stage=3, kind="MISSIONS")
    give_key(player)
    client.force_login(player)
    original_bytes = gallery_storage.open(item.original.name).read()
    name = item.original.name
    guesses = [
        f"/gallery/media/{item.pk}/0.webp",
        f"/gallery/media/{item.pk}/4.webp",
        f"/gallery/media/{item.pk}/original.webp",
        f"/gallery/media/{item.pk}/original.jpg",
        f"/gallery/media/{item.pk}/3.jpg",
        f"/gallery/media/{item.pk}/../originals/x.webp",
        f"/gallery/{name}",
        f"/gallery/media/{name}",
        f"/media/{name}",
        f"/media/gallery/{name}",
        f"/static/{name}",
        f"/gallery/media/derived/{item.asset_token}/3.webp",
        f"/media/derived/{item.asset_token}/3.webp",
        f"/static/derived/{item.asset_token}/3.webp",
    ]
    for url in guesses:
        response = client.get(url)
        assert response.status_code == 404, url
    for number in (1, 2, 3):
        response = client.get(f"/gallery/media/{item.pk}/{number}.webp")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body != original_bytes and body[8:12] == b"WEBP"


def test_a_bad_region_or_file_is_refused_by_the_admin_form():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from economy.gallery.admin import GalleryItemForm
    from economy.gallery.demo_art import demo_jpeg

    collection = make_collection()
    base = {"collection": collection.pk, "title": "T", "rating": "GENERAL", "order": 0}
    region = {"region_x": 500, "region_y": 0, "region_w": 200, "region_h": 10}
    upload = SimpleUploadedFile("a.jpg", demo_jpeg(2, width=600, height=450), "image/jpeg")
    form = GalleryItemForm(data={**base, **region}, files={"original": upload})
    assert not form.is_valid() and "inside the image" in str(form.errors)

    junk = SimpleUploadedFile("a.jpg", b"not an image at all", "image/jpeg")
    region = {"region_x": 0, "region_y": 0, "region_w": 10, "region_h": 10}
    form = GalleryItemForm(data={**base, **region}, files={"original": junk})
    assert not form.is_valid() and "original" in form.errors
    assert not GalleryItem.objects.exists()


def test_the_demo_command_is_idempotent_and_keyed_to_the_art_deco_gallery():
    from django.core.management import call_command

    from economy.models import Collection

    call_command("gallery_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("gallery_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    collection = Collection.objects.get()
    assert collection.key_item.slug == "gallery-art-deco"
    items = list(collection.items.order_by("order"))
    assert [item.rating for item in items] == ["GENERAL", "GENERAL", "GENERAL", "MATURE"]
    for item in items:
        assert item.conditions.count() == 2
        assert derived_file(item.asset_token, 1).is_file()


def test_a_moderator_uploads_edits_and_deletes_an_item_without_javascript(
    moderator_client, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from economy.gallery.demo_art import demo_jpeg

    collection = make_collection()
    form = {
        "collection": collection.pk,
        "title": "Typed region",
        "description": "",
        "rating": "GENERAL",
        "order": 0,
        "published": "on",
        "region_x": 10,
        "region_y": 20,
        "region_w": 100,
        "region_h": 50,
        "conditions-TOTAL_FORMS": 1,
        "conditions-INITIAL_FORMS": 0,
        "conditions-MIN_NUM_FORMS": 0,
        "conditions-MAX_NUM_FORMS": 2,
        "conditions-0-stage": 2,
        "conditions-0-kind": "COINS",
        "conditions-0-coins": 50,
        "conditions-0-mission_count": 1,
    }
    upload = SimpleUploadedFile("a.jpg", demo_jpeg(6, width=600, height=450), "image/jpeg")
    response = moderator_client.post(
        reverse("admin:economy_galleryitem_add"), {**form, "original": upload}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = GalleryItem.objects.get()
    assert item.conditions.get().coins == 50
    first_original = item.original.name
    assert derived_file(item.asset_token, 2).is_file()

    # A new original replaces the old one; the old file is gone.
    png = BytesIO()
    demo_image(7, width=500, height=500).save(png, "PNG")
    upload = SimpleUploadedFile("b.png", png.getvalue(), "image/png")
    change = {**form, "conditions-TOTAL_FORMS": 0, "original": upload}
    response = moderator_client.post(
        reverse("admin:economy_galleryitem_change", args=[item.pk]), change
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert (item.original_width, item.original_height) == (500, 500)
    assert not gallery_storage.exists(first_original)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once it commits
        response = moderator_client.post(
            reverse("admin:economy_galleryitem_delete", args=[item.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not derived_file(item.asset_token, 1).exists()
    assert not gallery_storage.exists(item.original.name)


def test_the_exif_rotation_is_applied_before_the_tag_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    collection = make_collection()
    item = make_item(collection, exif=exif.tobytes(), conditions={})

    assert (item.original_width, item.original_height) == (450, 600)
    full = stage(item, 3)
    assert full.size == (768, 1024)
    assert len(full.getexif()) == 0


def test_deleting_a_collection_removes_its_items_files(
    moderator_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    collection = make_collection()
    items = [make_item(collection, title=f"Item {n}", seed=n, conditions={}) for n in range(2)]
    files = [(derived_file(item.asset_token, 1), item.original.name) for item in items]
    assert all(path.is_file() and gallery_storage.exists(name) for path, name in files)

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("admin:economy_collection_delete", args=[collection.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not GalleryItem.objects.exists()
    for path, name in files:
        assert not path.exists()
        assert not gallery_storage.exists(name)
