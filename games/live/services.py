"""Writes about live rock-paper-scissors matches (docs/live-rps.md).

Every state change of a match happens here, in one transaction with the
ledger movements it causes, and is published to the match's channel group
(``rps.match.<id>``) only after that transaction commits.

Concurrency rules, in the order a transaction takes locks:

1. the match row (``select_for_update``; matchmaking uses ``skip_locked`` so
   a busy row is passed over instead of waited for),
2. the players' seats (primary key = player: at most one open match each),
3. the players' wallets (inside the ledger's conditional updates),
4. the players' ratings, in player-id order.

Status changes are compare-and-swap updates (``filter(status=old).update``)
checked by their row count, so a deadline task, the periodic sweep and a
player's message that all try to end the same match move its escrow exactly
once, whichever gets there first.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.actions import action_record
from accounts.live import push_to_group
from economy import services as economy
from economy.errors import InsufficientCoins
from economy.selectors import player_balance
from economy.shop.selectors import equipped_cosmetics_for
from games.fairness import commitment_matches
from games.live import elo
from games.live.errors import (
    AlreadyCommitted,
    AlreadyInMatch,
    AlreadyRevealed,
    InvalidCommitment,
    InvalidReveal,
    InvalidStake,
    MatchNotFound,
    NoOpenMatch,
    NotYourMatch,
    RematchUnavailable,
    RevealMismatch,
    WrongPhase,
)
from games.live.models import (
    LiveMatch,
    LiveRating,
    LiveSeat,
    MatchOutcome,
    MatchStatus,
)
from games.rps.game import BEATS, MOVES

logger = logging.getLogger(__name__)

LIVE_MATCH_PLAYED = "LIVE_MATCH_PLAYED"
LIVE_MATCH_WON = "LIVE_MATCH_WON"

COMMITMENT_PATTERN = re.compile(r"[0-9a-f]{64}")
MAX_SALT_LENGTH = 128

FINISHED_STATUSES = (MatchStatus.SETTLED, MatchStatus.FORFEITED, MatchStatus.ABANDONED)


# --- configuration -----------------------------------------------------------


def live_stakes() -> tuple[int, ...]:
    """The stake tiers players can queue for (setting ``LIVE_RPS_STAKES``)."""
    return tuple(getattr(settings, "LIVE_RPS_STAKES", (10, 50, 100, 500)))


def commit_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIVE_RPS_COMMIT_SECONDS", 30))


def reveal_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIVE_RPS_REVEAL_SECONDS", 30))


def queue_window() -> timedelta:
    """How long a WAITING match stays in the queue (its socket may have died)."""
    return timedelta(seconds=getattr(settings, "LIVE_RPS_QUEUE_SECONDS", 600))


def match_group(match_id: int) -> str:
    return f"rps.match.{match_id}"


# --- results -----------------------------------------------------------------


@dataclass(frozen=True)
class FindResult:
    """``match`` is the WAITING match the player queued with, or the formed match."""

    match: LiveMatch
    formed: bool


# --- checks ------------------------------------------------------------------


def stake_check(stake: object) -> int:
    if isinstance(stake, bool) or not isinstance(stake, int) or stake not in live_stakes():
        allowed = ", ".join(str(s) for s in live_stakes())
        raise InvalidStake(f"Choose a stake of {allowed}.", fields={"stake": allowed})
    return stake


def match_id_check(match_id: object) -> int:
    if isinstance(match_id, bool) or not isinstance(match_id, int) or match_id < 1:
        raise MatchNotFound("Say which match: 'match' must be a match id.")
    return match_id


def match_access(*, player, match_id: object) -> LiveMatch:
    """The match ``match_id`` if ``player`` plays in it; ``NotYourMatch`` otherwise.

    Checked before anything else touches the match, so a stranger's message
    (even one about an overdue match) never changes it.
    """
    match_id = match_id_check(match_id)
    match = LiveMatch.objects.filter(pk=match_id).first()
    if match is None:
        raise MatchNotFound()
    if match.side_of(player.pk) is None:
        raise NotYourMatch()
    return match


def _locked(match_id: int) -> LiveMatch:
    # of=("self",): lock the match row only (player_two is an outer join).
    return (
        LiveMatch.objects.select_for_update(of=("self",))
        .select_related("player_one", "player_two")
        .get(pk=match_id)
    )


def _seat(*, player_id: int, match: LiveMatch) -> None:
    # The seat's primary key is the player: a second open match for the same
    # player fails here even when another process inserts at the same moment.
    try:
        with transaction.atomic():
            LiveSeat.objects.create(player_id=player_id, match=match)
    except IntegrityError:
        raise AlreadyInMatch() from None


def _schedule_expiry(*, match_id: int, at: datetime) -> None:
    """Ask a worker to end the match at its deadline (after this transaction commits).

    A courtesy for promptness: the periodic sweep and every later message
    about the match apply the same deadline, so a lost task loses nothing.
    """

    def send() -> None:
        # Imported here: the task module imports this one.
        from games.live.tasks import live_match_expire

        try:
            live_match_expire.apply_async(args=[match_id], eta=at)
        except Exception:
            logger.warning("could not schedule expiry of live match %s", match_id, exc_info=True)

    transaction.on_commit(send)


def _ratings(player_ids: list[int]) -> dict[int, int]:
    found = dict(
        LiveRating.objects.filter(player_id__in=player_ids).values_list("player_id", "rating")
    )
    return {pk: found.get(pk, elo.DEFAULT_RATING) for pk in player_ids}


def matched_event(match: LiveMatch) -> dict:
    """The ``matched`` event for both players; each socket picks the opponent's half."""
    ratings = _ratings(match.player_ids())
    worn = equipped_cosmetics_for(match.player_ids())
    return {
        "type": "matched",
        "match": match.pk,
        "stake": match.stake,
        "commit_deadline": match.commit_deadline.isoformat(),
        "rematch_of": match.rematch_of_id,
        "players": {
            str(user.pk): {
                "nickname": user.nickname,
                "rating": ratings[user.pk],
                # What the opponent sees them wear (the frame and title only).
                "frame": worn[user.pk].get("avatar_frame"),
                "title": worn[user.pk].get("profile_title"),
            }
            for user in (match.player_one, match.player_two)
        },
    }


