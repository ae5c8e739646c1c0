"""Writes of the games: seed pairs, configuration versions and the settlement of a round.

``round_play`` is the only way a round happens. Its statements are few on
purpose (STACK.md: each costs ~0.4 ms of Python): one ``UPDATE ... RETURNING``
takes the nonce, serialises the player's rounds and reads the active
configuration's id; economy's ``round_settle`` moves the coins in three; one
insert stores the round and one the action.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import responsible
from accounts.action_types import ActionType
from accounts.actions import action_record
from casino_club.kit.errors import DomainError, NotFound
from economy.errors import IdempotencyKeyReused
from economy.services import idempotency_key_check, round_settle
from games import registry
from games.errors import BetInvalid, UnknownGame
from games.fairness import DrawStream, generate_client_seed, generate_server_seed, hash_server_seed
from games.feedback import feedback_for
from games.models import GameConfig, GameRound, SeedPair
from games.selectors import active_configs

DEFAULT_RTP_BAND = (0.85, 0.99)
CLIENT_SEED_PATTERN = re.compile(r"[\x20-\x7e]{1,64}")


# --- errors -------------------------------------------------------------------


class GameNotFound(NotFound):
    default_message = gettext_lazy("No such game.")


class BetRejected(DomainError):
    """A bet the game refused (``games.errors.BetInvalid``, carried over with its code)."""

    status = 400

    def __init__(self, error: BetInvalid) -> None:
        super().__init__(error.message, fields=error.fields)
        self.code = error.code


class ClientSeedInvalid(DomainError):
    code = "invalid_client_seed"
    default_message = gettext_lazy("The client seed must be 1 to 64 printable ASCII characters.")


class ConfigInvalid(DomainError):
    """A configuration the game cannot play, or whose RTP is outside the allowed band."""

    code = "invalid_config"
    default_message = gettext_lazy("This configuration cannot be published.")


# --- configurations -----------------------------------------------------------

# GameConfig rows never change once written, so one cached by id is always
# right; the nonce UPDATE reads the active id on every round, so a newly
# published version is picked up at once in every process. A row is cached
# only once its transaction has committed (a rolled-back id may be reused).
_configs: dict[int, GameConfig] = {}
# spec.math is exact and slow for slots (~1 s); configs repeat, so memoise.
_math: dict[tuple[str, str], dict[str, Any]] = {}
_math_lock = threading.Lock()


def game_configs_forget(**kwargs) -> None:
    """Drop the per-process caches (connected to post_migrate, which also follows a flush)."""
    _configs.clear()


def _remember(config: GameConfig) -> None:
    transaction.on_commit(lambda: _configs.__setitem__(config.pk, config))


def rtp_band() -> tuple[float, float]:
    low, high = getattr(settings, "GAMES_RTP_BAND", DEFAULT_RTP_BAND)
    return float(low), float(high)


def game_spec(*, slug: str) -> registry.GameSpec:
    try:
        return registry.get(slug)
    except UnknownGame:
        raise GameNotFound(f"No game called {slug!r}.") from None


def game_config_figures(*, slug: str, data: Any) -> dict[str, Any]:
    """The exact published math of ``data``, or ``ConfigInvalid`` if it cannot be published.

    Checks the game's own rules (``spec.check_config``), that bets under it
    can be played (its example bet validates and resolves) and that the RTP
    lies within ``GAMES_RTP_BAND``. Returns ``spec.math`` plus the headline
    ``rtp``, ``hit_frequency`` and ``volatility``.
    """
    spec = game_spec(slug=slug)
    if not isinstance(data, dict):
        raise ConfigInvalid("The configuration must be a JSON object.")
    key = (slug, json.dumps(data, sort_keys=True))
    figures = _math.get(key)
    if figures is None:
        try:
            spec.check_config(data)
            example = spec.validate_params(spec.example_params(data), data)
            spec.resolve(DrawStream("0" * 64, "check", 0), example, data)
            math = spec.math(data)
        except (BetInvalid, ValueError, LookupError, TypeError, ArithmeticError) as error:
            raise ConfigInvalid(f"The configuration is not playable: {error}") from None
        figures = {**math, **_headline(spec, data, math)}
        with _math_lock:
            _math[key] = figures
    low, high = rtp_band()
    if not low <= figures["rtp"] <= high:
        raise ConfigInvalid(
            f"RTP {figures['rtp']:.4%} is outside the allowed band {low:.0%}–{high:.0%}.",
            fields={"data": f"RTP must be between {low:.0%} and {high:.0%}"},
        )
    return figures


def _headline(spec: registry.GameSpec, data: dict, math: dict) -> dict[str, Any]:
    """RTP, hit frequency and volatility of the game's typical bet."""
    headline = {
        "rtp": float(math["rtp"]),
        "hit_frequency": math.get("hit_frequency"),
        "volatility": math.get("volatility"),
    }
    # Games with several bet types (roulette) publish per-type figures: the
    # headline is the example bet's type.
    bet_types = math.get("bet_types")
    if isinstance(bet_types, dict) and headline["hit_frequency"] is None:
        example = spec.example_params(data)
        bets = example.get("bets") or [{}]
        figures = bet_types.get(bets[0].get("type"), {})
        headline["hit_frequency"] = figures.get("hit_frequency")
        headline["volatility"] = figures.get("volatility")
    return headline


