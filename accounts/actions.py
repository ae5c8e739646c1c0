"""The action log and its on-commit dispatcher.

Apps never import their neighbours to react to each other: a service records
an action in its own transaction, and after commit every subscriber for that
action type gets it. Each delivery runs in its own transaction together with
an :class:`ActionReceipt`, so a subscriber handles an action exactly once even
when it is delivered again (a retry, or the sweep that redelivers actions a
crashed process never dispatched).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.action_types import (
    CLIENT_TYPES,
    ActionContractError,
    ActionMetadata,
    spec_for,
)
from accounts.models import Action, ActionReceipt, User
from casino_club.kit.errors import DomainError

logger = logging.getLogger(__name__)

Handler = Callable[[Action], None]
ALL = "*"

_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)


def subscribe(action_type: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``action_type`` (or ``"*"``) under a stable name.

    The name is stored in receipts; renaming a subscriber makes it see old
    actions as new, so keep names stable. A type that is not in the action
    catalogue (``accounts.action_types``) is refused at import time.
    """
    if action_type != ALL:
        spec_for(action_type)

    def register(handler: Handler) -> Handler:
        _subscribers[action_type][name] = handler
        return handler

    return register


def subscribers_for(action_type: str) -> dict[str, Handler]:
    return {**_subscribers.get(ALL, {}), **_subscribers.get(action_type, {})}


def action_record(
    *, player: User, type: str, value: int = 0, metadata: dict | None = None
) -> Action:
    """Write an action row; subscribers get it once the caller's transaction commits.

    The type and its metadata must match the catalogue (``ActionContractError``).
    """
    spec_for(type).check(metadata or {})
    action = Action.objects.create(player=player, type=type, value=value, metadata=metadata or {})
    transaction.on_commit(lambda: action_dispatch_later(action_id=action.pk), robust=True)
    return action


def action_dispatch_later(*, action_id: int) -> None:
    """Run subscribers now, or queue them for a worker (``ACTIONS_DISPATCH``).

    If the queue is unreachable the action stays undelivered and the
    redelivery sweep hands it out later; receipts keep that exactly-once.
    """
    if settings.ACTIONS_DISPATCH == "worker":
        # By name: accounts.tasks imports this module (no import cycle).
        signature("accounts.dispatch_action", args=[action_id]).delay()
    else:
        action_dispatch(action_id=action_id)


def action_dispatch(*, action_id: int) -> None:
    """Deliver one action to each of its subscribers, at most once each."""
    action = Action.objects.select_related("player").get(pk=action_id)
    for name, handler in subscribers_for(action.type).items():
        action_deliver(action=action, subscriber=name, handler=handler)


def action_deliver(*, action: Action, subscriber: str, handler: Handler) -> bool:
    """Run ``handler`` and write its receipt atomically; False if already handled.

    The handler reads the metadata through the catalogue's read-only view, so
    a key the catalogue does not declare fails loudly.
    """
    if not isinstance(action.metadata, ActionMetadata):
        action.metadata = ActionMetadata(spec_for(action.type), action.metadata)
    if ActionReceipt.objects.filter(action=action, subscriber=subscriber).exists():
        return False
    try:
        with transaction.atomic():
            ActionReceipt.objects.create(action=action, subscriber=subscriber)
            handler(action)
    except IntegrityError:
        # A concurrent delivery wrote the receipt first: its effects stand, ours rolled back.
        if ActionReceipt.objects.filter(action=action, subscriber=subscriber).exists():
            return False
        raise
    except ActionContractError:
        # A broken contract is a bug to fix, not a failure to retry quietly.
        raise
    except Exception:
        # One failing subscriber must not stop the others; the sweep retries it.
        logger.exception("subscriber %s failed on action %s", subscriber, action.pk)
        return False
    return True


def actions_redeliver(*, older_than: timedelta = timedelta(seconds=30), limit: int = 500) -> int:
    """Deliver recent actions that some subscriber has not handled yet.

    Covers a process that died between commit and dispatch, an unreachable
    broker and a subscriber that raised. Returns the number of deliveries made.
    """
    since = timezone.now() - timedelta(days=1)
    until = timezone.now() - older_than
    delivered = 0
    candidates = actions_unhandled(since=since, until=until)
    for action in candidates.select_related("player").prefetch_related("receipts")[:limit]:
        done = {receipt.subscriber for receipt in action.receipts.all()}
        for name, handler in subscribers_for(action.type).items():
            if name not in done and action_deliver(action=action, subscriber=name, handler=handler):
                delivered += 1
    return delivered


def actions_unhandled(*, since: datetime, until: datetime) -> QuerySet[Action]:
    """Actions in [since, until] that at least one of their subscribers has no receipt for.

    The selection happens in SQL, oldest first, so handled actions never take
    a sweep's places: with a plain "oldest N of the window" an unhandled
    action behind N handled ones waited until they left the 24 h window. One
    ``NOT EXISTS`` per subscriber name, each a probe of the
    ``receipt_once`` (action, subscriber) index, ORed together; a name counts
    only for the types it is registered for (every type for ``"*"``).
    """
    types_by_name: dict[str, set[str]] = defaultdict(set)
    for action_type, handlers in _subscribers.items():
        for name in handlers:
            types_by_name[name].add(action_type)
    in_window = Action.objects.filter(created_at__gte=since, created_at__lte=until)
    # Every candidate's id is at least this, so its receipts' action ids are
    # too. The bound is exact, and it keeps a NOT EXISTS that PostgreSQL turns
    # into a hashed subplan (a subscriber with few receipts) to the window's
    # slice of the receipt_once index instead of a scan of every receipt ever.
    first_id = in_window.aggregate(first=Min("pk"))["first"]
    if first_id is None:
        return Action.objects.none()
    missing = Q(pk__in=[])
    for name, types in sorted(types_by_name.items()):
        receipt = ActionReceipt.objects.filter(
            action=OuterRef("pk"), action_id__gte=first_id, subscriber=name
        )
        for_types = Q() if ALL in types else Q(type__in=sorted(types))
        missing |= for_types & ~Exists(receipt)
    return in_window.filter(missing).order_by("created_at", "pk")


class ActionNotAllowed(DomainError):
    code = "action_not_allowed"
    default_message = "This action type cannot be reported by a client."


def client_action_record(*, player: User, type: str, metadata: dict | None = None) -> Action:
    """Record a client event (the catalogue's client types); anything else is refused.

    Rounds, coins and claims are recorded by the server only.
    """
    if type not in CLIENT_TYPES:
        raise ActionNotAllowed(fields={"type": [f"Allowed: {', '.join(sorted(CLIENT_TYPES))}."]})
    return action_record(player=player, type=type, metadata=metadata or {})
