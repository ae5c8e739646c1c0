"""The embedded default (no Redis) with the processes of ``make run``: a push
made by a task in the real Celery worker reaches a real socket held by the
real daphne process, through the LivePush relay (accounts/live.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from websockets.sync.client import connect

from accounts.models import LivePush, NotificationKind
from accounts.notifications import notification_send
from tests.support.servers import ROOT, Daphne

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]

SEND_DELIVERY = (
    "import django; django.setup(); "
    "from accounts.tasks import deliver_notifications; deliver_notifications.delay()"
)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def receive_until(socket, wanted, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(socket.recv(timeout=left))
        except TimeoutError:
            break
        if wanted(message):
            return message
        seen.append(message)
    raise AssertionError(f"no matching message within {seconds} s; got {seen}")


@pytest.fixture(params=["threads", "prefork"])
def embedded_site(request, tmp_path):
    """daphne and a Celery worker as the Procfile starts them, no Redis, one
    var folder (so one filesystem broker) for both and for the task sender.
    The Procfile's threads pool, and Celery's default prefork pool."""
    web = Daphne(redis_url=None, var_dir=tmp_path, name="web")
    worker_log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed below
    env = dict(web.env)
    worker = None
    try:
        web.start()
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "casino_club", "worker"),
                *("--loglevel=INFO", f"--pool={request.param}", "--concurrency=2"),
                *("--without-gossip", "--without-mingle"),
            ],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_path = tmp_path / "worker.log"
        deadline = time.monotonic() + 60
        while b" ready." not in log_path.read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield web, env, log_path
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
        worker_log.close()
        web.stop()


def test_a_push_from_the_worker_reaches_an_open_page(embedded_site, player):
    web, env, worker_log = embedded_site
    # A scheduled notification: the worker's delivery job pushes it to Alice.
    note = notification_send(
        player=player,
        kind=NotificationKind.MODERATOR_MESSAGE,
        title="From the worker",
        deliver_at=timezone.now() + timedelta(seconds=1),
    )

    with connect(
        f"ws://127.0.0.1:{web.port}/ws/live/",
        origin=web.origin,
        additional_headers={"Cookie": session_cookie(player)},
        open_timeout=10,
    ) as page:
        assert json.loads(page.recv(timeout=10)) == {"type": "hello", "player": player.pk}
        time.sleep(1.1)
        subprocess.run(
            [sys.executable, "-c", SEND_DELIVERY], cwd=ROOT, env=env, check=True, timeout=60
        )

        # The broker's polling (about 1 s) plus the relay's (0.5 s), with room.
        try:
            pushed = receive_until(page, lambda m: m["type"] == "notification", seconds=5)
        except AssertionError as error:
            raise AssertionError(
                f"{error}\nworker log:\n{worker_log.read_text()[-3000:]}"
                f"\nweb log:\n{web.output()[-3000:]}"
            ) from None

    assert (pushed["id"], pushed["title"]) == (note.pk, "From the worker")
    note.refresh_from_db()
    assert note.delivered_at is not None
    # Sent on and deleted by the web process: the delete follows the send, so
    # on a loaded machine it may land a moment after the page has the push.
    deadline = time.monotonic() + 10
    while LivePush.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not LivePush.objects.exists(), list(LivePush.objects.values())
