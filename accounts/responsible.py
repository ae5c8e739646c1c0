"""Responsible play: the wager gate, session accounting, limits, cool-off and self-exclusion.

``games`` calls ``play_round`` inside every transaction that takes a stake
(a round, a live-match escrow hold) and ``play_payout`` when a live match
pays out; both lock the player's ``PlaySettings`` row, so parallel wagers of
one player are counted one after the other and a daily limit cannot be
passed, not even by one coin. A refused wager raises a ``PlayBlocked``
(status 403) and, raised inside the caller's transaction, undoes it all.

Sessions: a session starts with the first wager after ``IDLE`` (30 minutes)
without one; time played is the sum of the gaps between wagers shorter than
that, so a tab left open does not count. Days are the player's local days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.responsible_models import ExclusionKind, PlayDay, PlaySettings
from casino_club.kit.errors import Conflict, DomainError

IDLE = timedelta(minutes=30)
RAISE_DELAY = timedelta(hours=24)
WAGER_LIMIT_MAX = 10**9
MINUTES_LIMIT_MAX = 24 * 60
REALITY_CHECK_CHOICES = (15, 30, 45, 60, 90, 120)
COOL_OFF_DURATIONS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "6w": timedelta(weeks=6),
}
SELF_EXCLUSION_DURATIONS = {
    "6m": timedelta(days=183),
    "1y": timedelta(days=365),
    "5y": timedelta(days=5 * 365),
    "permanent": None,
}


class PlayBlocked(DomainError):
    """Play is stopped now; the message is translated when raised (the active language)."""

    status = 403

    def __init__(self, message: str | None = None, **kwargs) -> None:
        super().__init__(str(message or self.default_message), **kwargs)


class CoolingOff(PlayBlocked):
    code = "cool_off"
    default_message = gettext_lazy("You are taking a break from play (cool-off).")


class SelfExcluded(PlayBlocked):
    code = "self_excluded"
    default_message = gettext_lazy("You have excluded yourself from play.")


class DailyWagerLimit(PlayBlocked):
    code = "daily_wager_limit"
    default_message = gettext_lazy(
        "You have reached your daily limit on coins wagered. Play again tomorrow."
    )


class DailyTimeLimit(PlayBlocked):
    code = "daily_time_limit"
    default_message = gettext_lazy(
        "You have reached your daily limit on time played. Play again tomorrow."
    )


class InvalidLimits(DomainError):
    code = "invalid_limits"
    status = 400
    default_message = gettext_lazy("These limits are not valid.")


class InvalidExclusion(DomainError):
    code = "invalid_exclusion"
    status = 400
    default_message = gettext_lazy("Choose a duration and confirm.")


class ExclusionActive(Conflict):
    code = "exclusion_active"
    default_message = gettext_lazy(
        "A break is already running; it can only be made longer, not shorter."
    )


# --- the gate ------------------------------------------------------------------------


class PlayBusy(Exception):
    """The player's settings row is locked by another transaction (``skip_locked`` callers)."""


def _settings_locked(player, *, skip_locked: bool = False) -> PlaySettings:
    """The player's settings row, created if missing, locked until the transaction ends.

    With ``skip_locked`` raise ``PlayBusy`` instead of waiting for another holder.
    """
    rows = PlaySettings.objects.select_for_update(skip_locked=skip_locked)
    row = rows.filter(player_id=player.pk).first()
    if row is None:
        if skip_locked and PlaySettings.objects.filter(player_id=player.pk).exists():
            raise PlayBusy()
        PlaySettings.objects.bulk_create([PlaySettings(player_id=player.pk)], ignore_conflicts=True)
        row = rows.filter(player_id=player.pk).first()
        if row is None:
            raise PlayBusy()
    return row


def _pending_apply(row: PlaySettings, at: datetime) -> list[str]:
    """Make due raised/removed limits effective; returns the changed field names."""
    changed = []
    for name in ("wager", "minutes"):
        due = getattr(row, f"{name}_pending_at")
        if getattr(row, f"{name}_pending_set") and due is not None and due <= at:
            setattr(row, f"{name}_limit", getattr(row, f"{name}_pending"))
            setattr(row, f"{name}_pending", None)
            setattr(row, f"{name}_pending_set", False)
            setattr(row, f"{name}_pending_at", None)
            changed += [
                f"{name}_limit",
                f"{name}_pending",
                f"{name}_pending_set",
                f"{name}_pending_at",
            ]
    return changed


