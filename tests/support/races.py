"""Races on the real database: many threads at once, or one exact interleaving.

``run_threads`` releases ``count`` threads together (a barrier) and returns
what each returned or raised: the test counts outcomes. It shows that a
race is survived when it happens, but whether it happened is up to the
scheduler.

``run_before`` / ``run_after`` make one interleaving certain (in the style
of Saleor's ``tests/race_condition.py``): they patch a function by its
dotted path so that a callback runs right before (or after) its first call.
The callback typically starts a competing write in another thread, on its
own database connection (``Competitor``), and waits until that write has
either finished or is blocked by a lock the first caller holds. Only
PostgreSQL has real row locks and concurrent connections; tests that use
these helpers are marked ``postgres`` and ``django_db(transaction=True)``
(the other thread must see committed rows).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pkgutil import resolve_name
from typing import Any
from unittest import mock

from django.db import close_old_connections, connection


def run_threads(count: int, work: Callable[[int], Any], *, timeout: float = 120) -> list:
    """Run ``work(index)`` in ``count`` threads released at the same moment.

    Returns one item per thread, in index order: what ``work`` returned, or
    the exception it raised (never swallowed: the test looks at it). Each
    thread closes its own database connection; a thread still running after
    ``timeout`` seconds fails the test (a deadlock or a hang).
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except BaseException as error:  # reported to the test, not swallowed
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    close_old_connections()
    return results


def outcome(result) -> str:
    """The class name of one thread's result (``"SoldOut"``, ``"PurchaseResult"``), to count."""
    return type(result).__name__


def errors_of(results: list) -> list[BaseException]:
    """The exceptions among ``run_threads``' results."""
    return [result for result in results if isinstance(result, BaseException)]


@contextmanager
def _around(target: str, *, before=None, after=None) -> Iterator[mock.MagicMock]:
    original = resolve_name(target)
    fired = threading.Lock()
    state = {"fired": False}

    def first_call() -> bool:
        with fired:
            first, state["fired"] = not state["fired"], True
            return first

    def wrapper(*args, **kwargs):
        # Only the first call is bracketed: the competitor's own call of the
        # same function (in its thread) goes straight to the real one.
        first = first_call()
        if first and before is not None:
            before()
        result = original(*args, **kwargs)
        if first and after is not None:
            after()
        return result

    with mock.patch(target, side_effect=wrapper) as patched:
        yield patched
    assert state["fired"], f"{target} was never called: the race did not happen"


@contextmanager
def run_before(target: str, callback: Callable[[], Any]) -> Iterator[mock.MagicMock]:
    """Run ``callback()`` right before the first call of ``target``.

    ``target`` is the dotted path the code under test looks the function up
    by (``economy.shop.services.item_is_available``, not the module it was
    defined in). Leaving the block fails the test if ``target`` was never
    called: a race that did not happen proves nothing.
    """
    with _around(target, before=callback) as patched:
        yield patched


@contextmanager
def run_after(target: str, callback: Callable[[], Any]) -> Iterator[mock.MagicMock]:
    """Run ``callback()`` right after the first call of ``target`` returned."""
    with _around(target, after=callback) as patched:
        yield patched


class Competitor:
    """``work()`` in another thread, on its own database connection.

    ``start()`` returns once the work has finished or is waiting for a
    database lock held by someone else (by the caller's open transaction,
    typically); ``waited`` tells which. ``result()`` waits for the end and returns what ``work``
    returned or the exception it raised. PostgreSQL only.
    """

    def __init__(self, work: Callable[[], Any]) -> None:
        self._work = work
        self._pid: int | None = None
        self._connected = threading.Event()
        self._outcome: Any = None
        self.waited = False  # whether start() returned with the work waiting for a lock
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._pid = cursor.fetchone()[0]
            self._connected.set()
            self._outcome = self._work()
        except BaseException as error:  # reported to the test, not swallowed
            self._outcome = error
        finally:
            self._connected.set()
            connection.close()

    def start(self, *, timeout: float = 10) -> Competitor:
        assert connection.vendor == "postgresql", "Competitor needs PostgreSQL's locks"
        self._thread.start()
        assert self._connected.wait(timeout), "the competitor never connected"
        deadline = time.monotonic() + timeout
        while self._thread.is_alive() and not self.blocked():
            assert time.monotonic() < deadline, "the competitor neither finished nor blocked"
            time.sleep(0.01)
        self.waited = self._thread.is_alive()
        return self

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def blocked(self) -> bool:
        """Whether the competitor's connection waits for a lock another session holds."""
        if self._pid is None:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [self._pid])
            return bool(cursor.fetchone()[0])

    def result(self, *, timeout: float = 30) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the competitor hung (deadlock?)"
        return self._outcome
