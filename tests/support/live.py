"""The browser tests' site: the real ASGI application (HTTP and the /ws/
sockets) served by Daphne in a thread of the test process.

pytest-django's own ``live_server`` speaks only WSGI, so every page's
``/ws/live/`` socket failed its handshake there (a console error the browser
guard rightly reports). Served from the test process, the site shares its
settings (test hashers, relaxed limits) and its caches, which the per-test
fixtures reset; pytest-django's transactional database handling is kept.
"""

from __future__ import annotations

import threading

from django.test.utils import modify_settings

from tests.support.servers import free_port, wait_for_port

HOST = "localhost"


class ThreadedDaphne:
    """One Daphne for the session (a Twisted reactor starts once per process)."""

    def __init__(self) -> None:
        # Twisted's asyncio reactor must be installed before anything imports
        # twisted.internet.reactor: daphne.server does it on import.
        from channels.routing import get_default_application
        from daphne.server import Server
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        self.port = free_port()
        self.server = Server(
            ASGIStaticFilesHandler(get_default_application()),
            endpoints=[f"tcp:port={self.port}:interface=127.0.0.1"],
            signal_handlers=False,
            verbosity=0,
        )
        self.thread = threading.Thread(target=self.server.run, name="live-daphne", daemon=True)
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": HOST})

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __str__(self) -> str:
        return self.url

    def start(self) -> ThreadedDaphne:
        self.thread.start()
        if not wait_for_port(self.port, seconds=20):
            raise RuntimeError(f"the threaded daphne did not listen on {self.port}")
        return self

    def stop(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self.server.stop)
        self.thread.join(timeout=10)
