from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import JobStatus
from accounts.tasks import heartbeat


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_after_a_heartbeat(client, settings):
    settings.REDIS_URL = None
    heartbeat.apply()

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["celery"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_recent_heartbeat(client, settings):
    settings.REDIS_URL = None
    JobStatus.objects.create(
        name="heartbeat", last_run_at=timezone.now() - timedelta(minutes=10), ok=True
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["celery"]["ok"] is False


@pytest.mark.django_db
def test_readyz_reports_redis_down_while_healthz_stays_up(client, settings, private_redis):
    settings.REDIS_URL = private_redis.url
    heartbeat.apply()
    assert client.get("/readyz").status_code == 200

    private_redis.stop()

    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_heartbeat_is_scheduled_in_beat_tables():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="accounts.heartbeat")
    assert task.enabled
    assert task.interval.every == 60
