"""Forming matches: find (pair or queue), cancel, leave, and rematch."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import responsible
from accounts.live import push_to_group
from economy import services as economy
from economy.errors import InsufficientCoins
from economy.selectors import player_balance
from games.live_rps.errors import AlreadyInMatch, NoOpenMatch, RematchUnavailable, WrongPhase
from games.live_rps.models import LiveMatch, LiveSeat, MatchStatus
from games.live_rps.services.common import (
    commit_window,
    match_access,
    match_group,
    match_locked,
    matched_event,
    seat_take,
    stake_check,
)
from games.live_rps.services.expiry import expiry_schedule, player_overdue_settle
from games.live_rps.services.settlement import match_refund, waiting_close

FINISHED_STATUSES = (MatchStatus.SETTLED, MatchStatus.FORFEITED, MatchStatus.ABANDONED)


@dataclass(frozen=True)
class FindResult:
    """``match`` is the WAITING match the player queued with, or the formed match."""

    match: LiveMatch
    formed: bool


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
    # Fast refusal before queueing; play_round below is the locked check.
    responsible.play_check(player=player, stake=stake, at=now)
    if player_balance(player=player) < stake:
        # Fast refusal; the escrow hold below is what actually guarantees it.
        raise InsufficientCoins(_("Not enough coins for a stake of %(stake)s.") % {"stake": stake})
    with transaction.atomic():
        # The finder's play-settings lock first: two tabs of one player wait here,
        # before either touches a candidate's rows or the escrow account.
        responsible.play_lock(player=player)
        passed_over: list[int] = []
        while True:
            # skip_locked: a waiting match another process is pairing right
            # now is passed over rather than waited for (no convoy on the
            # queue's head). SQLite ignores it; its IMMEDIATE transactions
            # already run one writer at a time.
            candidate = (
                LiveMatch.objects.select_for_update(skip_locked=True)
                .filter(status=MatchStatus.WAITING, stake=stake)
                .exclude(player_one=player)
                .exclude(pk__in=passed_over)
                .order_by("created_at", "pk")
                .first()
            )
            if candidate is None:
                break
            try:
                with transaction.atomic():
                    # Never wait for another finder's lock (no lock cycles): pass over.
                    responsible.play_round(
                        player=candidate.player_one, stake=stake, at=now, skip_locked=True
                    )
                    economy.escrow_hold(
                        player=candidate.player_one,
                        amount=stake,
                        reference=candidate.reference,
                        idempotency_key=candidate.reference,
                    )
            except InsufficientCoins:
                waiting_close(match=candidate, now=now, reason="insufficient_coins")
                continue
            except responsible.PlayBusy:
                passed_over.append(candidate.pk)
                continue
            except responsible.PlayBlocked:
                # A cool-off or a limit began while they waited: they leave the queue.
                waiting_close(match=candidate, now=now, reason="unavailable")
                continue
            # Raises PlayBlocked or InsufficientCoins if the finder may not
            # wager: the whole transaction (the opponent's hold too) rolls back.
            responsible.play_round(player=player, stake=stake, at=now)
            economy.escrow_hold(
                player=player,
                amount=stake,
                reference=candidate.reference,
                idempotency_key=candidate.reference,
            )
            seat_take(player_id=player.pk, match=candidate)
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
            expiry_schedule(match_id=candidate.pk, at=candidate.commit_deadline)
            return FindResult(match=candidate, formed=True)

        match = LiveMatch.objects.create(stake=stake, player_one=player, created_at=now)
        seat_take(player_id=player.pk, match=match)
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
        match = match_locked(seat.match_id)
        if match.status == MatchStatus.WAITING:
            waiting_close(match=match, now=now, reason="cancelled")
        elif match.status == MatchStatus.COMMITTING:
            match_refund(match=match, old_status=MatchStatus.COMMITTING, now=now)
        elif match.status == MatchStatus.REVEALING:
            raise WrongPhase(
                "Both moves are committed: reveal yours, or it forfeits at the deadline."
            )
        return match


def player_leave(*, player, now: datetime | None = None) -> None:
    """A player's socket closed: leave the queue or abandon a match not yet committed."""
    with contextlib.suppress(NoOpenMatch, WrongPhase):
        match_cancel(player=player, now=now)


def match_rematch(*, player, match_id: object, now: datetime | None = None) -> LiveMatch | None:
    """Ask for a rematch of a finished match at the same stake.

    Returns the new match once both players have asked (both stakes are then
    in escrow), or None while waiting for the opponent.
    """
    now = now or timezone.now()
    match = match_access(player=player, match_id=match_id)
    responsible.play_check(player=player, stake=match.stake, at=now)
    with transaction.atomic():
        match = match_locked(match.pk)
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
            seat_take(player_id=pk, match=rematch)
        for user in (rematch.player_one, rematch.player_two):
            try:
                responsible.play_round(player=user, stake=rematch.stake, at=now)
            except responsible.PlayBlocked:
                if user.pk == player.pk:
                    raise
                raise RematchUnavailable("Your opponent cannot play a rematch now.") from None
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
        expiry_schedule(match_id=rematch.pk, at=rematch.commit_deadline)
        return rematch
