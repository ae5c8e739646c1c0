"""Every way a match ends: the compare-and-swap to its final status, then its escrow.

Only the caller whose status update counted moves coins, so however many
processes try to end a match (a reveal, a deadline task, the sweep), its
escrow moves exactly once. All functions here run inside the caller's
transaction with the match row locked (``common.match_locked``).
"""

from __future__ import annotations

from datetime import datetime

from accounts import responsible
from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.live import push_to_group
from economy import services as economy
from economy.selectors import player_balance
from games.live_rps import elo
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat, MatchOutcome, MatchStatus
from games.live_rps.services.common import match_group, ratings_of
from games.rps.game import BEATS


def waiting_close(*, match: LiveMatch, now: datetime, reason: str) -> bool:
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


def match_refund(*, match: LiveMatch, old_status: str, now: datetime) -> bool:
    """Both stakes back (abandoned before both committed, or nobody revealed)."""
    if not _close(
        match=match,
        old_status=old_status,
        status=MatchStatus.ABANDONED,
        outcome=MatchOutcome.REFUNDED,
        now=now,
    ):
        return False
    _refund_stakes(match)
    _publish_result(match=match, per_side={"one": "refunded", "two": "refunded"}, payouts={})
    return True


def match_settle(*, match: LiveMatch, now: datetime) -> bool:
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
    return _decide(
        match=match, status=MatchStatus.SETTLED, outcome=outcome, per_side=per_side, now=now
    )


def match_forfeit(*, match: LiveMatch, winner_side: str, now: datetime) -> bool:
    """Only ``winner_side`` revealed in time: they take both stakes."""
    outcome = MatchOutcome.ONE_FORFEIT_WIN if winner_side == "one" else MatchOutcome.TWO_FORFEIT_WIN
    loser_side = "two" if winner_side == "one" else "one"
    per_side = {winner_side: "forfeit_win", loser_side: "forfeit_loss"}
    return _decide(
        match=match, status=MatchStatus.FORFEITED, outcome=outcome, per_side=per_side, now=now
    )


def _decide(
    *, match: LiveMatch, status: str, outcome: str, per_side: dict[str, str], now: datetime
) -> bool:
    """Close a revealing match as settled or forfeited, then move escrow, rate and record it."""
    if not _close(
        match=match, old_status=MatchStatus.REVEALING, status=status, outcome=outcome, now=now
    ):
        return False
    payouts = _pay_out(match=match, per_side=per_side)
    _record_played(match=match, per_side=per_side, payouts=payouts, now=now)
    _publish_result(match=match, per_side=per_side, payouts=payouts)
    return True


def _refund_stakes(match: LiveMatch) -> None:
    for user in (match.player_one, match.player_two):
        # Before the ledger: the play-settings lock is always taken before the balance's.
        responsible.play_payout(player=user, payout=match.stake)
        economy.escrow_refund(
            player=user,
            amount=match.stake,
            reference=match.reference,
            idempotency_key=f"{match.reference}:refund",
        )


def _user(match: LiveMatch, side: str):
    return match.player_one if side == "one" else match.player_two


def _pay_out(*, match: LiveMatch, per_side: dict[str, str]) -> dict[str, int]:
    """Move the escrow of a decided match; returns each side's coins received."""
    if per_side["one"] == "tie":
        _refund_stakes(match)
        return {"one": match.stake, "two": match.stake}
    payouts = {"one": 0, "two": 0}
    winner = next(side for side, result in per_side.items() if result.endswith("win"))
    responsible.play_payout(player=_user(match, winner), payout=2 * match.stake)
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
        action_record(
            player=user, type=ActionType.LIVE_MATCH_PLAYED, value=match.stake, metadata=metadata
        )
        if result in ("win", "forfeit_win"):
            action_record(
                player=user, type=ActionType.LIVE_MATCH_WON, value=payouts[side], metadata=metadata
            )


def _publish_result(*, match: LiveMatch, per_side: dict[str, str], payouts: dict[str, int]) -> None:
    ratings = ratings_of(match.player_ids())
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
