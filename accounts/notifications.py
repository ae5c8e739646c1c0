"""Notifications: in-app list, live push, email for those who opted in,
scheduled delivery and moderator broadcasts.

Writes here are services; every push goes through ``accounts.live`` after
commit. A notification row with ``deliver_at`` in the future is scheduled:
the ``accounts.deliver_notifications`` job delivers it on time.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from celery import signature
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audiences import InvalidBroadcast, segment_check, segment_recipients
from accounts.live import SITE_GROUP, push_to_group, push_to_player
from accounts.models import (
    ALWAYS_DELIVERED,
    OPT_IN_KINDS,
    Audience,
    Broadcast,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from accounts.responsible_settings import excluded_player_ids, player_excluded
from casino_club.kit.errors import DomainError, NotFound

logger = logging.getLogger(__name__)

INACTIVITY_DAYS = getattr(settings, "INACTIVITY_REMINDER_DAYS", 3)
FANOUT_BATCH = 1000


class NotAllowed(DomainError):
    code = "permission_denied"
    status = 403
    default_message = gettext_lazy("Only moderators may do this.")


class InvalidPreferences(DomainError):
    code = "invalid"
    status = 400
    default_message = gettext_lazy("These preferences are not valid.")


# --- selectors -------------------------------------------------------------------


def preference_get(*, player: User) -> NotificationPreference:
    """The player's preferences, or unsaved defaults (all service kinds, no
    reminders or news, no email)."""
    try:
        return player.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(player=player)


def notifications_for(*, player: User) -> QuerySet[Notification]:
    return Notification.objects.filter(player=player, delivered_at__isnull=False).order_by(
        "-delivered_at", "-id"
    )


def unread_count(*, player: User) -> int:
    return Notification.objects.filter(
        player=player, delivered_at__isnull=False, read_at__isnull=True
    ).count()


def in_quiet_hours(*, player: User, preference: NotificationPreference, now: datetime) -> bool:
    """True inside the player's quiet hours (their own time zone; may span midnight)."""
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None or start == end:
        return False
    local: time = timezone.localtime(now, player.zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def is_moderator(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm("accounts.add_broadcast"))


def player_language(player: User) -> translation.override:
    """Write to ``player`` in their language, not the worker's or the request's::

        with player_language(player):
            notification_send(player=player, title=_("..."), ...)

    Titles and bodies are stored rendered, so the text must be made inside it.
    """
    return translation.override(player.preferred_language)


# --- delivery --------------------------------------------------------------------


def _payload(notification: Notification, unread: int) -> dict:
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "created_at": (notification.delivered_at or notification.created_at).isoformat(),
        "unread": unread,
    }


def _after_delivery(notification: Notification, preference: NotificationPreference) -> None:
    """Push to open pages and, for those who opted in, queue an email."""
    push_to_player(
        notification.player_id, _payload(notification, unread_count(player=notification.player))
    )
    if preference.email_enabled and notification.player.email:
        # By name (accounts.tasks imports this module). robust: with the broker
        # (Redis) down the publish fails after the notification committed; that
        # must not turn the request into a 500.
        transaction.on_commit(
            lambda: signature("accounts.email_notification", args=[notification.pk]).delay(),
            robust=True,
        )


def notification_send(
    *,
    player: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict | None = None,
    deliver_at: datetime | None = None,
    broadcast: Broadcast | None = None,
) -> Notification | None:
    """Create a notification, delivering it now or at ``deliver_at``.

    Returns None when the player muted this kind (moderator messages cannot
    be muted) or when it is a re-engagement or marketing kind and the player
    has not opted in. Delivery pushes live and queues an email after commit.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    preference = preference_get(player=player)
    if kind in preference.muted_kinds and kind not in ALWAYS_DELIVERED:
        return None
    if kind in OPT_IN_KINDS and not preference.marketing_opt_in:
        return None
    if kind in OPT_IN_KINDS and player_excluded(player=player):
        return None  # no marketing or reminders during a cool-off or self-exclusion
    now = timezone.now()
    deliver_at = deliver_at or now
    with transaction.atomic():
        notification = Notification.objects.create(
            player=player,
            kind=kind,
            title=title[:120],
            body=body,
            url=url,
            data=data or {},
            deliver_at=deliver_at,
            delivered_at=now if deliver_at <= now else None,
            broadcast=broadcast,
        )
        if notification.delivered_at:
            _after_delivery(notification, preference)
    return notification


def notifications_deliver_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Deliver scheduled notifications whose time has come; safe with several workers."""
    now = now or timezone.now()
    delivered = 0
    with transaction.atomic():
        # SKIP LOCKED lets two workers share the work instead of delivering twice.
        due = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at__isnull=True, deliver_at__lte=now)
            .select_related("player", "player__notification_preference")
            .order_by("deliver_at")[:limit]
        )
        for notification in due:
            notification.delivered_at = now
        Notification.objects.bulk_update(due, ["delivered_at"])
        for notification in due:
            _after_delivery(notification, preference_get(player=notification.player))
            delivered += 1
    return delivered


