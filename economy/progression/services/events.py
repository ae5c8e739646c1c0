"""Limited-time events: announce each one once when it starts."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import NotificationKind
from accounts.notifications import notification_send, site_push
from economy.models import Event
from economy.progression.selectors import active_players


def events_announce(*, now: datetime | None = None) -> int:
    """The every-minute job: announce each started event once.

    Compare-and-swap on ``announced_at``: with two beat runs or workers at
    once, only the one that flips it pushes and notifies.
    """
    now = now or timezone.now()
    announced = 0
    due = Event.objects.filter(announced_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    for event in due:
        if not Event.objects.filter(pk=event.pk, announced_at__isnull=True).update(
            announced_at=now
        ):
            continue
        site_push(
            {
                "type": "event.started",
                "id": event.pk,
                "name": event.name,
                "description": event.description,
                # Open pages pick the one for their language (English when empty).
                "name_ko": event.localized("name", "ko"),
                "description_ko": event.localized("description", "ko"),
                "starts_at": event.starts_at.isoformat(),
                "ends_at": event.ends_at.isoformat(),
            }
        )
        for player in active_players(now=now).iterator(chunk_size=1000):
            language = player.preferred_language
            notification_send(
                player=player,
                kind=NotificationKind.EVENT_STARTED,
                title=event.localized("name", language),
                body=event.localized("description", language),
                url="/missions/",
                data={"event": event.pk, "ends_at": event.ends_at.isoformat()},
            )
        announced += 1
    return announced
