"""Liveness and readiness probes.

``/healthz`` only says the process answers. ``/readyz`` checks what a request
needs: the database, Redis when configured, a Celery worker that ran its
heartbeat recently, and the last ledger reconciliation; any failure answers
503 so a load balancer stops sending traffic.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import HEARTBEAT, heartbeat_is_fresh, job_status_get
from casino_club.kit.readiness import READINESS_CHECKS


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}


def check_redis() -> dict | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}


def check_worker() -> dict:
    try:
        status = job_status_get(name=HEARTBEAT)
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {
        "ok": heartbeat_is_fresh(status),
        "last_heartbeat": status.last_run_at.isoformat() if status else None,
    }


@never_cache
@require_GET
def readyz(request):
    checks = {"database": check_database()}
    redis_check = check_redis()
    if redis_check is not None:
        checks["redis"] = redis_check
    if checks["database"]["ok"]:
        checks["celery"] = check_worker()
        for check in READINESS_CHECKS:
            name, result = check()
            checks[name] = result
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
