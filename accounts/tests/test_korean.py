"""Pages render in Korean when the browser asks for it (compiled locale/ko .mo)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

NO_CASH_VALUE = "코인은 현금 가치가 없습니다"
FOOTER_EN = "Casino Club is a social casino with no real money."


def get_ko(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert NO_CASH_VALUE in html
    assert FOOTER_EN not in html
    return html


@pytest.mark.parametrize(
    ("url", "korean", "english"),
    [
        ("/accounts/login/", ["로그인", "회원가입", "본문으로 건너뛰기"], "Skip to main content"),
        ("/", ["설계부터 공정하게", "무료 계정 만들기"], "Fair play, by construction"),
    ],
)
def test_anonymous_pages_are_korean(client, url, korean, english):
    html = get_ko(client, url)

    for text in korean:
        assert text in html
    assert english not in html


def test_wallet_is_korean(client, player):
    client.force_login(player)

    html = get_ko(client, "/wallet/")

    for text in ["내 지갑", "지갑", "일일 보너스", "연속 출석", "리필 보너스", "로그아웃"]:
        assert text in html
    assert "Your wallet" not in html
    assert "Daily bonus" not in html


def test_games_lobby_is_korean(client, player):
    client.force_login(player)

    html = get_ko(client, "/games/")

    for text in ["슬롯", "룰렛", "가위바위보", "RTP(환수율)", "공정성 검증 가능"]:
        assert text in html
    assert "Every game publishes its exact odds." not in html


@pytest.mark.parametrize(
    ("url", "korean", "english"),
    [
        (
            "/missions/",
            ["연속 출석 0일", "이번 주", "미션은 내 시간대 기준 자정에 새로 바뀌어요"],
            ["This week", "-day streak", "Missions renew at midnight"],
        ),
        (
            "/shop/",
            ["코인 상점", "내 보관함", "코인은 절대 구매할 수 없습니다", "아바타 프레임"],
            ["Coin shop", "Your inventory", "Avatar frame", "Sold out"],
        ),
        (
            "/pass/",
            ["시즌 XP", "1단계", "잠김", "시즌 패스는 무료예요"],
            ["Season XP", "Tier 1", "Locked", "The pass is free"],
        ),
        (
            "/leaderboards/",
            ["최대 당첨", "순손익", "전체 기간", "상위 100명", "먼저 가입한 플레이어가 앞서요"],
            ["Biggest win", "Net winnings", "All time", "Top 100", "Ties go to"],
        ),
        (
            "/notifications/",
            ["알림 설정", "리더보드", "시즌 패스", "상점"],
            ["Notification settings", "Leaderboards", "Season pass", ">Shop<"],
        ),
    ],
)
def test_progression_pages_are_korean(client, player, url, korean, english):
    client.force_login(player)

    html = get_ko(client, url)

    for text in korean:
        assert text in html, text
    for text in english:
        assert text not in html, text


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_catalog_is_complete(domain):
    """Every entry of the committed ko catalogs (templates and Python; static
    JavaScript) is translated and not fuzzy.

    This reads the committed .po file; after adding or changing strings, run
    ``make messages``, translate, and commit (see docs/i18n.md).
    """
    po = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / f"{domain}.po"
    problems = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += line[1:-1]
            else:
                current, _, value = line.partition(" ")
                fields[current] = value[1:-1]
        if fields["msgid"] == "":
            continue
        msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if fuzzy or not msgstrs or not all(msgstrs):
            problems.append(fields["msgid"])

    assert problems == [], f"untranslated or fuzzy in {po}: {problems}"


JS_GETTEXT = re.compile(r"""\bgettext(?:_noop)?\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")


def static_scripts() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for top in ("static", "accounts", "economy", "games")
        for path in (root / top).rglob("*.js")
        if "node_modules" not in path.parts
    )


def test_every_javascript_string_is_in_the_djangojs_catalog():
    po = (Path(settings.BASE_DIR) / "locale/ko/LC_MESSAGES/djangojs.po").read_text("utf-8")
    strings = {
        match
        for path in static_scripts()
        for match in JS_GETTEXT.findall(path.read_text(encoding="utf-8"))
    }
    assert "Waiting for an opponent at this stake…" in strings  # the rule reads the scripts
    assert sorted(text for text in strings if f'msgid "{text}"' not in po) == []


def test_the_javascript_catalog_speaks_korean(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.get("/jsi18n/")
    assert response.status_code == 200
    # The catalogue is JSON inside a script: non-ASCII text is \u-escaped.
    assert json.dumps("이 판돈으로 상대를 기다리는 중…")[1:-1] in response.content.decode()
