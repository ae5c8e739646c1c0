"""What moderators may do to players, and the audit log that records it.

Moderators never edit a user row in admin (they hold ``view_user``, not
``change_user``). They act through the services below, each of which checks
the actor, refuses staff targets (only superusers manage staff), makes one
change and writes a ``ModeratorAction`` row in the same transaction, so the
log has a row exactly when the change happened.

Apps to the right of ``accounts`` add their own moderator actions to the user
admin without ``accounts`` importing them ("register, don't import"):
``economy`` registers "adjust coins" with ``user_admin_action_register``, and
its ``adjustment_make`` service records ``coins.adjust`` here. A later feature
(resetting an age verification, say) does the same with its own action name.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts.models import ModeratorAction, NotificationKind, User
from accounts.notifications import notification_send
from accounts.socket_sessions import socket_sessions_forget_player
from casino_club.kit.errors import Conflict, DomainError

MODERATE_PERMISSION = "accounts.moderate_player"
REASON_MAX_LENGTH = 500

SUSPEND = "player.suspend"
REINSTATE = "player.reinstate"
NOTIFY = "player.notify"


class NotAllowed(DomainError):
    code = "forbidden"
    status = 403
    default_message = gettext_lazy("You may not do that.")


class ReasonRequired(DomainError):
    code = "reason_required"
    default_message = gettext_lazy("A reason is required.")


def can_moderate(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(MODERATE_PERMISSION)
    )


def is_staff_account(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser)


def _check(*, actor: User, target: User) -> None:
    if not can_moderate(actor):
        raise NotAllowed()
    if is_staff_account(target):
        raise NotAllowed("Staff accounts are managed by superusers only.")


def _clean_reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ReasonRequired(fields={"reason": "required"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ReasonRequired(
            f"The reason is at most {REASON_MAX_LENGTH} characters.", fields={"reason": "too long"}
        )
    return reason


def moderator_action_record(
    *, actor: User, target: User, action: str, reason: str, details: dict | None = None
) -> ModeratorAction:
    """Write one audit row. Call it inside the transaction of the change it
    describes, so a rolled-back change leaves no row behind."""
    return ModeratorAction.objects.create(
        actor=actor,
        target=target,
        target_label=f"{target.nickname} <{target.email}>",
        action=action,
        reason=_clean_reason(reason),
        details=details or {},
    )


def _set_active(*, actor: User, player: User, reason: str, active: bool) -> ModeratorAction:
    _check(actor=actor, target=player)
    reason = _clean_reason(reason)
    with transaction.atomic():
        # Compare-and-swap: two moderators suspending at once log one suspension.
        changed = User.objects.filter(pk=player.pk, is_active=not active).update(is_active=active)
        if not changed:
            raise Conflict(
                "The player is already active." if active else "The player is already suspended."
            )
        player.is_active = active
        # A queryset update sends no post_save: sockets' cached sessions are
        # distrusted here (after commit), so a suspended player cannot connect.
        socket_sessions_forget_player(player_id=player.pk)
        return moderator_action_record(
            actor=actor, target=player, action=REINSTATE if active else SUSPEND, reason=reason
        )


def player_suspend(*, actor: User, player: User, reason: str) -> ModeratorAction:
    """Switch the account off (``is_active``): the player can no longer log in
    and open sessions stop authenticating. Never a staff account."""
    return _set_active(actor=actor, player=player, reason=reason, active=False)


def player_reinstate(*, actor: User, player: User, reason: str) -> ModeratorAction:
    return _set_active(actor=actor, player=player, reason=reason, active=True)


def player_notify(
    *, actor: User, player: User, title: str, body: str, reason: str
) -> ModeratorAction:
    """Send one player a moderator message (it cannot be muted)."""
    _check(actor=actor, target=player)
    reason = _clean_reason(reason)
    title = (title or "").strip()
    if not title:
        raise DomainError("A title is required.", fields={"title": "required"})
    with transaction.atomic():
        notification = notification_send(
            player=player, kind=NotificationKind.MODERATOR_MESSAGE, title=title, body=body or ""
        )
        return moderator_action_record(
            actor=actor,
            target=player,
            action=NOTIFY,
            reason=reason,
            details={"notification_id": notification.pk if notification else None, "title": title},
        )


# --- the user admin's extra actions (registered by apps to the right) ---------

_user_admin_actions: list[Callable] = []


def user_admin_action_register(action: Callable) -> Callable:
    """Add a Django admin action to the user admin (use as a decorator).

    The action should carry ``@admin.action(permissions=["moderate"], ...)``
    so only moderators see it, and must do its work through a service that
    records a ``ModeratorAction``.
    """
    if action not in _user_admin_actions:
        _user_admin_actions.append(action)
    return action


def user_admin_actions() -> list[Callable]:
    return list(_user_admin_actions)
