"""The wallet page works without JavaScript: forms, messages, filters, pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from economy.models import LedgerKind
from economy.selectors import player_balance
from economy.services import MINT, ledger_transfer, player_account, system_account
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_wallet_page_needs_a_sign_in(client):
    response = client.get(reverse("wallet"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_wallet_page_shows_balance_ladder_and_claim_button(alice_client, player, fund):
    fund(player, 4321)

    response = alice_client.get(reverse("wallet"))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-testid="wallet-balance">4,321<', html)
    assert html.count('data-testid="ladder-step"') == 7
    assert html.count('aria-current="step"') == 1
    assert 'data-testid="claim-daily"' in html
    assert 'class="table-wrap"' in html
    assert 'href="/wallet/"' in html  # the nav link


def test_claiming_on_the_page_pays_and_says_so(alice_client, player):
    page = alice_client.get(reverse("wallet")).content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)

    response = alice_client.post(
        reverse("wallet-daily-claim"), {"idempotency_key": key}, follow=True
    )

    assert player_balance(player=player) == 100
    assert any("You claimed 100 coins" in text for text in messages_of(response))
    assert 'data-testid="claim-daily"' not in response.content.decode()


def test_a_double_submitted_form_claims_once(alice_client, player):
    alice_client.post(reverse("wallet-daily-claim"), {"idempotency_key": "form-1"})

    alice_client.post(reverse("wallet-daily-claim"), {"idempotency_key": "form-1"})

    assert player_balance(player=player) == 100


def test_claiming_twice_on_the_page_shows_an_error_and_changes_nothing(alice_client, player):
    alice_client.post(reverse("wallet-daily-claim"))
    before = ledger_snapshot()

    response = alice_client.post(reverse("wallet-daily-claim"), follow=True)

    assert any("already claimed" in text for text in messages_of(response))
    assert ledger_snapshot() == before


def test_the_refill_button_appears_when_broke_and_works(alice_client, player):
    page = alice_client.get(reverse("wallet")).content.decode()
    assert 'data-testid="claim-refill"' in page

    response = alice_client.post(reverse("wallet-refill-claim"), follow=True)

    assert player_balance(player=player) == 500
    assert any("Refilled 500 coins" in text for text in messages_of(response))


def test_a_refill_above_the_threshold_shows_an_error(alice_client, player, fund):
    fund(player, 1000)
    before = ledger_snapshot()

    response = alice_client.post(reverse("wallet-refill-claim"), follow=True)

    assert any("not available" in text for text in messages_of(response))
    assert ledger_snapshot() == before


def test_claims_only_accept_post(alice_client):
    assert alice_client.get(reverse("wallet-daily-claim")).status_code == 405


def test_the_history_filters_by_kind_and_paginates(alice_client, player):
    mint, wallet = system_account(code=MINT), player_account(player=player)
    for number in range(25):
        ledger_transfer(
            source=mint, destination=wallet, amount=number + 1, kind=LedgerKind.MISSION_REWARD
        )
    alice_client.post(reverse("wallet-daily-claim"))

    first = alice_client.get(reverse("wallet")).content.decode()
    second = alice_client.get(reverse("wallet"), {"page": 2}).content.decode()
    daily = alice_client.get(reverse("wallet"), {"kind": "DAILY_BONUS"}).content.decode()

    assert first.count('data-testid="ledger-row"') == 20
    assert second.count('data-testid="ledger-row"') == 6
    assert "Page 1 of 2" in first
    assert daily.count('data-testid="ledger-row"') == 1


def test_a_bad_history_filter_shows_a_form_error(alice_client):
    response = alice_client.get(reverse("wallet"), {"since": "2030-03-02", "until": "2030-03-01"})

    assert response.status_code == 200
    assert "must not be before" in response.content.decode()
