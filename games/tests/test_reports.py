"""The moderators' reports against hand-built data with known answers, through the API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from economy.faucets import daily_bonus_claim
from economy.models import AccountKind, Entry
from economy.selectors import player_balance
from economy.services import adjustment_make
from economy.shop.services import shop_buy
from games.models.core import GameRound
from games.reports import selectors
from games.segments.services import segments_compute
from games.services import round_play
from tests.support.ledger import give_coins

pytestmark = pytest.mark.django_db

URLS = ["/api/analytics/retention", "/api/analytics/economy", "/api/analytics/spend"]
SLOTS = {"bet_per_line": 1, "lines": 20}


def noon(days_ago: int):
    day = timezone.localdate() - timedelta(days=days_ago)
    return selectors._midnight(day) + timedelta(hours=12)


def signed_up(player, days_ago: int):
    User.objects.filter(pk=player.pk).update(created_at=noon(days_ago))


def played(player, days_ago: int) -> None:
    result = round_play(player=player, slug="slots", params=SLOTS)
    GameRound.objects.filter(pk=result.round.pk).update(created_at=noon(days_ago))


def test_retention_of_a_hand_built_cohort(make_player):
    a, b, c, d, e = (make_player(f"Cohort{n}") for n in range(5))
    for player in (a, b, c, d, e):
        give_coins(player, 1_000)
    for player in (a, b, c, d):
        signed_up(player, 40)  # one signup day, so one signup week
    signed_up(e, 3)
    played(a, 39)  # D1
    played(a, 33)  # D7
    played(b, 10)  # D30
    played(d, 39)  # D1
    played(e, 2)  # D1 of the recent cohort (its D7 and D30 have not ended yet)

    report = selectors.retention(window=selectors.window_for(days=60))

    old, recent = report["cohorts"]
    assert old["signups"] == 4
    assert old["d1"] == {"retained": 2, "eligible": 4, "rate": 0.5}
    assert old["d7"] == {"retained": 1, "eligible": 4, "rate": 0.25}
    assert old["d30"] == {"retained": 1, "eligible": 4, "rate": 0.25}
    assert recent["signups"] == 1
    assert recent["d1"] == {"retained": 1, "eligible": 1, "rate": 1.0}
    assert recent["d7"] == {"retained": 0, "eligible": 0, "rate": None}
    # Active: e two days ago, b ten days ago, a 33 days ago.
    assert report["active"] == {"dau": 0, "wau": 1, "mau": 2}


def test_economy_sums_equal_the_ledgers_own_totals(make_player, moderator):
    alice, bob = make_player("Econ1"), make_player("Econ2")
    give_coins(alice, 5_000)
    give_coins(bob, 5_000)
    bonus = daily_bonus_claim(player=alice)
    rounds = [round_play(player=bob, slug="slots", params=SLOTS) for _ in range(6)]
    rounds += [round_play(player=alice, slug="rps", params={"bet": 10, "move": "rock"})]
    purchase = shop_buy(player=alice, item_slug=_cheapest_item())
    adjustment_make(moderator=moderator, player=bob, amount=250, reason="report test")
    adjustment_make(moderator=moderator, player=alice, amount=-40, reason="report test")

    report = selectors.economy(window=selectors.window_for(days=1))

    (today,) = report["periods"]
    assert today["issued"]["mission_reward"] == 10_000
    assert today["issued"]["daily_bonus"] == bonus.amount
    assert today["issued"]["adjustment"] == 250
    assert today["removed"]["adjustment"] == 40
    assert today["removed"]["shop"] == purchase.purchase.total
    edge = sum(r.round.wager - r.round.payout for r in rounds)
    assert today["removed"].get("game_edge", 0) == edge
    # The ledger's own totals: what left the mint, and what players hold.
    mint = sum(
        Entry.objects.filter(account__kind=AccountKind.MINT).values_list("amount", flat=True)
    )
    assert sum(v for k, v in today["issued"].items() if k != "adjustment") == -mint
    held = player_balance(player=alice) + player_balance(player=bob)
    assert report["circulating_supply"] == {"players": held, "escrow": 0, "total": held}
    assert today["issued_total"] - today["removed_total"] == held
    (rps, slots) = report["games"]
    assert slots["game"] == "slots" and slots["rounds"] == 6
    assert slots["realised_rtp"] == round(slots["paid"] / slots["wagered"], 6)
    assert slots["published_rtp"] > 0 and rps["rounds"] == 1


def _cheapest_item() -> str:
    from economy.models import ShopItem

    return ShopItem.objects.filter(listed=True).order_by("price").first().slug


def test_spend_by_game_segment_and_shop(make_player):
    alice, bob = make_player("Spend1"), make_player("Spend2")
    give_coins(alice, 5_000)
    give_coins(bob, 5_000)
    round_play(player=alice, slug="slots", params=SLOTS)
    round_play(player=alice, slug="rps", params={"bet": 30, "move": "paper"})
    segments_compute()  # both joined today: New
    round_play(player=bob, slug="slots", params=SLOTS)
    purchase = shop_buy(player=bob, item_slug=_cheapest_item())

    report = selectors.spend(window=selectors.window_for(days=7, period="week"))

    by_game = {row["game"]: (row["wagered"], row["rounds"]) for row in report["wagered_by_game"]}
    assert by_game == {"slots": (40, 2), "rps": (30, 1)}
    by_segment = {row["segment"]: row["wagered"] for row in report["wagered_by_segment"]}
    assert by_segment == {"NEW": 70}
    assert [(row["spent"], row["purchases"]) for row in report["shop"]] == [
        (purchase.purchase.total, 1)
    ]


@pytest.mark.parametrize("url", URLS)
def test_players_and_visitors_cannot_read_the_reports(client, alice_client, url):
    assert alice_client.get(url).status_code == 403
    assert client.get(url).status_code in (401, 403)
    body = alice_client.get(url).json()
    assert body["error"]["code"]


@pytest.mark.parametrize("url", URLS)
def test_moderators_read_them_as_json_and_csv(moderator_client, url):
    response = moderator_client.get(url, {"period": "week", "days": 14})
    assert response.status_code == 200 and response.json()["period"] == "week"

    exported = moderator_client.get(url, {"format": "csv"})
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert "attachment" in exported["Content-Disposition"]


def test_the_csv_holds_the_table(moderator_client, make_player):
    player = make_player("Csv1")
    give_coins(player, 700)

    exported = moderator_client.get("/api/analytics/economy", {"format": "csv", "days": 1})

    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {"direction": "issued", "source": "mission_reward", "coins": "700"} in [
        {key: row[key] for key in ("direction", "source", "coins")} for row in rows
    ]


@pytest.mark.parametrize(
    "query",
    [{"period": "month"}, {"days": 0}, {"days": 367}, {"days": "x"}, {"player": 1}],
)
def test_a_bad_query_is_a_400_with_the_error_json(moderator_client, query):
    response = moderator_client.get("/api/analytics/spend", query)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_errors_are_json_even_when_csv_was_asked_for(moderator_client, alice_client):
    bad = moderator_client.get("/api/analytics/spend", {"format": "csv", "days": 0})
    refused = alice_client.get("/api/analytics/spend", {"format": "csv"})
    for response in (bad, refused):
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"]


def test_the_admin_page_shows_the_reports_to_moderators_only(moderator_client, alice_client):
    player = User.objects.get(nickname="Alice")
    give_coins(player, 321)

    page = moderator_client.get("/admin/reports/?period=week")
    index = moderator_client.get("/admin/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="supply">321<' in html
    assert 'id="economy-chart-data"' in html and "uPlot.iife.min.js" in html
    assert "mission_reward" in html
    assert 'href="/admin/reports/"' in index.content.decode()
    assert moderator_client.get("/admin/reports/?period=year").status_code == 200  # falls back
    # A player is sent to the admin login, never shown the page.
    refused = alice_client.get("/admin/reports/")
    assert refused.status_code in (302, 403) and b"supply" not in refused.content


def test_signups_and_d7_by_acquisition_source(make_player):
    from accounts.models import AcquisitionSource

    players = [make_player(f"Src{n}") for n in range(3)]
    for player, source in zip(players, ["newsletter", "newsletter", "direct"], strict=True):
        AcquisitionSource.objects.create(player=player, source=source)
        give_coins(player, 500)
        signed_up(player, 20)
    played(players[0], 13)  # D7 of a newsletter signup

    report = selectors.retention(window=selectors.window_for(days=30))

    by_source = {row["source"]: row for row in report["by_source"]}
    assert by_source["newsletter"]["signups"] == 2
    assert by_source["newsletter"]["d7"] == {"retained": 1, "eligible": 2, "rate": 0.5}
    assert by_source["direct"]["d7"] == {"retained": 0, "eligible": 1, "rate": 0.0}
