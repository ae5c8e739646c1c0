"""Each game's full configuration is published, on its page and in the API, so a
player can recompute the published math: the slot's strips, paylines, paytable
and limits; roulette's wheel and limits; rock-paper-scissors' pays and limits."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from games import services
from games.slots.game import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_anyone_reads_a_games_full_configuration_and_math(api_client):
    response = api_client.get("/api/games/slots")

    assert response.status_code == 200
    body = response.json()
    active = services.game_config_active(slug="slots")
    assert body["version"] == active.version
    assert body["config"] == active.data
    assert body["config"]["reels"] == DEFAULT_CONFIG["reels"]
    assert body["config"]["paylines"] == DEFAULT_CONFIG["paylines"]
    assert body["math"]["rtp"] == pytest.approx(active.math["rtp"])
    catalogue = {game["slug"]: game for game in api_client.get("/api/games/").json()}
    assert catalogue["slots"] == body
    assert catalogue["roulette"]["config"]["table_max"] == 5000
    assert catalogue["rps"]["config"]["win_pays"] == "1.9"


def test_an_unknown_game_is_a_json_404(api_client):
    response = api_client.get("/api/games/baccarat")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_new_version_is_what_the_page_and_the_api_publish(api_client, client, player):
    data = copy.deepcopy(DEFAULT_CONFIG)
    data["max_bet_per_line"] = 50
    data["reels"][0] = data["reels"][0][1:] + data["reels"][0][:1]  # same stops, rotated
    version = services.game_config_publish(slug="slots", data=data, note="rotate reel 1").version

    body = api_client.get("/api/games/slots").json()
    assert body["version"] == version
    assert body["config"]["max_bet_per_line"] == 50
    assert body["config"]["reels"][0] == data["reels"][0]

    client.force_login(player)
    page = client.get("/games/slots/").content.decode()
    assert f"version {version} of this game" in page
    assert "1 to 50 coins" in page


def test_the_slot_page_shows_every_strip_payline_and_count(client, player):
    client.force_login(player)
    page = client.get("/games/slots/").content.decode()
    config = services.game_config_active(slug="slots").data

    # The JSON shown on the page is the active configuration, in full.
    shown = re.search(r'<pre data-testid="config-json">(.*?)</pre>', page, re.S).group(1)
    assert json.loads(unescape(shown)) == config

    counts = re.search(r'<table data-testid="strip-counts">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", counts, re.S)
    by_label = {
        re.sub(r"<svg.*?</svg>|<[^>]+>", "", label, flags=re.S).strip(): [
            int(n) for n in re.findall(r"<td>(\d+)</td>", c)
        ]
        for label, c in rows
    }
    assert by_label["Cherry"] == [strip.count("CHERRY") for strip in config["reels"]]
    assert by_label["Wild"] == [strip.count("W") for strip in config["reels"]]
    assert by_label["Stops in all"] == [30, 33, 36, 40, 47]

    for reel, strip in enumerate(config["reels"], start=1):
        listed = re.search(rf'data-testid="strip-{reel}">(.*?)</li>', page, re.S).group(1)
        assert listed.split("</strong>")[1].strip().count(",") == len(strip) - 1

    paylines = re.search(r'<table data-testid="paylines">(.*?)</table>', page, re.S).group(1)
    assert paylines.count('<tr><th scope="row">') == len(config["paylines"]) == 20
    # Line 4 is the V: top, middle, bottom, middle, top.
    line_4 = re.search(r'<tr><th scope="row">4</th>(.*?)</tr>', paylines).group(1)
    assert re.findall(r"<td>(\w+)</td>", line_4) == ["top", "middle", "bottom", "middle", "top"]


def test_roulette_and_rps_pages_publish_their_limits(client, player):
    client.force_login(player)
    roulette = client.get("/games/roulette/").content.decode()
    assert "at most 5000 coins" in roulette and "up to 20" in roulette
    assert "0, 32, 15, 19, 4" in roulette  # the wheel order, from the zero
    rps = client.get("/games/rps/").content.decode()
    assert "10 to 1000 coins" in rps and "1.9× the bet" in rps


def test_the_published_json_alone_recomputes_the_slot_rtp(api_client, tmp_path):
    """What the help page promises: the API's JSON and the standard library are enough."""
    saved = tmp_path / "slots.json"
    saved.write_text(api_client.get("/api/games/slots").content.decode())
    published = services.game_config_active(slug="slots").math["rtp"]

    environment = {"PATH": os.environ["PATH"]}  # no Django settings, no virtualenv
    result = subprocess.run(
        [sys.executable, "-m", "games.slots.math", str(saved)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rtp"] == pytest.approx(published, abs=1e-12)

    saved.write_text('{"config": {"reels": []}}')
    refused = subprocess.run(
        [sys.executable, "-m", "games.slots.math", str(saved)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert refused.returncode == 2 and "not a slot configuration" in refused.stderr