# --- matchmaking ---------------------------------------------------------------


def _waiting_close(*, match: LiveMatch, now: datetime, reason: str) -> bool:
    """End a WAITING match (no coins are held yet); False if it already moved on."""
    closed = LiveMatch.objects.filter(pk=match.pk, status=MatchStatus.WAITING).update(
        status=MatchStatus.ABANDONED, outcome=MatchOutcome.CANCELLED, finished_at=now
    )
    if closed:
        LiveSeat.objects.filter(match_id=match.pk).delete()
        push_to_group(
            match_group(match.pk), {"type": "cancelled", "match": match.pk, "reason": reason}
        )
    return bool(closed)


def match_find(*, player, stake: object, now: datetime | None = None) -> FindResult:
    """Pair ``player`` with the oldest player waiting at ``stake``, or queue them.

    When a pair forms, both stakes move to escrow in the same transaction;
    ``InsufficientCoins`` if ``player`` is short (nothing moves, nothing is
    queued). A waiting player who no longer has the stake loses their place
    in the queue and the next one is tried.
    """
    now = now or timezone.now()
    stake = stake_check(stake)
    player_overdue_settle(player=player, now=now)
    if LiveSeat.objects.filter(player=player).exists():
        raise AlreadyInMatch()
    if player_balance(player=player) < stake:
        # Fast refusal; the escrow hold below is what actually guarantees it.
        raise InsufficientCoins(f"Not enough coins for a stake of {stake}.")
    with transaction.atomic():
        while True:
            # skip_locked: a waiting match another process is pairing right
            # now is passed over rather than waited for (no convoy on the
            # queue's head). SQLite ignores it; its IMMEDIATE transactions
            # already run one writer at a time.
            candidate = (
                LiveMatch.objects.select_for_update(skip_locked=True)
                .filter(status=MatchStatus.WAITING, stake=stake)
                .exclude(player_one=player)
                .order_by("created_at", "pk")
                .first()
            )
            if candidate is None:
                break
            try:
                with transaction.atomic():
                    economy.escrow_hold(
                        player=candidate.player_one,
                        amount=stake,
                        reference=candidate.reference,
                        idempotency_key=candidate.reference,
                    )
            except InsufficientCoins:
                _waiting_close(match=candidate, now=now, reason="insufficient_coins")
                continue
            # Raises InsufficientCoins if the finder is short: the whole
            # transaction (the opponent's hold too) rolls back.
            economy.escrow_hold(
                player=player,
                amount=stake,
                reference=candidate.reference,
                idempotency_key=candidate.reference,
            )
            _seat(player_id=player.pk, match=candidate)
            candidate.status = MatchStatus.COMMITTING
            candidate.player_two = player
            candidate.matched_at = now
            candidate.commit_deadline = now + commit_window()
            formed = LiveMatch.objects.filter(pk=candidate.pk, status=MatchStatus.WAITING).update(
                status=candidate.status,
                player_two=player,
                matched_at=now,
                commit_deadline=candidate.commit_deadline,
            )
            if formed != 1:  # we hold the row lock, so this cannot happen
                raise RuntimeError(f"live match {candidate.pk} changed under its lock")
            push_to_group(match_group(candidate.pk), matched_event(candidate))
            _schedule_expiry(match_id=candidate.pk, at=candidate.commit_deadline)
            return FindResult(match=candidate, formed=True)

        match = LiveMatch.objects.create(stake=stake, player_one=player, created_at=now)
        _seat(player_id=player.pk, match=match)
        return FindResult(match=match, formed=False)


