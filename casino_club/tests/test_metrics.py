"""/metrics: Prometheus text behind METRICS_TOKEN (Alice plays, the operator scrapes)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from economy.services.reconcile import ledger_reconcile, reconcile_record
from tests.support.ledger import give_coins

TOKEN = "scrape-" + "t" * 32
SLOTS = {"bet_per_line": 1, "lines": 20}


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.mark.django_db
def test_metrics_are_not_there_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_token(client, metrics_on):
    missing = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 39})
    basic = client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})

    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status_code == 403
    assert basic.status_code == 401
    for response in (missing, wrong, basic):
        assert b"casino_" not in response.content


@pytest.mark.django_db
def test_a_spin_moves_the_rounds_counter(client, metrics_on, player_client, player):
    give_coins(player, 10_000)
    # A first round, so the counter starts from a real id (the sequence is
    # shared with every earlier test; an empty table reads 0).
    assert player_client.post("/api/games/slots/play", SLOTS, format="json").status_code == 200
    before = scrape(client)

    response = player_client.post("/api/games/slots/play", SLOTS, format="json")
    assert response.status_code == 200
    after = scrape(client)

    assert after[("casino_rounds_total", ())] == response.json()["round"]["id"]
    assert after[("casino_rounds_total", ())] == before[("casino_rounds_total", ())] + 1


@pytest.mark.django_db
def test_subscriber_lag_is_listed_per_subscriber(client, metrics_on, player):
    samples = scrape(client)

    subscriber = (("subscriber", "economy.signup_grant"),)
    assert ("casino_subscriber_waiting_actions", subscriber) in samples
    assert samples[("casino_subscriber_handled_total", subscriber)] >= 0


@pytest.mark.django_db
def test_the_last_reconciliation_is_a_gauge(client, metrics_on, player):
    assert ("casino_ledger_reconcile_ok", ()) not in scrape(client)

    give_coins(player, 500)
    reconcile_record(report=ledger_reconcile())
    samples = scrape(client)

    assert samples[("casino_ledger_reconcile_ok", ())] == 1
    assert samples[("casino_ledger_reconcile_last_run_timestamp_seconds", ())] > 0


@pytest.mark.django_db
def test_a_failed_reconciliation_reads_zero(client, metrics_on):
    from economy.services.reconcile import ReconcileReport

    report = ReconcileReport()
    report.add(["account 7: balance 10 but entries sum to 9"])
    reconcile_record(report=report)

    assert scrape(client)[("casino_ledger_reconcile_ok", ())] == 0
