"""A round commits and answers even when the worker's broker is unreachable.

With ``ACTIONS_DISPATCH=worker`` the pipeline is queued from a robust
on_commit hook. The broker here is a Redis port nothing listens on; the hook
fails after the commit, is logged, and the request's caller still gets its
round (beat's sweep handles the action later, exactly once).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.actions import actions_process
from casino_club.celery import app
from economy.models import XpGrant, XpSource
from games.services import round_play
from tests.support.factories import FundedPlayerFactory
from tests.support.servers import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def forget_connections() -> None:
    """Drop the app's cached broker connections, so the next publish dials anew."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    changed = {
        "broker_url": f"redis://127.0.0.1:{free_port()}/0",
        "broker_connection_retry": False,
        "broker_transport_options": {"max_retries": 0},
        "task_publish_retry": False,
        "task_always_eager": False,
    }
    saved = {name: app.conf.get(name) for name in changed}
    app.conf.update(changed)
    forget_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_connections()


@override_settings(ACTIONS_DISPATCH="worker")
def test_a_round_commits_and_answers_while_the_broker_is_down(broker_down):
    player = FundedPlayerFactory()
    with transaction.atomic():
        result = round_play(player=player, slug="slots", params={"bet_per_line": 1, "lines": 20})
    # The hook failed after the commit (logged by Django); the caller has its round.
    assert result.round.pk and result.round.__class__.objects.filter(pk=result.round.pk).exists()

    assert actions_process() >= 1  # beat's sweep
    grants = XpGrant.objects.filter(player=player, source=XpSource.PLAY)
    assert grants.count() == 1