def match_cancel(*, player, now: datetime | None = None) -> LiveMatch:
    """Leave the queue, or abandon a match before both moves are committed.

    An abandoned match refunds both stakes. Once both have committed the
    match can only end by reveals or the reveal deadline (``WrongPhase``).
    """
    now = now or timezone.now()
    seat = LiveSeat.objects.filter(player=player).first()
    if seat is None:
        raise NoOpenMatch()
    with transaction.atomic():
        match = _locked(seat.match_id)
        if match.status == MatchStatus.WAITING:
            _waiting_close(match=match, now=now, reason="cancelled")
        elif match.status == MatchStatus.COMMITTING:
            _refund(match=match, old_status=MatchStatus.COMMITTING, now=now)
        elif match.status == MatchStatus.REVEALING:
            raise WrongPhase(
                "Both moves are committed: reveal yours, or it forfeits at the deadline."
            )
        return match


def player_leave(*, player, now: datetime | None = None) -> None:
    """A player's socket closed: leave the queue or abandon a match not yet committed."""
    with contextlib.suppress(NoOpenMatch, WrongPhase):
        match_cancel(player=player, now=now)


# --- commit and reveal -----------------------------------------------------------


def match_commit(
    *, player, match_id: object, commitment: object, now: datetime | None = None
) -> LiveMatch:
    """Record ``player``'s commitment; when both are in, open the reveal phase.

    A second commitment by the same player raises ``AlreadyCommitted`` and
    changes nothing.
    """
    now = now or timezone.now()
    match = match_access(player=player, match_id=match_id)
    if not isinstance(commitment, str) or not COMMITMENT_PATTERN.fullmatch(commitment):
        raise InvalidCommitment(fields={"commitment": "64 lowercase hex characters"})
    match_expire(match_id=match.pk, now=now)
    with transaction.atomic():
        match = _locked(match.pk)
        side = match.side_of(player.pk)
        field = f"{side}_commitment"
        if match.status == MatchStatus.COMMITTING and getattr(match, field):
            raise AlreadyCommitted()
        if match.status != MatchStatus.COMMITTING:
            raise WrongPhase(f"The match is {match.get_status_display().lower()}.")
        stored = LiveMatch.objects.filter(
            pk=match.pk, status=MatchStatus.COMMITTING, **{field: ""}
        ).update(**{field: commitment})
        if not stored:
            raise AlreadyCommitted()
        setattr(match, field, commitment)
        group = match_group(match.pk)
        push_to_group(group, {"type": "committed", "match": match.pk, "player": player.pk})
        if match.one_commitment and match.two_commitment:
            match.status = MatchStatus.REVEALING
            match.reveal_deadline = now + reveal_window()
            LiveMatch.objects.filter(pk=match.pk, status=MatchStatus.COMMITTING).update(
                status=match.status, reveal_deadline=match.reveal_deadline
            )
            push_to_group(
                group,
                {
                    "type": "reveal_phase",
                    "match": match.pk,
                    "reveal_deadline": match.reveal_deadline.isoformat(),
                },
            )
            _schedule_expiry(match_id=match.pk, at=match.reveal_deadline)
        return match


