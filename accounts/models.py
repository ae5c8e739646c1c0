from __future__ import annotations

import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        ]

    def __str__(self) -> str:
        return self.nickname or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

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

    class Meta:
        indexes = [models.Index(fields=["player", "type", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} by {self.player_id} ({self.value})"


class ActionReceipt(models.Model):
    """Proof that a subscriber has handled an action.

    Written in the same transaction as the subscriber's own effects, and
    unique per (action, subscriber), so a re-delivered action changes nothing.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="receipts")
    subscriber = models.CharField(max_length=80)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "subscriber"], name="receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} handled action {self.action_id}"
