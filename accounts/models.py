from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.db import CurrentTransactionId

nickname_validator = RegexValidator(
    r"^[\w-]{2,24}\Z",
    _("2 to 24 letters, digits, hyphens or underscores."),
    code="invalid_nickname",
)


def validate_time_zone(value: str) -> None:
    # Checked against the zone database at run time rather than stored as
    # field choices: the zone list differs between machines and would make
    # migrations drift.
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."), code="invalid_time_zone")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


# The site's languages (settings.LANGUAGES), each in its own script so a
# player finds theirs whatever the page's language is.
PLAYER_LANGUAGES = [("en", "English"), ("ko", "한국어")]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A player (or a moderator: ``is_staff`` plus the Moderators group).

    Login is by email; the nickname is what other players see and is unique
    regardless of case so "Alice" and "alice" cannot impersonate each other.
    """

    email = models.EmailField(_("email address"), unique=True)
    nickname = models.CharField(_("nickname"), max_length=24, validators=[nickname_validator])
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    show_on_leaderboards = models.BooleanField(
        _("show my nickname on leaderboards"),
        default=True,
        help_text=_('When off, you still rank, but as "Anonymous".'),
    )
    # Empty until the player (or the signup page) chooses: pages then follow
    # the language cookie or Accept-Language, workers use LANGUAGE_CODE.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=PLAYER_LANGUAGES,
        blank=True,
        default="",
        help_text=_("Pages, notifications and emails use it; empty follows the browser."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["nickname"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("nickname"), name="user_nickname_unique_ci"),
            # The age gate in the database: an active player always has a
            # nickname and a date of birth, whichever interface created them
            # (accounts.services.player_register checks the age itself). Staff
            # made with createsuperuser are exempt; so are deactivated rows,
            # which is where migration 0007 parks players who joined before
            # the gate (they cannot sign in until a moderator completes them).
            models.CheckConstraint(
                condition=(
                    models.Q(is_staff=True)
                    | models.Q(is_active=False)
                    | (models.Q(date_of_birth__isnull=False) & ~models.Q(nickname=""))
                ),
                name="user_player_has_nickname_and_birth_date",
                violation_error_message=_("A player needs a nickname and a date of birth."),
            ),
        ]

    def __str__(self) -> str:
        return self.nickname or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def preferred_language(self) -> str:
        """What to write to this player in when no request says (workers, emails)."""
        return self.language or settings.LANGUAGE_CODE

    def local_date(self, at=None):
        """The calendar date in the player's own time zone (daily bonus, missions)."""
        return timezone.localtime(at or timezone.now(), self.zone).date()


class JobStatus(models.Model):
    """The last run of a scheduled job (heartbeat, reconciliation).

    Stored in the database, not the cache: the local-memory cache of the
    embedded default is per process, and /readyz runs in another process
    than the Celery worker.
    """

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()
    ok = models.BooleanField(default=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "job statuses"

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class Action(models.Model):
    """One thing a player did (the original design's ``user_actions``).

    Services write these in the same transaction as the change they describe;
    after commit the dispatcher hands each to its subscribers (progression,
    leaderboards, counters, live pushes).
    """

    player = models.ForeignKey(User, on_delete=models.CASCADE, related_name="actions")
    type = models.CharField(max_length=40, db_index=True)
    value = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The id of the transaction that wrote the row, set by the database
    # (accounts.actions reads the log in (txid, id) order; see its docstring).
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["player", "type", "created_at"]),
            models.Index(fields=["txid", "id"], name="action_log_order"),
        ]

    def __str__(self) -> str:
        return f"{self.type} by {self.player_id} ({self.value})"


