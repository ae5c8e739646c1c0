"""Gallery unlock races on the real PostgreSQL: retries of one key pay once, and many
different keys at once still unlock each stage once and in order."""

from __future__ import annotations

import pytest

from economy.gallery.services import UnlockResult, gallery_unlock
from economy.models import GalleryUnlock, LedgerKind, LedgerTransaction
from economy.selectors import player_balance
from economy.services import ledger_reconcile
from tests.support.factories import FundedPlayerFactory
from tests.support.gallery import give_key, make_collection, make_item
from tests.support.races import outcome, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


@pytest.fixture
def setup(no_signup_grant):
    item = make_item(
        make_collection(),
        conditions={2: {"kind": "COINS", "coins": 100}, 3: {"kind": "COINS", "coins": 200}},
    )
    player = FundedPlayerFactory(coins=1000)
    give_key(player)
    return item, player


def test_six_retries_of_one_key_pay_once(setup):
    item, player = setup

    results = run_threads(
        6, lambda i: gallery_unlock(player=player, item_id=item.pk, idempotency_key="same")
    )

    assert [outcome(r) for r in results] == ["UnlockResult"] * 6
    assert sum(not r.replayed for r in results if isinstance(r, UnlockResult)) == 1
    assert GalleryUnlock.objects.filter(player=player).count() == 1
    assert player_balance(player=player) == 900
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SHOP_PURCHASE).count() == 1
    assert ledger_reconcile().ok


def test_six_different_keys_at_once_unlock_stage_2_then_3_once_each(setup):
    item, player = setup

    results = run_threads(
        6, lambda i: gallery_unlock(player=player, item_id=item.pk, idempotency_key=f"k{i}")
    )

    outcomes = sorted(outcome(r) for r in results)
    assert outcomes.count("UnlockResult") == 2
    assert outcomes.count("FullyUnlocked") == 4
    stages = sorted(GalleryUnlock.objects.filter(player=player).values_list("stage", flat=True))
    assert stages == [2, 3]
    assert player_balance(player=player) == 1000 - 100 - 200
    assert ledger_reconcile().ok
