"""Request ids: taken or made by the middleware, returned, on every log line
(plain or JSON), and carried to the Celery task a spin sends, whose worker
logs it (Alice spins; the operator reads the logs)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from casino_club.kit.request_id import (
    REQUEST_ID,
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
)
from tests.support.ledger import give_coins
from tests.support.servers import ROOT, database_url


@pytest.mark.django_db
def test_a_good_request_id_comes_back(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-4f1c9a7e-77"})

    assert response["X-Request-ID"] == "edge-4f1c9a7e-77"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent", [None, "", "short", "has spaces in it", "x" * 129, "bad\nnewline-123", "a{b}c-12345"]
)
def test_a_missing_or_odd_request_id_is_replaced(client, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}

    response = client.get("/healthz", headers=headers)

    returned = response["X-Request-ID"]
    assert returned != sent
    assert len(returned) == 32 and int(returned, 16) >= 0


@pytest.mark.django_db
def test_redirects_carry_the_id_too(client):
    response = client.get("/profile", headers={"X-Request-ID": "redirect-0001"})

    assert response.status_code == 301
    assert response["X-Request-ID"] == "redirect-0001"


def json_logger(stream) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("casino.test.request_id")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_log_lines_inside_a_request_carry_its_id():
    stream = io.StringIO()
    logger = json_logger(stream)

    def view(request):
        logger.info("spun %s", "slots", extra={"player": 7})
        return HttpResponse()

    request = RequestFactory().get("/", headers={"X-Request-ID": "inside-request-1"})
    RequestIdMiddleware(view)(request)
    logger.info("after the request")

    inside, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "inside-request-1"
    assert inside["message"] == "spun slots"
    assert inside["player"] == 7
    assert inside["level"] == "INFO" and inside["logger"] == "casino.test.request_id"
    assert after["request_id"] == "-"
    assert REQUEST_ID.get() is None


def test_exceptions_are_one_json_line():
    stream = io.StringIO()
    logger = json_logger(stream)

    try:
        raise RuntimeError("broken")
    except RuntimeError:
        logger.exception("it failed")

    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "it failed"
    assert "RuntimeError: broken" in entry["exception"]


SPIN = """
import json, sys
import django
django.setup()
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(pk=int(sys.argv[1])))
missing = client.get("/no-such-page/", headers={"X-Request-ID": sys.argv[2] + "-404"})
spin = client.post(
    "/api/games/slots/play",
    {"bet_per_line": 1, "lines": 20},
    content_type="application/json",
    headers={"X-Request-ID": sys.argv[2]},
)
print(json.dumps({"404": missing.status_code, "status": spin.status_code,
                  "returned": spin.headers.get("X-Request-ID")}))
"""


def json_lines(text: str) -> list[dict]:
    entries = []
    for line in text.splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_spins_request_id_reaches_the_worker_in_json_logs(tmp_path, player):
    give_coins(player, 10_000)
    request_id = "spin-trace-0a1b2c3d"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casino_club.settings",
        "DATABASE_URL": database_url(),
        "CASINO_VAR_DIR": str(tmp_path),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        # The embedded broker in tmp_path, shared by sender and worker; the
        # pipeline goes to the worker as it does with Redis.
        "ACTIONS_DISPATCH": "worker",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "casino_club", "worker"),
                *("--pool=threads", "--concurrency=2", "--loglevel=INFO"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        sender = subprocess.run(
            [sys.executable, "-c", SPIN, str(player.pk), request_id],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sender.returncode == 0, sender.stderr[-3000:]
        answer = json.loads(sender.stdout.strip().splitlines()[-1])
        assert answer == {"404": 404, "status": 200, "returned": request_id}
        # The web side's own lines are JSON with the id (Django's 404 warning).
        not_found = [e for e in json_lines(sender.stderr) if e["logger"] == "django.request"]
        assert not_found and not_found[0]["request_id"] == f"{request_id}-404"

        deadline = time.monotonic() + 60
        traced = []
        while time.monotonic() < deadline and not traced:
            entries = json_lines(log_path.read_text(errors="replace"))
            traced = [
                entry
                for entry in entries
                if entry["request_id"] == request_id and "succeeded" in entry["message"]
            ]
            if worker.poll() is not None:
                break
            time.sleep(0.3)
        assert traced, log_path.read_text()[-3000:]
        assert "accounts.process_actions" in traced[0]["message"]
        assert traced[0]["logger"] == "celery.app.trace"
    finally:
        os.killpg(worker.pid, 15)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
