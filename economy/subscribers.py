"""How the economy reacts to other apps, and what it adds to theirs.

Registered from ``EconomyConfig.ready``; ``accounts`` never imports us.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from accounts.selectors import job_status_get
from casino_club.kit.readiness import register_readiness_check
from economy.faucets import signup_grant
from economy.services.reconcile import JOB_NAME


@subscribe(ActionType.PLAYER_JOINED, "economy.signup_grant")
def open_wallet(action) -> None:
    """A new player's wallet opens with the signup grant (once, see signup_grant)."""
    signup_grant(player=action.player)


@register_readiness_check
def ledger_readiness() -> tuple[str, dict]:
    # Ready until a reconciliation has actually failed: a fresh install has
    # not run its first nightly check yet and must still take traffic.
    status = job_status_get(name=JOB_NAME)
    return "ledger", {
        "ok": status is None or status.ok,
        "last_run": status.last_run_at.isoformat() if status else None,
    }
