"""Help and questions (/help/) for everyone, and the web app manifest with its icons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from games import services

pytestmark = pytest.mark.django_db


def published_rtp(slug: str) -> str:
    return f"{services.game_config_active(slug=slug).math['rtp'] * 100:.2f}%"


@pytest.mark.parametrize("signed_in", [False, True])
def test_help_shows_every_game_with_its_published_rtp(client, player, signed_in):
    if signed_in:
        client.force_login(player)

    html = client.get("/help/").content.decode()

    for slug in ("slots", "roulette", "rps"):
        assert f'data-testid="help-rtp-{slug}">{published_rtp(slug)}<' in html
        assert f'href="/games/{slug}/"' in html
    assert 'href="/games/live-rps/"' in html
    assert "Coins have no cash value" in html
    assert "A win is never" in html
    # The limits link is for players only (the page it opens needs an account).
    assert ('href="/profile/responsible-play/"' in html) is signed_in


def test_help_is_korean(client):
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<html lang="ko">' in html
    for text in (
        "도움말과 질문",
        "코인에 가치가 있나요?",
        "승리가 \u201c올 차례\u201d인 경우는 없어요",
    ):
        assert text in html, text
    assert "Do coins have any value?" not in html


def test_every_page_links_help_in_its_footer(client, player):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(player)
        html = client.get("/").content.decode()
        assert '<a href="/help/" data-testid="footer-help">' in html


def test_pages_link_the_manifest_and_touch_icon(client):
    html = client.get("/").content.decode()

    assert f'<link rel="manifest" href="{static("manifest.webmanifest")}">' in html
    assert f'<link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">' in html
    assert '<meta name="theme-color"' in html


def test_the_manifest_makes_the_site_installable():
    path = Path(finders.find("manifest.webmanifest"))
    manifest = json.loads(path.read_text(encoding="utf-8"))

    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        # Relative to the manifest's own URL (under STATIC_URL).
        found = finders.find(icon["src"])
        assert found, icon["src"]
        if icon["type"] == "image/png":
            with Image.open(found) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
                sizes.add((image.width, icon.get("purpose", "any")))
        else:
            assert Path(found).read_text(encoding="utf-8").startswith("<svg")
    # What browsers need to offer "Add to home screen": 192 and 512, plus a maskable one.
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


def test_the_manifest_is_served_with_its_media_type(client):
    response = client.get(static("manifest.webmanifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert json.loads(b"".join(response.streaming_content))["name"] == "Casino Club"


def test_the_icons_draw_the_spade_not_a_font_glyph():
    svg = Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    assert "<text" not in svg and "<path" in svg
    with Image.open(finders.find("img/icon-192.png")) as image:
        rgb = image.convert("RGB")
        # The centre is the gold spade, a corner the felt background.
        assert rgb.getpixel((96, 96)) == (245, 197, 66)
        assert rgb.getpixel((20, 20)) == (15, 61, 46)