def _exclusion_check(row: PlaySettings, at: datetime) -> None:
    if row.excluded(at):
        if row.exclusion_kind == ExclusionKind.SELF_EXCLUSION:
            raise SelfExcluded()
        raise CoolingOff()


_DAY_TABLE = PlayDay._meta.db_table
_DAY_UPSERT = (
    f"INSERT INTO {_DAY_TABLE} (player_id, day, wagered, paid_out, rounds, seconds) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (player_id, day) DO UPDATE SET "
    "wagered = {t}.wagered + excluded.wagered, paid_out = {t}.paid_out + excluded.paid_out, "
    "rounds = {t}.rounds + excluded.rounds, seconds = {t}.seconds + excluded.seconds "
    "RETURNING wagered, seconds"
).replace("{t}", _DAY_TABLE)


def _day_add(*, player, day: date, wagered: int, paid_out: int, rounds: int, seconds: int):
    with connection.cursor() as cursor:
        cursor.execute(_DAY_UPSERT, [player.pk, day, wagered, paid_out, rounds, seconds])
        return cursor.fetchone()


def play_round(
    *,
    player,
    stake: int,
    payout: int = 0,
    at: datetime | None = None,
    skip_locked: bool = False,
    savepoint: bool = True,
) -> None:
    """Check that ``player`` may wager ``stake`` now and count it (with ``payout`` if known).

    Call inside the transaction that moves the stake, before it moves:
    raises ``CoolingOff``, ``SelfExcluded``, ``DailyTimeLimit`` or
    ``DailyWagerLimit`` (the caller's transaction then rolls back, counters
    included). Holds the player's settings row lock until that transaction ends;
    with ``skip_locked`` raises ``PlayBusy`` rather than wait for it (a live
    candidate whose row another finder holds is passed over, as its match is).
    ``savepoint=False`` for a caller whose transaction a refusal ends anyway
    (``round_play``): two statements fewer per round.
    """
    at = at or timezone.now()
    if not savepoint:  # the caller lets a refusal end its whole transaction (a round does)
        _play_round(player=player, stake=stake, payout=payout, at=at, skip_locked=skip_locked)
        return
    with transaction.atomic():  # a savepoint inside the caller's: a refusal undoes the count
        _play_round(player=player, stake=stake, payout=payout, at=at, skip_locked=skip_locked)


def _play_round(*, player, stake: int, payout: int, at: datetime, skip_locked: bool) -> None:
    row = _settings_locked(player, skip_locked=skip_locked)
    changed = _pending_apply(row, at)
    _exclusion_check(row, at)
    last = row.session_last_play_at
    gap = (at - last) if last is not None else None
    new_session = gap is None or gap >= IDLE or gap < timedelta(0)
    seconds = 0 if new_session else int(gap.total_seconds())
    wagered, seconds_today = _day_add(
        player=player,
        day=player.local_date(at),
        wagered=stake,
        paid_out=payout,
        rounds=1,
        seconds=seconds,
    )
    # Raised after the counting UPDATE: the caller's rollback undoes it.
    if row.minutes_limit is not None and seconds_today >= row.minutes_limit * 60:
        raise DailyTimeLimit()
    if row.wager_limit is not None and wagered > row.wager_limit:
        raise DailyWagerLimit()
    if new_session:
        row.session_started_at = at
        row.session_seconds = 0
        row.session_net = 0
        row.session_rounds = 0
        row.reality_check_at = None
    row.session_last_play_at = at
    row.session_seconds += seconds
    row.session_net += payout - stake
    row.session_rounds += 1
    row.save(
        update_fields=[
            *changed,
            "session_started_at",
            "session_last_play_at",
            "session_seconds",
            "session_net",
            "session_rounds",
            "reality_check_at",
        ]
    )


def play_lock(*, player) -> None:
    """Take ``player``'s settings lock now (callers that will wager later in the transaction
    and lock other rows first: the lock order stays "the acting player's settings first")."""
    _settings_locked(player)


def play_payout(*, player, payout: int, at: datetime | None = None) -> None:
    """Count coins paid back later than the wager (a live match's payout or refund)."""
    at = at or timezone.now()
    row = _settings_locked(player)
    _day_add(
        player=player, day=player.local_date(at), wagered=0, paid_out=payout, rounds=0, seconds=0
    )
    if row.session_started_at is not None:
        row.session_net += payout
        row.save(update_fields=["session_net"])


