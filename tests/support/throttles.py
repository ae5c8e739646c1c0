"""Helpers for throttle tests: requests inside one window, and the 429 they expect."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace


def within_one_window(send, count: int) -> list:
    """``count`` requests inside one second-long window (the burst limits' window).

    The throttle's clock is held still at the middle of a second while they
    run, so however slow the machine the requests share one window; only
    time stands still (and the counters outlive a slow run: the grace), the
    counting is the real one in the real cache.
    """
    from unittest import mock

    from django.test import override_settings

    from casino_club.kit import throttles

    frozen = int(time.time()) + 0.5
    with (
        mock.patch.object(throttles, "time", SimpleNamespace(time=lambda: frozen)),
        override_settings(THROTTLE_COUNTER_GRACE_SECONDS=120),
    ):
        return [send() for _ in range(count)]


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    error = json.loads(response.content)["error"]
    assert error["code"] == "throttled"
    assert set(error) == {"code", "message", "fields"}
    assert 1 <= int(response["Retry-After"]) <= 3600
