"""Sinks for the stream's tests, named by ``USER_ACTIONS_SINK`` in a subprocess."""

from __future__ import annotations

import os
import signal

from accounts.stream import RedisStreamSink


class KillMidBatch(RedisStreamSink):
    """Publishes normally, except batch number ``STREAM_TEST_KILL_BATCH`` (from 1):
    of that one it publishes the first half, then the process SIGKILLs itself,
    before the batch's transaction commits its mark."""

    def __init__(self) -> None:
        super().__init__()
        self.kill_at = int(os.environ["STREAM_TEST_KILL_BATCH"])
        self.batches = 0

    def publish(self, actions) -> None:
        self.batches += 1
        if self.batches < self.kill_at:
            super().publish(actions)
            return
        super().publish(actions[: len(actions) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