def match_reveal(
    *, player, match_id: object, move: object, salt: object, now: datetime | None = None
) -> LiveMatch:
    """Check ``player``'s reveal against their commitment; settle once both match.

    A reveal that does not match raises ``RevealMismatch`` and stores nothing;
    the player may send the right pair until the reveal deadline (the
    commitment already binds the move, so a retry cannot change it).
    """
    now = now or timezone.now()
    match = match_access(player=player, match_id=match_id)
    if not isinstance(move, str) or move not in MOVES:
        raise InvalidReveal(fields={"move": "rock, paper or scissors"})
    if not isinstance(salt, str) or not 1 <= len(salt) <= MAX_SALT_LENGTH:
        raise InvalidReveal(fields={"salt": f"1 to {MAX_SALT_LENGTH} characters"})
    match_expire(match_id=match.pk, now=now)
    with transaction.atomic():
        match = _locked(match.pk)
        side = match.side_of(player.pk)
        if match.status == MatchStatus.REVEALING and getattr(match, f"{side}_move"):
            raise AlreadyRevealed()
        if match.status != MatchStatus.REVEALING:
            raise WrongPhase(f"The match is {match.get_status_display().lower()}.")
        if not commitment_matches(getattr(match, f"{side}_commitment"), move, salt):
            raise RevealMismatch()
        stored = LiveMatch.objects.filter(
            pk=match.pk, status=MatchStatus.REVEALING, **{f"{side}_move": ""}
        ).update(**{f"{side}_move": move, f"{side}_salt": salt})
        if not stored:
            raise AlreadyRevealed()
        setattr(match, f"{side}_move", move)
        setattr(match, f"{side}_salt", salt)
        if match.one_move and match.two_move:
            _settle(match=match, now=now)
        else:
            push_to_group(
                match_group(match.pk), {"type": "revealed", "match": match.pk, "player": player.pk}
            )
        return match


# --- ending a match ---------------------------------------------------------------


def _close(*, match: LiveMatch, old_status: str, status: str, outcome: str, now: datetime) -> bool:
    """Compare-and-swap the match to its final status; True for the one caller that did.

    Only that caller moves the escrow, so it moves exactly once.
    """
    closed = LiveMatch.objects.filter(pk=match.pk, status=old_status).update(
        status=status, outcome=outcome, finished_at=now
    )
    if not closed:
        return False
    match.status, match.outcome, match.finished_at = status, outcome, now
    LiveSeat.objects.filter(match_id=match.pk).delete()
    return True


def _refund(*, match: LiveMatch, old_status: str, now: datetime) -> bool:
    """Both stakes back (abandoned before both committed, or nobody revealed)."""
    if not _close(
        match=match,
        old_status=old_status,
        status=MatchStatus.ABANDONED,
        outcome=MatchOutcome.REFUNDED,
        now=now,
    ):
        return False
    for user in (match.player_one, match.player_two):
        economy.escrow_refund(
            player=user,
            amount=match.stake,
            reference=match.reference,
            idempotency_key=f"{match.reference}:refund",
        )
    _publish_result(match=match, per_side={"one": "refunded", "two": "refunded"}, payouts={})
    return True


def _settle(*, match: LiveMatch, now: datetime) -> bool:
    """Both reveals matched: pay the winner both stakes, or refund both on a tie.

    No rake: the winner receives exactly the two stakes escrow holds.
    """
    one, two = match.one_move, match.two_move
    if one == two:
        outcome, per_side = MatchOutcome.TIE, {"one": "tie", "two": "tie"}
    elif BEATS[one] == two:
        outcome, per_side = MatchOutcome.ONE_WON, {"one": "win", "two": "loss"}
    else:
        outcome, per_side = MatchOutcome.TWO_WON, {"one": "loss", "two": "win"}
    if not _close(
        match=match,
        old_status=MatchStatus.REVEALING,
        status=MatchStatus.SETTLED,
        outcome=outcome,
        now=now,
    ):
        return False
    payouts = _pay_out(match=match, per_side=per_side)
    _record_played(match=match, per_side=per_side, payouts=payouts, now=now)
    _publish_result(match=match, per_side=per_side, payouts=payouts)
    return True