# --- player actions ---------------------------------------------------------------


def notification_mark_read(*, player: User, notification_id: int) -> Notification:
    """Mark one of the player's own notifications read (others' are 'not found')."""
    notification = notifications_for(player=player).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        push_to_player(
            player.pk, {"type": "notification.read", "unread": unread_count(player=player)}
        )
    return notification


def notifications_mark_all_read(*, player: User) -> int:
    with transaction.atomic():
        count = (
            notifications_for(player=player)
            .filter(read_at__isnull=True)
            .update(read_at=timezone.now())
        )
        push_to_player(player.pk, {"type": "notification.read", "unread": 0})
    return count


def preferences_update(
    *,
    player: User,
    muted_kinds: list[str],
    email_enabled: bool,
    quiet_start: time | None,
    quiet_end: time | None,
    marketing_opt_in: bool | None = None,
) -> NotificationPreference:
    """Save the player's preferences; ``marketing_opt_in=None`` leaves that answer as it was."""
    unknown = [kind for kind in muted_kinds if kind not in NotificationKind.values]
    if unknown:
        raise InvalidPreferences(fields={"muted_kinds": [f"Unknown kind: {unknown[0]}"]})
    locked = [kind for kind in muted_kinds if kind in ALWAYS_DELIVERED]
    if locked:
        raise InvalidPreferences(fields={"muted_kinds": [f"{locked[0]} cannot be muted."]})
    if (quiet_start is None) != (quiet_end is None):
        raise InvalidPreferences(
            fields={"quiet_end": ["Give both the start and the end of quiet hours, or neither."]}
        )
    defaults = {
        "muted_kinds": sorted(set(muted_kinds)),
        "email_enabled": email_enabled,
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
    }
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            player=player, defaults=defaults
        )
        for field, value in defaults.items():
            setattr(preference, field, value)
        if marketing_opt_in is not None:
            preference.marketing_opt_in = marketing_opt_in
            # Choosing in the settings answers the question after signup too.
            preference.marketing_asked_at = preference.marketing_asked_at or timezone.now()
        preference.save()
    return preference


def marketing_question_ask(*, player: User) -> bool:
    """Note that the reminders question is being shown; True only the first time.

    The question is asked once: whoever is shown it (or answers it in the
    settings) is not asked again. Not answering leaves reminders off.
    """
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            player=player
        )
        if preference.marketing_asked_at is not None:
            return False
        preference.marketing_asked_at = timezone.now()
        preference.save(update_fields=["marketing_asked_at"])
    return True


def marketing_answer(*, player: User, opt_in: bool) -> NotificationPreference:
    """Record the player's answer to "reminders and news?" (changeable later)."""
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            player=player
        )
        preference.marketing_opt_in = opt_in
        preference.marketing_asked_at = preference.marketing_asked_at or timezone.now()
        preference.save(update_fields=["marketing_opt_in", "marketing_asked_at"])
    return preference


# --- moderator broadcasts ------------------------------------------------------------


