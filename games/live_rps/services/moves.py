"""Commit and reveal: each player binds their move, then shows it (docs/live-rps.md)."""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts import responsible
from accounts.live import push_to_group
from games.fairness import commitment_matches
from games.live_rps.errors import (
    AlreadyCommitted,
    AlreadyRevealed,
    InvalidCommitment,
    InvalidReveal,
    RevealMismatch,
    WrongPhase,
)
from games.live_rps.models import LiveMatch, MatchStatus
from games.live_rps.services.common import match_access, match_group, match_locked, reveal_window
from games.live_rps.services.expiry import expiry_schedule, match_expire
from games.live_rps.services.settlement import match_settle
from games.rps.game import MOVES

COMMITMENT_PATTERN = re.compile(r"[0-9a-f]{64}")
MAX_SALT_LENGTH = 128


def match_commit(
    *, player, match_id: object, commitment: object, now: datetime | None = None
) -> LiveMatch:
    """Record ``player``'s commitment; when both are in, open the reveal phase.

    A second commitment by the same player raises ``AlreadyCommitted`` and
    changes nothing.
    """
    now = now or timezone.now()
    match = match_access(player=player, match_id=match_id)
    # A break taken mid-match stops the moves; the match is refunded at its deadline.
    responsible.exclusion_check(player=player, at=now)
    if not isinstance(commitment, str) or not COMMITMENT_PATTERN.fullmatch(commitment):
        raise InvalidCommitment(fields={"commitment": "64 lowercase hex characters"})
    match_expire(match_id=match.pk, now=now)
    with transaction.atomic():
        match = match_locked(match.pk)
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
            expiry_schedule(match_id=match.pk, at=match.reveal_deadline)
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
        match = match_locked(match.pk)
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
            match_settle(match=match, now=now)
        else:
            push_to_group(
                match_group(match.pk), {"type": "revealed", "match": match.pk, "player": player.pk}
            )
        return match