def _forfeit(*, match: LiveMatch, winner_side: str, now: datetime) -> bool:
    """Only ``winner_side`` revealed in time: they take both stakes."""
    outcome = MatchOutcome.ONE_FORFEIT_WIN if winner_side == "one" else MatchOutcome.TWO_FORFEIT_WIN
    loser_side = "two" if winner_side == "one" else "one"
    if not _close(
        match=match,
        old_status=MatchStatus.REVEALING,
        status=MatchStatus.FORFEITED,
        outcome=outcome,
        now=now,
    ):
        return False
    per_side = {winner_side: "forfeit_win", loser_side: "forfeit_loss"}
    payouts = _pay_out(match=match, per_side=per_side)
    _record_played(match=match, per_side=per_side, payouts=payouts, now=now)
    _publish_result(match=match, per_side=per_side, payouts=payouts)
    return True


def _user(match: LiveMatch, side: str):
    return match.player_one if side == "one" else match.player_two


def _pay_out(*, match: LiveMatch, per_side: dict[str, str]) -> dict[str, int]:
    """Move the escrow of a decided match; returns each side's coins received."""
    payouts = {"one": 0, "two": 0}
    if per_side["one"] == "tie":
        for side in ("one", "two"):
            economy.escrow_refund(
                player=_user(match, side),
                amount=match.stake,
                reference=match.reference,
                idempotency_key=f"{match.reference}:refund",
            )
            payouts[side] = match.stake
        return payouts
    winner = next(side for side, result in per_side.items() if result.endswith("win"))
    economy.escrow_pay(
        player=_user(match, winner),
        amount=2 * match.stake,
        reference=match.reference,
        idempotency_key=f"{match.reference}:payout",
    )
    payouts[winner] = 2 * match.stake
    return payouts


def _record_played(
    *, match: LiveMatch, per_side: dict[str, str], payouts: dict[str, int], now: datetime
) -> None:
    """Elo, rating counters and the players' actions, in the settlement's transaction."""
    scores = {"win": 1.0, "forfeit_win": 1.0, "tie": 0.5, "loss": 0.0, "forfeit_loss": 0.0}
    for user in (match.player_one, match.player_two):
        LiveRating.objects.get_or_create(player=user)
    # Locked in player-id order so two settlements can never wait on each other.
    rows = {
        row.player_id: row
        for row in LiveRating.objects.select_for_update()
        .filter(player_id__in=match.player_ids())
        .order_by("player_id")
    }
    one, two = rows[match.player_one_id], rows[match.player_two_id]
    one_new, two_new = elo.elo_pair(one.rating, two.rating, scores[per_side["one"]])
    for side, row, new_rating in (("one", one, one_new), ("two", two, two_new)):
        result = per_side[side]
        row.rating = new_rating
        row.games += 1
        row.wins += result in ("win", "forfeit_win")
        row.losses += result in ("loss", "forfeit_loss")
        row.draws += result == "tie"
        row.updated_at = now
        row.save(update_fields=["rating", "games", "wins", "losses", "draws", "updated_at"])
        user = _user(match, side)
        opponent = _user(match, "two" if side == "one" else "one")
        metadata = {
            "match": match.pk,
            "stake": match.stake,
            "result": result,
            "opponent": opponent.pk,
            "rating": new_rating,
        }
        action_record(player=user, type=LIVE_MATCH_PLAYED, value=match.stake, metadata=metadata)
        if result in ("win", "forfeit_win"):
            action_record(player=user, type=LIVE_MATCH_WON, value=payouts[side], metadata=metadata)


def _publish_result(*, match: LiveMatch, per_side: dict[str, str], payouts: dict[str, int]) -> None:
    ratings = _ratings(match.player_ids())
    players = {}
    for side in ("one", "two"):
        user = _user(match, side)
        players[str(user.pk)] = {
            "move": getattr(match, f"{side}_move") or None,
            "outcome": per_side[side],
            "payout": payouts.get(side, match.stake if per_side[side] == "refunded" else 0),
            "balance": player_balance(player=user),
            "rating": ratings[user.pk],
        }
    push_to_group(
        match_group(match.pk),
        {
            "type": "result",
            "match": match.pk,
            "stake": match.stake,
            "status": match.status,
            "players": players,
        },
    )


