"""The test support itself (tests/support): the factories go through the
services, the interleaving helpers run their callbacks at the promised moment."""

from __future__ import annotations

import pytest

from accounts.models import Action
from economy.selectors import player_balance
from games.models import GameRound
from tests.support.factories import (
    FundedPlayerFactory,
    MissionFactory,
    PlayerFactory,
    RoundFactory,
)
from tests.support.races import errors_of, outcome, run_after, run_before, run_threads

calls: list[str] = []


def step(name: str) -> str:
    calls.append(name)
    return name


def work() -> str:
    # Looked up by module global, as code under test looks up its helpers.
    return step("work")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def test_run_before_and_after_bracket_only_the_first_call():
    with run_before(f"{__name__}.step", lambda: calls.append("before")):
        work()
        work()
    with run_after(f"{__name__}.step", lambda: calls.append("after")):
        work()
        work()

    assert calls == ["before", "work", "work", "work", "after", "work"]


def test_a_race_that_did_not_happen_fails_the_test():
    with pytest.raises(AssertionError, match="never called"):  # noqa: SIM117
        with run_before(f"{__name__}.step", lambda: None):
            pass


@pytest.mark.django_db  # each thread closes its database connection
def test_run_threads_returns_results_and_exceptions_in_order():
    def work(index: int) -> int:
        if index == 2:
            raise ValueError(index)
        return index * 10

    results = run_threads(4, work)

    assert [outcome(r) for r in results] == ["int", "int", "ValueError", "int"]
    assert results[:2] == [0, 10]
    assert [type(e) for e in errors_of(results)] == [ValueError]


@pytest.mark.django_db
def test_factories_go_through_the_services(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plain = PlayerFactory()
        rich = FundedPlayerFactory(coins=5_000)
    grant = player_balance(player=plain)

    assert Action.objects.filter(type="PLAYER_JOINED", player=plain).exists()
    assert plain.email == f"{plain.nickname.lower()}@example.com"
    assert plain.check_password("correct horse battery staple")
    assert player_balance(player=rich) == grant + 5_000

    result = RoundFactory(player=rich)
    assert GameRound.objects.get() == result.round
    assert result.round.wager == 20
    assert player_balance(player=rich) == grant + 5_000 - 20 + result.round.payout

    mission = MissionFactory(player=plain, completed=True)
    assert (mission.progress, mission.target) == (1, 1)
    assert mission.completed_at is not None and mission.claimed_at is None