class ActionDaily(models.Model):
    """What the action log said about one day and type, kept after the rows are pruned.

    Written by ``accounts.retention.actions_prune`` for each day it removes
    (site time zone), from the whole day at once: ``count`` actions,
    ``players`` distinct players, ``value_sum`` the sum of their values.
    """

    day = models.DateField()
    type = models.CharField(max_length=40)
    count = models.BigIntegerField()
    players = models.BigIntegerField()
    value_sum = models.BigIntegerField()

    class Meta:
        verbose_name = "daily action total"
        verbose_name_plural = "daily action totals"
        ordering = ["-day", "type"]
        constraints = [models.UniqueConstraint(fields=["day", "type"], name="action_daily_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.type}: {self.count}"


class SubscriberMark(models.Model):
    """How far one subscriber has read the action log (its high-water mark).

    A position is (``txid``, ``action_id``): actions are read in that order,
    and a subscriber has handled every action at or before its mark. The mark
    moves in the same transaction as the subscriber's effects, so a crashed
    batch leaves it where it was and the batch is re-run whole: exactly once
    per action, with one row per subscriber instead of one per delivery.
    """

    name = models.CharField(max_length=80, primary_key=True)
    txid = models.BigIntegerField(default=0)
    action_id = models.BigIntegerField(default=0)
    handled = models.BigIntegerField(default=0, help_text="Actions handled since it was created.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at ({self.txid}, {self.action_id})"


class LivePush(models.Model):
    """A live push waiting for the web process (embedded default only).

    The in-process channel layer reaches only the sockets of the process that
    sends; a push from the Celery worker is written here instead and the web
    process sends it on and deletes it (``accounts.live``, docs/live.md).
    """

    group = models.CharField(max_length=100)
    event = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.event.get('type')} to {self.group}"


class NotificationKind(models.TextChoices):
    LEVEL_UP = "LEVEL_UP", _("Level up")
    TIER_UP = "TIER_UP", _("VIP tier up")
    MISSION_COMPLETED = "MISSION_COMPLETED", _("Mission completed")
    INVITE_REWARD = "INVITE_REWARD", _("Invite reward")
    EVENT_STARTED = "EVENT_STARTED", _("Event started")
    PASS_TIER_CLAIMABLE = "PASS_TIER_CLAIMABLE", _("Season pass tier ready")
    INACTIVITY_REMINDER = "INACTIVITY_REMINDER", _("We miss you")
    MODERATOR_MESSAGE = "MODERATOR_MESSAGE", _("Message from the moderators")


# Kinds a player cannot switch off: moderators must be able to reach everyone.
ALWAYS_DELIVERED = {NotificationKind.MODERATOR_MESSAGE}

# Re-engagement and marketing: sent only to players who said yes
# (``NotificationPreference.marketing_opt_in``, off by default). Everything
# else is a service notification about the player's own play (rewards earned,
# levels, missions, invites, the pass) and stays on unless muted.
OPT_IN_KINDS = {NotificationKind.INACTIVITY_REMINDER, NotificationKind.EVENT_STARTED}


class Notification(models.Model):
    """One in-app notification (the original design's ``notifications``).

    ``deliver_at`` in the future means scheduled: the row exists but the
    player sees it only once a Celery job has delivered it.
    """

    player = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deliver_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-deliver_at", "-id"]
        indexes = [
            models.Index(fields=["player", "delivered_at"]),
            models.Index(fields=["delivered_at", "deliver_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "player"],
                condition=models.Q(broadcast__isnull=False),
                name="notification_once_per_broadcast",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.player_id}: {self.title}"


class NotificationPreference(models.Model):
    """What a player wants to hear about, by which channel, and when not."""

    player = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField(default=list, blank=True)
    email_enabled = models.BooleanField(default=False)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    marketing_opt_in = models.BooleanField(
        _("reminders and news"),
        default=False,
        help_text=_("Reminders when you have been away and news about limited-time events."),
    )
    # When the player was asked (once, after signup); the answer may change later.
    marketing_asked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.player_id}"


class Audience(models.TextChoices):
    PLAYER = "PLAYER", _("One player")
    EVERYONE = "EVERYONE", _("Everyone")
    SEGMENT = "SEGMENT", _("A group of players (segment)")


class Broadcast(models.Model):
    """A moderator's message to one player or to everyone, sent at ``send_at``."""

    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="broadcasts_written")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    player = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="broadcasts_received"
    )
    segment = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text=_("For a segment message: which players (computed nightly)."),
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=200, blank=True)
    send_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-send_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(audience="PLAYER", player__isnull=False)
                    | (~models.Q(audience="PLAYER") & models.Q(player__isnull=True))
                ),
                name="broadcast_player_matches_audience",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_audience_display()})"


class ModeratorAction(models.Model):
    """The audit log: one row per thing a moderator did to a player.

    ``action`` is a dotted name owned by whichever app performs it
    (``player.suspend``, ``player.notify``, ``coins.adjust``; a later feature
    adds its own, say ``age.reset``), so the log needs no migration per kind.
    Rows are written by ``accounts.moderation.moderator_action_record`` inside
    the same transaction as the change they describe, and are never edited.
    """

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="moderator_actions_taken"
    )
    # SET_NULL plus a label: erasing a player must not erase who did what to them.
    target = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderator_actions_received",
    )
    target_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    reason = models.TextField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("moderate_player", "Can act on players through moderator actions"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor} on {self.target_label}"


class AgeVerification(models.Model):
    """A player's age check: a self-attested date of birth, with when and from where.

    One row per player at most. The attested date must equal the date of birth
    given at signup (a wrong signup date is corrected by a moderator first).
    ``revoked_at`` set means a moderator withdrew it: mature content is hidden
    and the player cannot attest again until a moderator resets it (which
    deletes the row). Moderator changes are audited in ``ModeratorAction``.
    """

    player = models.OneToOneField(User, on_delete=models.CASCADE, related_name="age_verification")
    date_of_birth = models.DateField()
    verified_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "verified"
        return f"{self.player} {state} {self.verified_at:%Y-%m-%d}"


# Models kept in their own modules; imported here so Django registers them.
from accounts.abuse_models import AccountFingerprint  # noqa: E402, F401
from accounts.acquisition_models import AcquisitionSource, VisitDay  # noqa: E402, F401
from accounts.mood_models import MoodCheckIn, MoodSettings  # noqa: E402, F401
from accounts.responsible_models import ExclusionKind, PlayDay, PlaySettings  # noqa: E402, F401