def broadcast_schedule(
    *,
    author: User,
    audience: str,
    title: str,
    body: str = "",
    url: str = "",
    send_at: datetime | None = None,
    player: User | None = None,
    segment: str = "",
) -> Broadcast:
    """Schedule a moderator message; due ones go out on the next delivery run."""
    if not is_moderator(author):
        raise NotAllowed()
    if audience not in Audience.values:
        raise InvalidBroadcast(
            fields={"audience": [f"Choose one of {', '.join(Audience.values)}."]}
        )
    if audience == Audience.PLAYER and player is None:
        raise InvalidBroadcast(fields={"player": ["Name the player for a one-player message."]})
    if audience != Audience.PLAYER:
        player = None
    segment = segment_check(audience=audience, segment=segment, url=url)
    if not title.strip():
        raise InvalidBroadcast(fields={"title": ["A title is required."]})
    broadcast = Broadcast.objects.create(
        author=author,
        audience=audience,
        player=player,
        segment=segment,
        title=title.strip()[:120],
        body=body,
        url=url,
        send_at=send_at or timezone.now(),
    )
    if broadcast.send_at <= timezone.now():
        transaction.on_commit(signature("accounts.deliver_notifications").delay)
    return broadcast


def broadcasts_send_due(*, now: datetime | None = None) -> int:
    """Fan due broadcasts out into notifications, each broadcast exactly once."""
    now = now or timezone.now()
    sent = 0
    for broadcast in Broadcast.objects.filter(sent_at__isnull=True, send_at__lte=now):
        # Compare-and-swap: only the worker that flips sent_at fans this one out.
        if not Broadcast.objects.filter(pk=broadcast.pk, sent_at__isnull=True).update(sent_at=now):
            continue
        if broadcast.audience == Audience.PLAYER:
            recipients = User.objects.filter(pk=broadcast.player_id, is_active=True)
        elif broadcast.audience == Audience.SEGMENT:
            recipients = segment_recipients(broadcast.segment)
        else:
            recipients = User.objects.filter(is_active=True)
        count = 0
        for player in recipients.iterator(chunk_size=FANOUT_BATCH):
            notification_send(
                player=player,
                kind=NotificationKind.MODERATOR_MESSAGE,
                title=broadcast.title,
                body=broadcast.body,
                url=broadcast.url,
                broadcast=broadcast,
            )
            count += 1
        Broadcast.objects.filter(pk=broadcast.pk).update(recipients=count)
        sent += 1
    return sent


# --- reminders --------------------------------------------------------------------------


def inactivity_reminders_send(*, now: datetime | None = None, days: int = INACTIVITY_DAYS) -> int:
    """Remind players who were active before but not in the last ``days`` days.

    Only players who opted in to reminders and news; at most one reminder per
    period, never inside the player's quiet hours (they get it on a later
    hourly run), never to players who muted it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    reminded_recently = Notification.objects.filter(
        kind=NotificationKind.INACTIVITY_REMINDER, created_at__gte=cutoff
    ).values("player_id")
    candidates = (
        User.objects.filter(is_active=True, notification_preference__marketing_opt_in=True)
        .annotate(last_action=Max("actions__created_at"))
        .filter(last_action__lt=cutoff)
        .exclude(pk__in=reminded_recently)
        .exclude(pk__in=excluded_player_ids())
        .select_related("notification_preference")
    )
    sent = 0
    for player in candidates.iterator(chunk_size=FANOUT_BATCH):
        preference = preference_get(player=player)
        if in_quiet_hours(player=player, preference=preference, now=now):
            continue
        with player_language(player):
            notification = notification_send(
                player=player,
                kind=NotificationKind.INACTIVITY_REMINDER,
                title=_("Your daily bonus is waiting"),
                body=_("Drop by for your free daily coins. Play for fun, and take breaks."),
                url="/",
            )
        if notification is not None:
            sent += 1
    return sent


def notification_email(*, notification_id: int) -> bool:
    """Email one delivered notification, once, if the player still wants email."""
    notification = Notification.objects.select_related("player").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    preference = preference_get(player=notification.player)
    if not preference.email_enabled:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    with player_language(notification.player):
        send_mail(
            subject=_("Casino Club: %(title)s") % {"title": notification.title},
            message=notification.body or notification.title,
            from_email=None,
            recipient_list=[notification.player.email],
        )
    return True


def site_push(event: dict) -> None:
    """Push an event to every open page (e.g. an event banner)."""
    push_to_group(SITE_GROUP, event)