def play_check(*, player, stake: int = 0, at: datetime | None = None) -> None:
    """Raise the ``PlayBlocked`` that would stop a wager of ``stake`` now, without a lock.

    A fast refusal (queueing for a live match, asking for a rematch); the
    locked check is ``play_round`` when the stake actually moves.
    """
    status = play_status(player=player, at=at)
    if status.blocked is not None:
        raise status.blocked
    limit = status.settings.wager_limit
    if limit is not None and status.today.wagered + stake > limit:
        raise DailyWagerLimit()


# --- reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlayStatus:
    settings: PlaySettings
    today: PlayDay
    blocked: PlayBlocked | None
    at: datetime

    @property
    def session_active(self) -> bool:
        last = self.settings.session_last_play_at
        return last is not None and self.at - last < IDLE

    @property
    def next_reality_check_at(self) -> datetime | None:
        if not self.session_active:
            return None
        since = self.settings.reality_check_at or self.settings.session_started_at
        return since + timedelta(minutes=self.settings.reality_check_minutes)


def play_status(*, player, at: datetime | None = None) -> PlayStatus:
    """The player's settings, today's counters and what (if anything) stops play now."""
    at = at or timezone.now()
    row = PlaySettings.objects.filter(player_id=player.pk).first() or PlaySettings(player=player)
    # In memory only: the locked writers (play_round, limits_update) save it.
    _pending_apply(row, at)
    day = player.local_date(at)
    today = PlayDay.objects.filter(player_id=player.pk, day=day).first() or PlayDay(day=day)
    blocked: PlayBlocked | None = None
    if row.excluded(at):
        is_self = row.exclusion_kind == ExclusionKind.SELF_EXCLUSION
        blocked = SelfExcluded() if is_self else CoolingOff()
    elif row.minutes_limit is not None and _seconds_now(row, today, at) >= row.minutes_limit * 60:
        blocked = DailyTimeLimit()
    elif row.wager_limit is not None and today.wagered >= row.wager_limit:
        blocked = DailyWagerLimit()
    return PlayStatus(settings=row, today=today, blocked=blocked, at=at)


def _seconds_now(row: PlaySettings, today: PlayDay, at: datetime) -> int:
    """Today's time played, counting the running gap since the last wager (as play_round will)."""
    last = row.session_last_play_at
    if last is None or not timedelta(0) <= at - last < IDLE:
        return today.seconds
    return today.seconds + int((at - last).total_seconds())


def play_blocked_message(*, player) -> str | None:
    """The banner text for a page when play is stopped now, translated; None otherwise."""
    blocked = play_status(player=player).blocked
    if blocked is None:
        return None
    return BANNER_MESSAGES[blocked.code]()


BANNER_MESSAGES = {
    "cool_off": lambda: _("You are on a cool-off break: play is paused until it ends."),
    "self_excluded": lambda: _("You have excluded yourself from play."),
    "daily_wager_limit": lambda: _(
        "You have reached your daily limit on coins wagered. You can play again tomorrow."
    ),
    "daily_time_limit": lambda: _(
        "You have reached your daily limit on time played. You can play again tomorrow."
    ),
}


def play_days(*, player, days: int = 28, at: datetime | None = None) -> list[PlayDay]:
    """The player's last ``days`` local days that had play, newest first."""
    since = player.local_date(at) - timedelta(days=days - 1)
    return list(PlayDay.objects.filter(player_id=player.pk, day__gte=since).order_by("-day"))


def play_weeks(*, player, weeks: int = 8, at: datetime | None = None) -> list[dict]:
    """Net coins, rounds and minutes per ISO week (Monday first), newest first."""
    today = player.local_date(at)
    monday = today - timedelta(days=today.weekday())
    result = []
    for index in range(weeks):
        start = monday - timedelta(weeks=index)
        totals = PlayDay.objects.filter(
            player_id=player.pk, day__gte=start, day__lt=start + timedelta(days=7)
        ).aggregate(w=Sum("wagered"), p=Sum("paid_out"), r=Sum("rounds"), s=Sum("seconds"))
        if totals["r"]:
            result.append(
                {
                    "week_start": start,
                    "rounds": totals["r"],
                    "minutes": (totals["s"] or 0) // 60,
                    "net": (totals["p"] or 0) - (totals["w"] or 0),
                }
            )
    return result


def exclusion_check(*, player, at: datetime | None = None) -> None:
    """Raise ``CoolingOff`` or ``SelfExcluded`` if one is running (moves in a formed match)."""
    row = PlaySettings.objects.filter(player_id=player.pk).first()
    if row is not None:
        _exclusion_check(row, at or timezone.now())