def game_config_publish(*, slug: str, data: Any, created_by=None, note: str = "") -> GameConfig:
    """Create the next version of ``slug``'s configuration and make it the active one.

    Never edits an existing version: rounds point at the version they used.
    Raises ``ConfigInvalid`` (unplayable, or RTP outside the band).
    """
    figures = game_config_figures(slug=slug, data=data)
    with transaction.atomic():
        # Lock the current versions so two publishers cannot both take the
        # same next number or both stay active.
        versions = list(
            GameConfig.objects.select_for_update()
            .filter(game=slug)
            .values_list("version", flat=True)
        )
        GameConfig.objects.filter(game=slug, is_active=True).update(is_active=False)
        config = GameConfig.objects.create(
            game=slug,
            version=max(versions, default=0) + 1,
            data=data,
            rtp=figures["rtp"],
            hit_frequency=figures["hit_frequency"],
            volatility=figures["volatility"],
            math=_json_ready(figures),
            is_active=True,
            created_by=created_by,
            note=note[:200],
        )
    _remember(config)
    return config


def game_config_active(*, slug: str) -> GameConfig:
    """The active configuration of ``slug``; version 1 is created from the default on first use."""
    game_spec(slug=slug)
    config = GameConfig.objects.filter(game=slug, is_active=True).first()
    if config is not None:
        _remember(config)
        return config
    try:
        with transaction.atomic():
            return game_config_publish(
                slug=slug, data=registry.get(slug).config_or_default(None), note="default"
            )
    except IntegrityError:
        # Another process created version 1 at the same time; use theirs.
        return GameConfig.objects.get(game=slug, is_active=True)


def game_configs_active() -> dict[str, GameConfig]:
    """The active configuration of every registered game, creating missing version 1s."""
    configs = active_configs()
    for spec in registry.all_games():
        if spec.slug not in configs:
            configs[spec.slug] = game_config_active(slug=spec.slug)
    return configs


def game_config_by_id(*, config_id: int) -> GameConfig:
    config = _configs.get(config_id)
    if config is None:
        config = GameConfig.objects.get(pk=config_id)
        _remember(config)
    return config


def _json_ready(value: Any) -> Any:
    return json.loads(json.dumps(value, default=float))


# --- seed pairs ---------------------------------------------------------------


def client_seed_check(client_seed: Any) -> str:
    if not isinstance(client_seed, str) or not CLIENT_SEED_PATTERN.fullmatch(client_seed):
        raise ClientSeedInvalid(fields={"client_seed": "1 to 64 printable ASCII characters"})
    return client_seed


def _seed_pair_new(*, player, client_seed: str | None = None) -> SeedPair:
    server_seed = generate_server_seed()
    return SeedPair.objects.create(
        player=player,
        server_seed=server_seed,
        server_seed_hash=hash_server_seed(server_seed),
        client_seed=client_seed or generate_client_seed(),
    )


def seed_pair_active(*, player) -> SeedPair:
    """The player's active seed pair, created (nonce 0) if they have none yet."""
    found = SeedPair.objects.filter(player=player, is_active=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _seed_pair_new(player=player)
    except IntegrityError:
        # A concurrent request (a first round, a rotation) created it first.
        return SeedPair.objects.get(player=player, is_active=True)


@dataclass(frozen=True)
class Rotation:
    previous: SeedPair
    current: SeedPair


def seed_pair_rotate(*, player, client_seed: str | None = None) -> Rotation:
    """Reveal the active server seed and start a new pair at nonce 0.

    The new pair keeps the player's client seed unless they pass a new one.
    Locks the active pair, so a round in flight finishes on the old pair
    first and the next round waits for the new one.
    """
    if client_seed is not None:
        client_seed = client_seed_check(client_seed)
    seed_pair_active(player=player)
    with transaction.atomic():
        previous = SeedPair.objects.select_for_update().get(player=player, is_active=True)
        previous.is_active = False
        previous.revealed_at = timezone.now()
        previous.save(update_fields=["is_active", "revealed_at"])
        current = _seed_pair_new(player=player, client_seed=client_seed or previous.client_seed)
    return Rotation(previous=previous, current=current)


# --- rounds -------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResult:
    round: GameRound
    balance: int
    replayed: bool = False

    @property
    def feedback(self) -> dict:
        return feedback_for(wager=self.round.wager, payout=self.round.payout)


class _Replay(Exception):
    """Raised inside the round's transaction to undo the nonce taken for a retry."""

    def __init__(self, game_round: GameRound) -> None:
        self.round = game_round


_SEED_TABLE = SeedPair._meta.db_table
_CONFIG_TABLE = GameConfig._meta.db_table
_TAKE_NONCE = (
    f"UPDATE {_SEED_TABLE} SET nonce = nonce + 1 "  # noqa: S608 (names from _meta)
    "WHERE player_id = %s AND is_active "
    "RETURNING id, server_seed, server_seed_hash, client_seed, nonce - 1, "
    f"(SELECT c.id FROM {_CONFIG_TABLE} c WHERE c.game = %s AND c.is_active)"
)


def _take_nonce(*, player_id: int, slug: str):
    """Advance the active pair's nonce; the row lock it takes serialises the player's rounds.

    Returns (seed pair id, server seed, its hash, client seed, nonce to use,
    active config id or None), or None when the player has no active pair.
    """
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NONCE, [player_id, slug])
        return cursor.fetchone()


