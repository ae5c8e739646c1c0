"""Two players, two browsers: Alice's big win appears on Bob's open leaderboard page
without a reload, through a real daphne process, PostgreSQL and Redis."""

from __future__ import annotations

import hashlib

import pytest

from games.fairness import DrawStream, hash_server_seed
from games.models import SeedPair
from games.registry import get
from games.services import game_config_active, seed_pair_active
from tests.support.browser import VIEWPORTS, browser_context, nav_click, sibling_context
from tests.support.clients import sign_in
from tests.support.ledger import give_coins
from tests.support.servers import Daphne

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

DEFAULT_SPIN = {"bet_per_line": 1, "lines": 20}  # the slots page's initial bet


def winning_seed_pair(player) -> int:
    """Give ``player`` a seed pair whose first spin (nonce 0) wins; returns its net."""
    spec = get("slots")
    config = game_config_active(slug="slots").data
    params = spec.validate_params(DEFAULT_SPIN, config)
    for attempt in range(5000):
        server_seed = hashlib.sha256(f"leaderboard-journey-{attempt}".encode()).hexdigest()
        outcome = spec.resolve(DrawStream(server_seed, "journey", 0), params, config)
        net = outcome["payout"] - spec.wager(params)
        if net > 0:
            seed_pair_active(player=player)
            SeedPair.objects.filter(player=player, is_active=True).update(
                server_seed=server_seed,
                server_seed_hash=hash_server_seed(server_seed),
                client_seed="journey",
                nonce=0,
            )
            return net
    raise AssertionError("no winning seed in 5000 tries")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_big_win_appears_on_another_players_open_leaderboard(
    tmp_path, settings, make_player, size
):
    # The daphne process checks passwords with the site's real hashers.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    alice, bob = make_player("Alice"), make_player("Bob")
    give_coins(alice, 1_000)
    net = winning_seed_pair(alice)
    server = Daphne(redis_url=settings.REDIS_URL, var_dir=tmp_path).start()
    try:
        with browser_context(viewport=VIEWPORTS[size]) as bob_context:
            bob_page = bob_context.new_page()
            sign_in(bob_page, server.origin, bob.email)
            nav_click(bob_page, "Leaderboards")
            bob_page.wait_for_url(f"{server.origin}/leaderboards/")
            rows = bob_page.get_by_test_id("leaderboard-rows")
            assert "Alice" not in rows.inner_text()
            bob_page.locator("[data-leaderboard][data-subscribed=true]").wait_for()

            alice_context = sibling_context(bob_context, viewport=VIEWPORTS[size])
            alice_page = alice_context.new_page()
            sign_in(alice_page, server.origin, alice.email)
            alice_page.goto(f"{server.origin}/games/slots/")
            alice_page.get_by_test_id("spin").click()
            alice_page.locator("[data-result][data-kind]:not([data-kind=pending])").wait_for()

            first = rows.locator("tr").first
            try:
                first.filter(has_text="Alice").wait_for(timeout=10_000)
            except Exception as error:
                raise AssertionError(
                    f"no live row; daphne said:\n{server.output()[-3000:]}"
                ) from error
            assert first.locator("td").last.inner_text() == str(net)
            assert bob_page.url == f"{server.origin}/leaderboards/"  # no reload, no navigation
            bob_page.screenshot(path=f"test-artifacts/leaderboard-live-{size}.png", full_page=True)
            alice_context.close()
    finally:
        server.stop()
