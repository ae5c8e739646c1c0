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

Modules: ``common`` (settings, checks, the match lock, the ``matched``
event), ``matchmaking`` (find, cancel, leave, rematch), ``moves`` (commit and
reveal), ``settlement`` (every way a match ends and moves its escrow) and
``expiry`` (deadlines). Callers import from this package.
"""

from games.live_rps.services.common import (
    commit_window,
    live_stakes,
    match_access,
    match_group,
    matched_event,
    reveal_window,
)
from games.live_rps.services.expiry import (
    EXPIRE_TASK,
    live_matches_expire_overdue,
    match_expire,
    player_overdue_settle,
)
from games.live_rps.services.matchmaking import (
    FindResult,
    match_cancel,
    match_find,
    match_rematch,
    player_leave,
)
from games.live_rps.services.moves import match_commit, match_reveal

__all__ = [
    "EXPIRE_TASK",
    "FindResult",
    "commit_window",
    "live_matches_expire_overdue",
    "live_stakes",
    "match_access",
    "match_cancel",
    "match_commit",
    "match_expire",
    "match_find",
    "match_group",
    "match_rematch",
    "match_reveal",
    "matched_event",
    "player_leave",
    "player_overdue_settle",
    "reveal_window",
]
