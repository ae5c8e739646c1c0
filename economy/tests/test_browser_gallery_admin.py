"""A moderator uploads an original in admin, drags the stage 2 region on its preview
(the script fills the four fields, under the site's CSP) and saves: the stages are derived."""

from __future__ import annotations

import time

import pytest

from tests.support.browser import browser_page
from tests.support.clients import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


def test_a_moderator_marks_the_region_with_the_mouse(live_server, moderator, tmp_path):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )
    from django.contrib.auth.models import Group, Permission

    from economy.gallery.demo_art import demo_jpeg
    from tests.support.gallery import make_collection

    group = Group.objects.get(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="economy",
            codename__in=["add_galleryitem", "change_galleryitem", "view_galleryitem",
                          "view_collection", "add_unlockcondition", "change_unlockcondition",
                          "view_unlockcondition", "delete_unlockcondition"],
        )
    )  # fmt: skip
    mira = type(moderator).objects.create_user(
        email="mira@example.com", password=PASSWORD, nickname="Mira", is_staff=True
    )
    mira.groups.add(group)
    secret = generate_totp_secret()
    TOTP.activate(mira, secret)
    collection = make_collection()
    picture = tmp_path / "upload.jpg"
    picture.write_bytes(demo_jpeg(5, width=800, height=600))
    problems: list[str] = []

    def console(message) -> None:
        # Django's admin links no favicon, so the browser's guess 404s; anything else counts.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    with browser_page(viewport={"width": 1280, "height": 1000}) as page:
        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{live_server.url}/admin/economy/galleryitem/add/")
        page.get_by_label("Email").fill("mira@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.get_by_placeholder("Code").fill(
            format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        )
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/admin/economy/galleryitem/add/")

        page.locator("#id_collection").select_option(str(collection.pk))
        page.locator("#id_title").fill("Drawn region")
        page.locator("#id_original").set_input_files(str(picture))
        preview = page.locator(".gallery-region-stage img")
        preview.wait_for()
        page.wait_for_function(
            "() => document.querySelector('.gallery-region-stage img')?.naturalWidth === 800"
        )
        box = preview.bounding_box()
        # Drag from a quarter to three quarters of the preview: the middle half.
        page.mouse.move(box["x"] + box["width"] / 4, box["y"] + box["height"] / 4)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=5)
        page.mouse.move(box["x"] + box["width"] * 3 / 4, box["y"] + box["height"] * 3 / 4, steps=5)
        page.mouse.up()
        values = [int(page.locator(f"#id_region_{n}").input_value()) for n in "xywh"]
        for got, want in zip(values, [200, 150, 400, 300], strict=True):
            assert abs(got - want) <= 4, values
        assert page.locator(".gallery-region-box").is_visible()

        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/economy/galleryitem/")
        page.locator("#result_list").get_by_role("link", name="Drawn region").click()
        # A saved item's preview is its derived full stage, with the rectangle drawn on it.
        page.wait_for_function(
            "() => document.querySelector('.gallery-region-stage img')?.naturalWidth === 1024"
        )
        assert page.locator(".gallery-region-box").is_visible()

    assert problems == []
    from economy.gallery.derive import derived_file
    from economy.models import GalleryItem

    item = GalleryItem.objects.get(title="Drawn region")
    assert item.derived_at is not None and derived_file(item.asset_token, 2).is_file()
    assert [item.region_x, item.region_y, item.region_w, item.region_h] == values
