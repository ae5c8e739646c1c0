"""The Celery application: autodiscovers ``tasks.py`` in every installed app.

Schedules live in django-celery-beat's tables (editable in admin); each app
creates its default schedule rows in a data migration.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
    worker_ready,
)

from casino_club.kit import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")

app = Celery("casino_club")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A request's id travels with the tasks it sends and is on the worker's log
# lines while they run (casino_club/kit/request_id.py).
before_task_publish.connect(request_id.add_request_id_to_task, weak=False)
task_prerun.connect(request_id.task_started, weak=False)
task_postrun.connect(request_id.task_finished, weak=False)


@worker_init.connect
@worker_process_init.connect
def _worker_holds_no_sockets(**kwargs) -> None:
    # With the in-process channel layer (embedded default) a push from a task
    # would reach no socket: relay it through the database to the web process.
    # worker_init runs in the worker's main process (solo and threads pools run
    # tasks there); worker_process_init in each prefork child.
    from accounts.live import relay_pushes_from_this_process

    relay_pushes_from_this_process()


@worker_ready.connect
def _heartbeat_at_start(**kwargs) -> None:
    # /readyz answers 503 until a heartbeat is on record, and beat's first one
    # may be a minute away: a starting worker queues one at once. Through the
    # broker, like beat's, so readiness still means "a worker consumes the
    # queue" (on a fresh site, ready within seconds of the worker starting).
    app.send_task("accounts.heartbeat")
