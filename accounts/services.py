"""Writes about players: registration and job bookkeeping."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.actions import action_record
from accounts.models import JobStatus, User

PLAYER_JOINED = "PLAYER_JOINED"
LOGGED_IN = "LOGGED_IN"


def player_joined(*, player: User, source: str) -> None:
    """Record that a new player exists; the economy opens their wallet from it."""
    action_record(player=player, type=PLAYER_JOINED, metadata={"source": source})


def player_logged_in(*, player: User) -> None:
    """Record a login (any interface: the page, the app API, after MFA)."""
    with transaction.atomic():
        action_record(player=player, type=LOGGED_IN)


@transaction.atomic
def player_create(
    *, email: str, password: str, nickname: str, date_of_birth=None, is_staff: bool = False
) -> User:
    """Create a player outside allauth (demo data, tests, benchmarks)."""
    user = User.objects.create_user(
        email=email,
        password=password,
        nickname=nickname,
        date_of_birth=date_of_birth,
        is_staff=is_staff,
    )
    player_joined(player=user, source="service")
    return user


def job_status_record(*, name: str, ok: bool = True, detail: dict | None = None) -> JobStatus:
    status, _ = JobStatus.objects.update_or_create(
        name=name,
        defaults={"last_run_at": timezone.now(), "ok": ok, "detail": detail or {}},
    )
    return status
