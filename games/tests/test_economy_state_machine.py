"""A hypothesis state machine over the whole economy, through the real services.

Two fresh, funded players per example (age-verified, holding the gallery's
key) do, in any order: spins of every game (slots, roulette, RPS against the
house), live rock-paper-scissors matches against each other, the daily bonus,
the refill, shop purchases, a gallery stage bought with coins, moderator
adjustments (credits and debits), and retries of earlier keyed requests: the
same key with the same request (must replay: same result, no coins moved)
and the same key with a different request (must be refused, nothing moved).

The model's balances follow only what each call answered (a round's wager
and payout, a claim's amount, a purchase's total, an unlock's cost, the
match's rules), and a refused call (any ``DomainError``) must move nothing.
After every step the model's balances equal the database's, and the ledger
reconciles (every transaction sums to zero, running balances, system
accounts). Each example runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from casino_club.kit.errors import DomainError
from economy.faucets import daily_bonus_claim, refill_claim
from economy.gallery.services import gallery_unlock
from economy.models import ShopItem
from economy.selectors import player_balance
from economy.services import adjustment_make, ledger_reconcile
from economy.shop.services import shop_buy
from games.errors import GameError
from games.fairness import commitment
from games.live_rps import services as live
from games.services import round_play
from tests.support.gallery import give_key, make_collection, make_item, verify_age
from tests.support.ledger import give_coins

pytestmark = pytest.mark.django_db

FUNDS = 3_000
BEATS = {"rock": "scissors", "paper": "rock", "scissors": "paper"}
moves = st.sampled_from(sorted(BEATS))
who = st.integers(min_value=0, max_value=1)
keys = st.sampled_from([None, "a", "b", "c"])


def round_params(draw_game: str, size: int, move: str) -> dict:
    if draw_game == "slots":
        return {"bet_per_line": size, "lines": 20}
    if draw_game == "roulette":
        return {"bets": [{"type": "red", "value": None, "amount": 10 * size}]}
    return {"bet": 10 * size, "move": move}


class Economy(RuleBasedStateMachine):
    # Set by the test before the machine runs (rows made once per test).
    moderator = None
    item = None
    shop_slugs: list[str] = []
    make_player = None
    # What happened, over all examples: the test checks every kind of step ran.
    done: dict[str, int] = {}

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.players = [type(self).make_player() for _ in range(2)]
        for player in self.players:
            give_coins(player, FUNDS)
            give_key(player)
            verify_age(player)
        self.expected = [player_balance(player=player) for player in self.players]
        # key -> (player index, what was asked, what it answered)
        self.keyed: dict[tuple[str, int, str], tuple] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def count(self, what: str) -> None:
        type(self).done[what] = type(self).done.get(what, 0) + 1

    def refused_changes_nothing(self, call) -> object | None:
        before = [player_balance(player=player) for player in self.players]
        try:
            return call()
        except (DomainError, GameError):
            assert [player_balance(player=player) for player in self.players] == before
            return None

    # --- games against the house ---------------------------------------------------

    @rule(
        index=who,
        game=st.sampled_from(["slots", "roulette", "rps"]),
        size=st.integers(min_value=1, max_value=5),
        move=moves,
        key=keys,
    )
    def spin(self, index, game, size, move, key):
        player = self.players[index]
        params = round_params(game, size, move)
        result = self.refused_changes_nothing(
            lambda: round_play(player=player, slug=game, params=params, idempotency_key=key)
        )
        if result is None:
            return
        answer = (result.round.pk, result.round.wager, result.round.payout, result.balance)
        earlier = self.keyed.get(("round", index, key)) if key else None
        if earlier is not None and earlier[0] == (game, params):
            assert result.replayed and answer == earlier[1]
            self.count("round replayed")
            return
        assert earlier is None, "a key reused for a different round was accepted"
        assert not result.replayed
        self.expected[index] += result.round.payout - result.round.wager
        assert result.balance == self.expected[index]
        self.count(f"{game} round")
        if key:
            self.keyed[("round", index, key)] = ((game, params), answer)

    @precondition(lambda self: bool(self.keyed))
    @rule(choice=st.integers(min_value=0, max_value=100), same=st.booleans())
    def retry_a_round_key(self, choice, same):
        """An earlier key again: the same request replays, a different one is refused."""
        _kind, index, key = sorted(self.keyed)[choice % len(self.keyed)]
        (game, params), answer = self.keyed[("round", index, key)]
        player = self.players[index]
        if same:
            result = round_play(player=player, slug=game, params=params, idempotency_key=key)
            # A replay answers what the first call answered, its balance included.
            assert result.replayed
            assert (result.round.pk, result.round.wager, result.round.payout, result.balance) == (
                answer
            )
            self.count("round retried")
        else:
            other_game = "rps" if game == "slots" else "slots"
            changed = round_params(other_game, 1, "paper")
            assert (
                self.refused_changes_nothing(
                    lambda: round_play(
                        player=player, slug=other_game, params=changed, idempotency_key=key
                    )
                )
                is None
            )
            self.count("round key reused")

    # --- a live match between the two players --------------------------------------

    @rule(stake=st.sampled_from([10, 50, 100]), move_a=moves, move_b=moves)
    def live_match(self, stake, move_a, move_b):
        alice, bob = self.players
        if min(self.expected) < stake:
            return
        live.match_find(player=alice, stake=stake)
        match = live.match_find(player=bob, stake=stake).match
        live.match_commit(player=alice, match_id=match.pk, commitment=commitment(move_a, "s1"))
        live.match_commit(player=bob, match_id=match.pk, commitment=commitment(move_b, "s2"))
        live.match_reveal(player=alice, match_id=match.pk, move=move_a, salt="s1")
        live.match_reveal(player=bob, match_id=match.pk, move=move_b, salt="s2")
        if BEATS[move_a] == move_b:
            self.expected[0] += stake
            self.expected[1] -= stake
        elif BEATS[move_b] == move_a:
            self.expected[0] -= stake
            self.expected[1] += stake
        self.count("live match")
        # Leave the finished match so the next one can form.
        for player in self.players:
            live.player_leave(player=player)

    # --- claims, the shop, the gallery, moderators -----------------------------------

    @rule(index=who, key=keys)
    def daily_bonus(self, index, key):
        result = self.refused_changes_nothing(
            lambda: daily_bonus_claim(player=self.players[index], idempotency_key=key)
        )
        if result is not None and not result.replayed:
            self.expected[index] += result.amount
            self.count("refill")
            assert result.balance == self.expected[index]
            self.count("daily bonus")

    @rule(index=who)
    def refill(self, index):
        result = self.refused_changes_nothing(lambda: refill_claim(player=self.players[index]))
        if result is not None and not result.replayed:
            self.expected[index] += result.amount
            self.count("refill")

    @precondition(lambda self: bool(type(self).shop_slugs))
    @rule(index=who, choice=st.integers(min_value=0, max_value=50), key=keys)
    def buy(self, index, choice, key):
        slugs = type(self).shop_slugs
        slug = slugs[choice % len(slugs)]
        result = self.refused_changes_nothing(
            lambda: shop_buy(player=self.players[index], item_slug=slug, idempotency_key=key)
        )
        if result is not None and not result.replayed:
            self.expected[index] -= result.purchase.total
            assert result.balance == self.expected[index]
            self.count("purchase")

    @rule(index=who, key=keys)
    def unlock(self, index, key):
        item = type(self).item
        before = self.expected[index]
        result = self.refused_changes_nothing(
            lambda: gallery_unlock(player=self.players[index], item_id=item.pk, idempotency_key=key)
        )
        if result is not None and not result.replayed:
            self.expected[index] = result.balance
            assert before - result.balance == 100  # stage 2 costs 100 coins, once
            self.count("unlock")

    @rule(index=who, amount=st.integers(min_value=-4_000, max_value=4_000))
    def adjust(self, index, amount):
        result = self.refused_changes_nothing(
            lambda: adjustment_make(
                moderator=type(self).moderator,
                player=self.players[index],
                amount=amount,
                reason="state machine",
            )
        )
        if result is not None:
            self.expected[index] += amount
            self.count("adjustment")

    # --- after every step ---------------------------------------------------------

    @invariant()
    def balances_and_ledger_agree(self):
        assert [player_balance(player=player) for player in self.players] == self.expected
        assert min(self.expected) >= 0
        report = ledger_reconcile()
        assert report.ok, report.problems


def test_the_economy_holds_whatever_players_and_moderators_do(
    make_player, moderator, settings, tmp_path
):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"
    counter = iter(range(10**6))
    Economy.make_player = staticmethod(lambda: make_player(f"Sm{next(counter)}"))
    Economy.moderator = moderator
    Economy.item = make_item(make_collection())
    Economy.shop_slugs = sorted(ShopItem.objects.filter(listed=True).values_list("slug", flat=True))
    assert Economy.shop_slugs, "no shop items to buy"

    from hypothesis.stateful import run_state_machine_as_test

    Economy.done = {}
    run_state_machine_as_test(Economy, settings=settings_for_machine())

    # Every kind of step really ran (not only refusals), or the run proved little.
    kinds = {"slots round", "roulette round", "rps round", "round retried"}
    kinds |= {"round key reused", "live match", "daily bonus", "purchase", "unlock"}
    kinds |= {"adjustment"}
    assert kinds <= set(Economy.done), Economy.done


def settings_for_machine():
    return settings(
        max_examples=25,
        stateful_step_count=25,
        derandomize=True,  # the same runs every time: the "every kind ran" check cannot flake
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