def round_play(
    *, player, slug: str, params: Any, idempotency_key: str | None = None
) -> RoundResult:
    """Play one round of ``slug`` for ``player``: all of it or none of it.

    In one transaction: take the nonce, validate the bet against the active
    configuration, resolve it from the seed pair's stream, settle wager and
    payout through the ledger, store the round and record ``ROUND_PLAYED``.
    Raises ``GameNotFound``, ``BetRejected``, economy's ``InsufficientCoins``
    or ``InvalidIdempotencyKey``, ``IdempotencyKeyReused``, or accounts'
    ``PlayBlocked`` (cool-off, self-exclusion, a daily limit: 403); then nothing is
    written and the nonce is not advanced. A repeated ``idempotency_key``
    returns the first round (``replayed=True``) and changes nothing.
    Odds depend only on the seeds and the configuration, never on the player.
    """
    spec = game_spec(slug=slug)
    idempotency_key = idempotency_key_check(idempotency_key)
    try:
        with transaction.atomic():
            taken = _take_nonce(player_id=player.pk, slug=slug)
            if taken is None:
                seed_pair_active(player=player)
                taken = _take_nonce(player_id=player.pk, slug=slug)
            seed_pair_id, server_seed, server_seed_hash, client_seed, nonce, config_id = taken
            if config_id is None:
                config = game_config_active(slug=slug)
            else:
                config = game_config_by_id(config_id=config_id)
            try:
                cleaned = spec.validate_params(params, config.data)
            except BetInvalid as error:
                raise BetRejected(error) from None
            if idempotency_key is not None:
                # After the nonce UPDATE: a concurrent first attempt has committed by now.
                existing = GameRound.objects.filter(
                    player=player, idempotency_key=idempotency_key
                ).first()
                if existing is not None:
                    raise _Replay(existing)

            wager = spec.wager(cleaned)
            stream = DrawStream(server_seed, client_seed, nonce)
            outcome = spec.resolve(stream, cleaned, config.data)
            payout = outcome["payout"]
            # The responsible-play gate: cool-off, self-exclusion, daily limits.
            responsible.play_round(player=player, stake=wager, payout=payout, savepoint=False)
            settlement = round_settle(
                player=player,
                game_slug=slug,
                wager=wager,
                payout=payout,
                reference=f"round:{seed_pair_id}:{nonce}",
                idempotency_key=idempotency_key,
            )
            game_round = GameRound.objects.create(
                player=player,
                game=slug,
                config=config,
                params=cleaned,
                draws=stream.draws,
                outcome=outcome,
                wager=wager,
                payout=payout,
                balance_after=settlement.balance,
                seed_pair_id=seed_pair_id,
                server_seed_hash=server_seed_hash,
                client_seed=client_seed,
                nonce=nonce,
                wager_transaction_id=settlement.wager_transaction_id,
                payout_transaction_id=settlement.payout_transaction_id,
                idempotency_key=idempotency_key,
            )
            action_record(
                player=player,
                type=ActionType.ROUND_PLAYED,
                value=wager,
                metadata={
                    "round": game_round.pk,
                    "game": slug,
                    "wager": wager,
                    "payout": payout,
                    "net": payout - wager,
                },
            )
    except _Replay as replay:
        return _replayed(replay.round, slug=slug, cleaned=cleaned)
    return RoundResult(round=game_round, balance=settlement.balance)


def _replayed(game_round: GameRound, *, slug: str, cleaned: dict) -> RoundResult:
    if game_round.game != slug or game_round.params != cleaned:
        raise IdempotencyKeyReused(
            gettext_lazy("This Idempotency-Key was already used for a different round.")
        )
    return RoundResult(round=game_round, balance=game_round.balance_after, replayed=True)
