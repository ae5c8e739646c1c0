"""factory_boy factories that build rows through the real services.

A player is made by ``accounts.services.player_create`` (so signup's action
and, after commit, the wallet with its grant happen as in production),
coins come from the mint through the ledger, a round is played by
``games.services.round_play``. Only rows no service creates (mission
templates and a player's copy of one) are plain model factories.

    player = PlayerFactory()                    # player1@example.com, born 1990
    rich = FundedPlayerFactory(coins=5_000)     # plus 5,000 coins from the mint
    result = RoundFactory(player=rich)          # a 20-coin slots spin
    mission = MissionFactory(player=player, completed=True)
"""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from accounts.services import player_create
from economy.models import MissionPeriod, MissionTemplate, MissionType, PlayerMission
from games.models import GameRound, SeedPair
from games.services import RoundResult, round_play
from tests.support.clients import PASSWORD
from tests.support.ledger import give_coins
from tests.support.rounds import START


class PlayerFactory(factory.Factory):
    """A player created by ``player_create`` (``is_staff=True`` for staff)."""

    class Meta:
        model = User

    nickname = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda player: f"{player.nickname.lower()}@example.com")
    password = PASSWORD
    date_of_birth = date(1990, 1, 1)
    is_staff = False

    @classmethod
    def _create(cls, model_class, **fields) -> User:
        return player_create(**fields)


class FundedPlayerFactory(PlayerFactory):
    """A player with ``coins`` (default START) more from the mint, through the ledger."""

    coins = START

    @classmethod
    def _create(cls, model_class, coins: int, **fields) -> User:
        player = super()._create(model_class, **fields)
        give_coins(player, coins)
        return player


class RoundFactory(factory.Factory):
    """One round played by ``round_play``; the factory returns its ``RoundResult``
    (``.round`` is the ``GameRound``). The player needs the coins for the bet."""

    class Meta:
        model = RoundResult

    player = factory.SubFactory(FundedPlayerFactory)
    slug = "slots"
    params = factory.LazyAttribute(
        lambda round: {"bet_per_line": 1, "lines": 20} if round.slug == "slots" else {}
    )
    idempotency_key = None

    @classmethod
    def _create(cls, model_class, **fields) -> RoundResult:
        return round_play(**fields)


class MissionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionTemplate

    code = factory.Sequence(lambda n: f"mission-{n}")
    title = factory.LazyAttribute(lambda template: template.code.replace("-", " ").title())
    type = MissionType.PLAY_ROUNDS
    target = 1
    period = MissionPeriod.DAILY
    reward_coins = 50
    reward_xp = 20


class MissionFactory(factory.django.DjangoModelFactory):
    """A player's copy of a template for today, as assignment makes it;
    ``completed=True`` makes it done and ready to claim."""

    class Meta:
        model = PlayerMission

    class Params:
        now = factory.LazyFunction(timezone.now)
        completed = factory.Trait(
            progress=factory.SelfAttribute("target"),
            completed_at=factory.SelfAttribute("now"),
        )

    player = factory.SubFactory(PlayerFactory)
    template = factory.SubFactory(MissionTemplateFactory)
    period = factory.SelfAttribute("template.period")
    period_start = factory.LazyAttribute(lambda mission: mission.player.local_date(mission.now))
    starts_at = factory.LazyAttribute(lambda mission: mission.now - timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda mission: mission.now + timedelta(hours=1))
    target = factory.SelfAttribute("template.target")
    progress = 0
    reward_coins = factory.SelfAttribute("template.reward_coins")
    reward_xp = factory.SelfAttribute("template.reward_xp")


def add_rounds(player, stamps_and_wagers) -> None:
    """Rounds at chosen times and stakes, copied from one real round of the player."""
    give_coins(player, 100)
    template = RoundFactory(player=player).round
    GameRound.objects.filter(pk=template.pk).delete()
    pair = SeedPair.objects.get(pk=template.seed_pair_id)
    rows = []
    for offset, (stamp, wager) in enumerate(stamps_and_wagers, start=1):
        rows.append(
            GameRound(
                player=player,
                game=template.game,
                config_id=template.config_id,
                params=template.params,
                draws=template.draws,
                outcome=template.outcome,
                wager=wager,
                payout=0,
                balance_after=template.balance_after,
                seed_pair=pair,
                server_seed_hash=template.server_seed_hash,
                client_seed=template.client_seed,
                nonce=template.nonce + 1000 + offset,
                wager_transaction_id=template.wager_transaction_id,
                created_at=stamp,
            )
        )
    GameRound.objects.bulk_create(rows)