def _expire_locked(*, match: LiveMatch, now: datetime) -> bool:
    """Apply whichever deadline of ``match`` (locked by the caller) has passed."""
    if match.status == MatchStatus.WAITING and match.created_at + queue_window() <= now:
        return _waiting_close(match=match, now=now, reason="queue_timeout")
    if match.status == MatchStatus.COMMITTING and match.commit_deadline <= now:
        return _refund(match=match, old_status=MatchStatus.COMMITTING, now=now)
    if match.status == MatchStatus.REVEALING and match.reveal_deadline <= now:
        one, two = bool(match.one_move), bool(match.two_move)
        if one and two:  # settlement runs on the second reveal; kept for completeness
            return _settle(match=match, now=now)
        if one or two:
            return _forfeit(match=match, winner_side="one" if one else "two", now=now)
        return _refund(match=match, old_status=MatchStatus.REVEALING, now=now)
    return False


def match_expire(*, match_id: int, now: datetime | None = None) -> bool:
    """End ``match_id`` if one of its deadlines has passed; True if this call ended it.

    Idempotent and safe to call from any number of processes at once: the
    row lock orders them and the compare-and-swap lets only one move coins.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            match = _locked(match_id)
        except LiveMatch.DoesNotExist:
            return False
        return _expire_locked(match=match, now=now)


def live_matches_expire_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """The periodic sweep: end every match whose deadline has passed. Returns how many."""
    now = now or timezone.now()
    overdue = (
        LiveMatch.objects.filter(
            Q(status=MatchStatus.COMMITTING, commit_deadline__lte=now)
            | Q(status=MatchStatus.REVEALING, reveal_deadline__lte=now)
            | Q(status=MatchStatus.WAITING, created_at__lte=now - queue_window())
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(match_expire(match_id=pk, now=now) for pk in list(overdue))


def player_overdue_settle(*, player, now: datetime | None = None) -> bool:
    """Apply a passed deadline to the player's open match (run on each of their messages)."""
    seat = LiveSeat.objects.filter(player=player).first()
    if seat is None:
        return False
    return match_expire(match_id=seat.match_id, now=now)


# --- rematch -----------------------------------------------------------------------


def match_rematch(*, player, match_id: object, now: datetime | None = None) -> LiveMatch | None:
    """Ask for a rematch of a finished match at the same stake.

    Returns the new match once both players have asked (both stakes are then
    in escrow), or None while waiting for the opponent.
    """
    now = now or timezone.now()
    match = match_access(player=player, match_id=match_id)
    with transaction.atomic():
        match = _locked(match.pk)
        if match.status not in FINISHED_STATUSES or match.player_two_id is None:
            raise RematchUnavailable()
        if LiveMatch.objects.filter(rematch_of=match).exists():
            raise RematchUnavailable("The rematch of this match has already started.")
        side = match.side_of(player.pk)
        setattr(match, f"{side}_wants_rematch", True)
        LiveMatch.objects.filter(pk=match.pk).update(**{f"{side}_wants_rematch": True})
        if not (match.one_wants_rematch and match.two_wants_rematch):
            push_to_group(
                match_group(match.pk),
                {"type": "rematch_requested", "match": match.pk, "player": player.pk},
            )
            return None
        rematch = LiveMatch.objects.create(
            stake=match.stake,
            player_one=match.player_one,
            player_two=match.player_two,
            status=MatchStatus.COMMITTING,
            rematch_of=match,
            created_at=now,
            matched_at=now,
            commit_deadline=now + commit_window(),
        )
        for pk in sorted(rematch.player_ids()):
            _seat(player_id=pk, match=rematch)
        for user in (rematch.player_one, rematch.player_two):
            try:
                economy.escrow_hold(
                    player=user,
                    amount=rematch.stake,
                    reference=rematch.reference,
                    idempotency_key=rematch.reference,
                )
            except InsufficientCoins:
                # Rolls the whole rematch back. The ledger's message names the
                # balance, which is only the asking player's business.
                if user.pk == player.pk:
                    raise
                raise InsufficientCoins(
                    f"Your opponent no longer has {rematch.stake} coins for a rematch."
                ) from None
        # Sent to the old match's group: that is where both sockets listen;
        # each joins the new match's group when it sees this.
        push_to_group(match_group(match.pk), matched_event(rematch))
        _schedule_expiry(match_id=rematch.pk, at=rematch.commit_deadline)
        return rematch
