"""The player's own changes to responsible-play settings: limits, reality checks, breaks.

Lowering a limit (or setting a first one) takes effect at once; raising or
removing one waits 24 hours (``RAISE_DELAY``) as a pending value shown to
the player. Zero is not a limit (to stop playing, take a cool-off). A
cool-off or self-exclusion can be made longer, never shorter, by anyone:
there is no service here, nor in the admin, that ends one early.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.responsible import (
    COOL_OFF_DURATIONS,
    MINUTES_LIMIT_MAX,
    RAISE_DELAY,
    REALITY_CHECK_CHOICES,
    SELF_EXCLUSION_DURATIONS,
    WAGER_LIMIT_MAX,
    ExclusionActive,
    InvalidExclusion,
    InvalidLimits,
    _pending_apply,
    _settings_locked,
)
from accounts.responsible_models import ExclusionKind, PlaySettings

UNSET = object()
LIMIT_BOUNDS = {
    "wager": ("wager_limit", WAGER_LIMIT_MAX),
    "minutes": ("minutes_limit", MINUTES_LIMIT_MAX),
}


def _limit_clean(value, *, field: str, maximum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidLimits(fields={field: ["A whole number, or null for no limit."]})
    if not 1 <= value <= maximum:
        raise InvalidLimits(fields={field: [f"Between 1 and {maximum}, or null for no limit."]})
    return value


def limits_update(
    *, player, wager_limit=UNSET, minutes_limit=UNSET, at: datetime | None = None
) -> PlaySettings:
    """Change the daily limits named; both are checked before anything is saved."""
    at = at or timezone.now()
    wanted = {}
    for name, value in (("wager", wager_limit), ("minutes", minutes_limit)):
        if value is not UNSET:
            field, maximum = LIMIT_BOUNDS[name]
            wanted[name] = _limit_clean(value, field=field, maximum=maximum)
    with transaction.atomic():
        row = _settings_locked(player)
        _pending_apply(row, at)
        for name, value in wanted.items():
            current = getattr(row, f"{name}_limit")
            lowering = value is not None and (current is None or value <= current)
            if lowering:
                setattr(row, f"{name}_limit", value)
                setattr(row, f"{name}_pending", None)
                setattr(row, f"{name}_pending_set", False)
                setattr(row, f"{name}_pending_at", None)
            else:  # raising or removing: after the delay
                setattr(row, f"{name}_pending", value)
                setattr(row, f"{name}_pending_set", True)
                setattr(row, f"{name}_pending_at", at + RAISE_DELAY)
        row.save()
    return row


def reality_check_valid(minutes) -> int:
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or minutes not in REALITY_CHECK_CHOICES
    ):
        choices = ", ".join(str(choice) for choice in REALITY_CHECK_CHOICES)
        raise InvalidLimits(fields={"reality_check_minutes": [f"Choose one of {choices}."]})
    return minutes


def reality_check_set(*, player, minutes) -> PlaySettings:
    minutes = reality_check_valid(minutes)
    with transaction.atomic():
        row = _settings_locked(player)
        row.reality_check_minutes = minutes
        row.save(update_fields=["reality_check_minutes"])
    return row


def reality_check_ack(*, player, at: datetime | None = None) -> PlaySettings:
    """The player saw the reality check: the next one is due an interval from now."""
    at = at or timezone.now()
    with transaction.atomic():
        row = _settings_locked(player)
        row.reality_check_at = at
        row.save(update_fields=["reality_check_at"])
    return row


def exclusion_start(*, player, kind, duration, confirm, at: datetime | None = None) -> PlaySettings:
    """Start a cool-off or a self-exclusion; ``confirm`` must be exactly True.

    ``ExclusionActive`` when one is running and the new one would end sooner
    (or would turn a self-exclusion into a cool-off): breaks only grow.
    """
    at = at or timezone.now()
    durations = {
        ExclusionKind.COOL_OFF: COOL_OFF_DURATIONS,
        ExclusionKind.SELF_EXCLUSION: SELF_EXCLUSION_DURATIONS,
    }
    if not isinstance(kind, str) or kind not in durations:
        raise InvalidExclusion(fields={"kind": ["Choose cool_off or self_exclusion."]})
    choices = durations[kind]
    if not isinstance(duration, str) or duration not in choices:
        raise InvalidExclusion(fields={"duration": [f"Choose one of {', '.join(choices)}."]})
    if confirm is not True:
        raise InvalidExclusion(fields={"confirm": ["Confirm with true."]})
    delta = choices[duration]
    until = None if delta is None else at + delta
    with transaction.atomic():
        row = _settings_locked(player)
        if row.excluded(at):
            shorter = row.exclusion_until is None or (
                until is not None and until <= row.exclusion_until
            )
            weaker = (
                row.exclusion_kind == ExclusionKind.SELF_EXCLUSION
                and kind == ExclusionKind.COOL_OFF
            )
            if shorter or weaker:
                raise ExclusionActive()
        row.exclusion_kind = kind
        row.exclusion_started_at = at
        row.exclusion_until = until
        row.save(update_fields=["exclusion_kind", "exclusion_started_at", "exclusion_until"])
    return row


def excluded_player_ids():
    """A subquery of players in a cool-off or self-exclusion now (notification filters)."""
    now = timezone.now()
    return (
        PlaySettings.objects.exclude(exclusion_kind="")
        .filter(Q(exclusion_until__isnull=True) | Q(exclusion_until__gt=now))
        .values("player_id")
    )


def player_excluded(*, player) -> bool:
    return excluded_player_ids().filter(player_id=player.pk).exists()
