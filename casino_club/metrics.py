"""``GET /metrics``: Prometheus text for the operator, behind a bearer token.

Every value is read from the database when Prometheus scrapes, not counted
in the process that answers: HTTP is served by several gunicorn workers
(and machines), rounds are played in all of them, the pipeline runs in the
Celery workers, so a per-process counter would show one worker's share.
Each read is one index lookup or one small table:

- ``casino_rounds_total``: the highest round id, i.e. the rounds played
  since the database was made (ids come from one sequence; a round whose
  transaction rolled back leaves a gap, so it may run a little ahead).
  ``rate(casino_rounds_total[5m])`` is the spin rate.
- ``casino_subscriber_waiting_actions`` / ``casino_subscriber_handled_total``
  per action-pipeline subscriber (``accounts.actions.subscriber_lag``; the
  waiting count is a count of the backlog, cheap while the backlog is small).
- ``casino_ledger_reconcile_ok`` and ``..._last_run_timestamp_seconds``
  from the last reconciliation (``reconcile_ledger``, nightly from beat);
  absent before the first run.
- ``casino_worker_heartbeat_age_seconds``: how old the Celery heartbeat is.

``METRICS_TOKEN`` unset: 404, as if there were no such page. Without the
``Authorization: Bearer`` header: 401; with another token: 403.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from accounts.actions import subscriber_lag
from accounts.selectors import HEARTBEAT, job_status_get
from economy.services.reconcile import JOB_NAME as RECONCILE_JOB
from games.models import GameRound


class CasinoCollector:
    """The site's state as Prometheus metrics, read at each scrape."""

    def collect(self):
        rounds = GameRound.objects.aggregate(last=Max("id"))["last"] or 0
        yield CounterMetricFamily(
            "casino_rounds", "Rounds played (the highest round id).", value=rounds
        )

        waiting = GaugeMetricFamily(
            "casino_subscriber_waiting_actions",
            "Actions of a pipeline subscriber's types it has not handled yet.",
            labels=["subscriber"],
        )
        handled = CounterMetricFamily(
            "casino_subscriber_handled",
            "Actions a pipeline subscriber has handled.",
            labels=["subscriber"],
        )
        for name, lag in subscriber_lag().items():
            waiting.add_metric([name], lag["waiting"])
            handled.add_metric([name], lag["handled"])
        yield waiting
        yield handled

        reconcile = job_status_get(name=RECONCILE_JOB)
        if reconcile is not None:
            yield GaugeMetricFamily(
                "casino_ledger_reconcile_ok",
                "1 when the last ledger reconciliation found no problem, else 0.",
                value=1 if reconcile.ok else 0,
            )
            yield GaugeMetricFamily(
                "casino_ledger_reconcile_last_run_timestamp_seconds",
                "When the last ledger reconciliation ran (Unix time).",
                value=reconcile.last_run_at.timestamp(),
            )

        heartbeat = job_status_get(name=HEARTBEAT)
        if heartbeat is not None:
            yield GaugeMetricFamily(
                "casino_worker_heartbeat_age_seconds",
                "Seconds since a Celery worker last ran the heartbeat task.",
                value=(timezone.now() - heartbeat.last_run_at).total_seconds(),
            )


def _presented_token(request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@never_cache
@require_GET
def metrics(request):
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    presented = _presented_token(request)
    if presented is None:
        response = HttpResponse("Bearer token required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not secrets.compare_digest(presented.encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CasinoCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
