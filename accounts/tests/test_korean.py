"""Pages render in Korean when the browser asks for it (compiled locale/ko .mo)."""

from __future__ import annotations

import pytest

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
