"""Deadlines: a task at each deadline, a periodic sweep, and lazily on every message.

All three call ``match_expire``, which locks the match and lets
``settlement`` move the escrow once (docs/live-rps.md, "Deadlines").
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import signature
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from games.live_rps.models import LiveMatch, LiveSeat, MatchStatus
from games.live_rps.services.common import match_locked, queue_window
from games.live_rps.services.settlement import (
    match_forfeit,
    match_refund,
    match_settle,
    waiting_close,
)

logger = logging.getLogger(__name__)

# The Celery task (games/live_rps/tasks.py) is addressed by name, so the
# domain never imports the task module (which imports it). The name is what
# queued messages carry: it must not change. The task is registered at
# start-up (GamesConfig.ready imports games.tasks), so eager mode is honoured.
EXPIRE_TASK = "games.live_rps_expire"


def expiry_schedule(*, match_id: int, at: datetime) -> None:
    """Ask a worker to end the match at its deadline (after this transaction commits).

    A courtesy for promptness: the periodic sweep and every later message
    about the match apply the same deadline, so a lost task loses nothing.
    """

    def send() -> None:
        try:
            signature(EXPIRE_TASK, args=[match_id]).apply_async(eta=at)
        except Exception:
            logger.warning("could not schedule expiry of live match %s", match_id, exc_info=True)

    transaction.on_commit(send)


def _expire_locked(*, match: LiveMatch, now: datetime) -> bool:
    """Apply whichever deadline of ``match`` (locked by the caller) has passed."""
    if match.status == MatchStatus.WAITING and match.created_at + queue_window() <= now:
        return waiting_close(match=match, now=now, reason="queue_timeout")
    if match.status == MatchStatus.COMMITTING and match.commit_deadline <= now:
        return match_refund(match=match, old_status=MatchStatus.COMMITTING, now=now)
    if match.status == MatchStatus.REVEALING and match.reveal_deadline <= now:
        one, two = bool(match.one_move), bool(match.two_move)
        if one and two:  # settlement runs on the second reveal; kept for completeness
            return match_settle(match=match, now=now)
        if one or two:
            return match_forfeit(match=match, winner_side="one" if one else "two", now=now)
        return match_refund(match=match, old_status=MatchStatus.REVEALING, now=now)
    return False


def match_expire(*, match_id: int, now: datetime | None = None) -> bool:
    """End ``match_id`` if one of its deadlines has passed; True if this call ended it.

    Idempotent and safe to call from any number of processes at once: the
    row lock orders them and the compare-and-swap lets only one move coins.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            match = match_locked(match_id)
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
