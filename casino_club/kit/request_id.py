"""A request id on every log line of a request, and of the tasks it sends.

``RequestIdMiddleware`` takes the ``X-Request-ID`` header when it looks like
an id (nginx sets one per request: deploy/nginx/casino.conf), otherwise makes
one, and returns it in the response's ``X-Request-ID``. While the request
runs, :data:`REQUEST_ID` holds it; :class:`RequestIdFilter` puts it on every
log record as ``request_id``. Celery tasks published meanwhile carry it in
a message header (``request_id``) and the worker sets it again while the
task runs (the signal handlers are connected in casino_club/celery.py), so a
spin's log lines and those of the pipeline task it caused share one id.

:class:`JsonFormatter` writes one JSON object per line (``LOG_FORMAT=json``).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# What a client or proxy may send: ids from nginx ($request_id, 32 hex), load
# balancers (AWS's "Root=1-..."), UUIDs. Anything else is replaced, so a log
# line cannot be forged or bloated through the header.
ACCEPTED = re.compile(r"[A-Za-z0-9._:=+-]{8,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(raw: str | None) -> str:
    """``raw`` when it looks like a request id, else a new one."""
    if raw and ACCEPTED.fullmatch(raw):
        return raw
    return new_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so redirects and errors carry the id too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request or task).

    Django logs a request's 4xx/5xx line after the middleware returned;
    that record carries the request, whose id is used then.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        if request_id is None:
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id or "-"
        return True


# LogRecord's own attributes; anything else on a record came from ``extra=``.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name, value in vars(record).items():
            if name not in _RECORD_FIELDS and name != "request" and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# --- Celery: connected in casino_club/celery.py --------------------------------


def add_request_id_to_task(headers: dict | None = None, **kwargs) -> None:
    """``before_task_publish``: the current request's id goes with the task."""
    request_id = REQUEST_ID.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def task_started(task=None, **kwargs) -> None:
    """``task_prerun``: the id the task was sent with, or a new one for this run."""
    sent = getattr(getattr(task, "request", None), TASK_HEADER, None)
    request_id = sent if isinstance(sent, str) and ACCEPTED.fullmatch(sent) else new_request_id()
    task.request._request_id_token = REQUEST_ID.set(request_id)


def task_finished(task=None, **kwargs) -> None:
    """``task_postrun``: the id ends with the task (Celery logged its outcome already)."""
    token = getattr(getattr(task, "request", None), "_request_id_token", None)
    if token is not None:
        try:
            REQUEST_ID.reset(token)
        except ValueError:  # set in another context (eager tasks nested in a request)
            REQUEST_ID.set(None)


def logging_config(log_format: str, level: str) -> dict:
    """Django's ``LOGGING``: one console handler, ``plain`` or ``json`` lines, each
    with the request id (``RequestIdFilter``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "casino_club.kit.request_id.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "casino_club.kit.request_id.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
