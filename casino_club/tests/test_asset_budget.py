"""The home page's JavaScript and CSS stay under 150 KB compressed (docs/ui.md).

Counts every script and stylesheet the signed-in and signed-out home pages
load, and every module those scripts import, compressed as whitenoise serves
them (gzip, level 9). A page that grows past the budget fails here, not in a
Lighthouse run someone forgets to do.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

BUDGET = 150 * 1024
ASSET = re.compile(
    r'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="/static/([^"?#]+)"'
)
IMPORT = re.compile(
    r'(?:^|\n)\s*import\s[^"\']*["\'](\./[^"\']+)["\']|import\(["\'](\./[^"\']+)["\']\)'
)

pytestmark = pytest.mark.django_db


def loaded_assets(html: str) -> set[str]:
    """Static paths a page loads, with the modules its scripts import (transitively)."""
    pending = ASSET.findall(html)
    seen: set[str] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.endswith(".js"):
            folder = path.rsplit("/", 1)[0]
            for static, dynamic in IMPORT.findall(read(path).decode()):
                pending.append(f"{folder}/{(static or dynamic)[2:]}")
    return seen


def read(path: str) -> bytes:
    found = finders.find(path)
    assert found, f"the page loads /static/{path}, which no static finder has"
    with open(found, "rb") as handle:
        return handle.read()


def compressed_size(paths: set[str]) -> int:
    return sum(len(gzip.compress(read(path), compresslevel=9)) for path in paths)


def test_the_budget_counts_what_a_page_really_loads():
    html = '<link rel="stylesheet" href="/static/css/site.css"><script src="/static/js/site.js">'
    assets = loaded_assets(html)
    assert assets == {"css/site.css", "js/site.js"}
    assert compressed_size(assets) > 1024  # real files, really compressed


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_home_page_js_and_css_fit_the_budget(client, player, signed_in):
    if signed_in:
        client.force_login(player)
    html = client.get("/").content.decode()
    assets = loaded_assets(html)

    assert any(path.endswith(".css") for path in assets)
    assert any(path.endswith(".js") for path in assets)
    size = compressed_size(assets)
    assert size < BUDGET, f"{size / 1024:.1f} KB compressed: {sorted(assets)}"
