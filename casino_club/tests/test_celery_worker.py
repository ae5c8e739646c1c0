"""A real Celery worker process consumes a task and writes to the database,
on the embedded filesystem broker and on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import JobStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(settings.BASE_DIR)
SEND_HEARTBEAT = (
    "import django; django.setup(); from accounts.tasks import heartbeat; heartbeat.delay()"
)


def start_worker(env: dict) -> subprocess.Popen:
    """A real Celery worker of the site (solo pool, no gossip), output captured."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "casino_club",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_worker_runs_the_heartbeat(broker, tmp_path):
    if broker == "redis" and not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    env = {**os.environ, "DATABASE_URL": database_url(), "CASINO_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    if broker == "redis":
        # A database number of its own so stale messages from other runs can't interfere.
        env["REDIS_URL"] = settings.REDIS_URL.rsplit("/", 1)[0] + "/5"
    worker = start_worker(env)
    try:
        subprocess.run(
            [
                sys.executable,
                "-c",
                SEND_HEARTBEAT,
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "casino_club.settings"},
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if JobStatus.objects.filter(name="heartbeat").exists():
                break
            time.sleep(0.3)
        assert JobStatus.objects.filter(name="heartbeat", ok=True).exists(), "worker never ran it"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_worker_delivers_a_scheduled_notification_at_its_time(tmp_path, make_player):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Notification, NotificationKind
    from accounts.notifications import notification_send

    player = make_player("Scheduled")
    note = notification_send(
        player=player,
        kind=NotificationKind.MODERATOR_MESSAGE,
        title="See you soon",
        deliver_at=timezone.now() + timedelta(seconds=2),
    )
    assert note.delivered_at is None
    env = {**os.environ, "DATABASE_URL": database_url(), "CASINO_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    # The worker runs beat too, so the delivery schedule fires on its own. A
    # short interval keeps the test quick (production runs it every 30 s).
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.update_or_create(
        name="Deliver scheduled notifications",
        defaults={"task": "accounts.deliver_notifications", "interval": every_2s},
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "casino_club",
            "worker",
            "--beat",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if Notification.objects.filter(pk=note.pk, delivered_at__isnull=False).exists():
                break
            time.sleep(0.5)
        delivered = Notification.objects.get(pk=note.pk).delivered_at
        assert delivered is not None, "the scheduled notification was never delivered"
        assert delivered >= note.deliver_at
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_a_starting_worker_makes_a_fresh_site_ready_within_seconds(client, settings, tmp_path):
    """No task is sent and beat does not run: the worker's start queues the heartbeat."""
    settings.REDIS_URL = None  # the probe's Redis check is not what this is about
    assert client.get("/readyz").status_code == 503
    env = {**os.environ, "DATABASE_URL": database_url(), "CASINO_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    started = time.monotonic()
    worker = start_worker(env)
    try:
        deadline = started + 45
        while time.monotonic() < deadline:
            if JobStatus.objects.filter(name="heartbeat").exists():
                break
            time.sleep(0.3)
        response = client.get("/readyz")
        assert response.status_code == 200, response.json()
        assert response.json()["checks"]["celery"]["ok"] is True
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
