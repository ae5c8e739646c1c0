"""An example consumer of the ``user_actions`` stream, for integrators.

It joins a consumer group (creating it and the stream if needed), first
re-reads what this consumer was handed before and never acknowledged (a
crash between printing and XACK), then reads new messages, prints one JSON
line per action on stdout and acknowledges each message after printing it.
The relay publishes at least once (``accounts/stream.py``), so it skips an
action id it has already printed in this run; a real consumer dedupes on
the id where it stores its effects (a unique key). See docs/operations.md,
"The user_actions stream".

    manage.py consume_user_actions --group analytics
    manage.py consume_user_actions --group analytics --start '$' --count 100
"""

from __future__ import annotations

import json
import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.stream import action_from_fields


class Command(BaseCommand):
    help = "Read the user_actions stream in a consumer group and print one JSON line per action."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--group", required=True, help="the consumer group's name")
        parser.add_argument(
            "--consumer",
            default=f"{socket.gethostname()}-{os.getpid()}",
            help="this consumer's name within the group (default: host-pid)",
        )
        parser.add_argument(
            "--count", type=int, default=None, help="exit after printing this many actions"
        )
        parser.add_argument(
            "--start",
            choices=["0", "$"],
            default="0",
            help="where a new group starts: 0 = everything the stream still holds (default),"
            " $ = only actions published from now on",
        )
        parser.add_argument(
            "--block", type=int, default=5000, help="how long one read waits, in milliseconds"
        )
        parser.add_argument(
            "--exit-when-idle", action="store_true", help="exit when a read finds nothing"
        )
        parser.add_argument("--stream", default=None, help="default: USER_ACTIONS_STREAM")

    def handle(self, *args, **options) -> None:
        if not settings.REDIS_URL:
            raise CommandError("REDIS_URL is not set: there is no user_actions stream.")
        import redis

        self.client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        self.key = options["stream"] or settings.USER_ACTIONS_STREAM
        self.group, self.consumer = options["group"], options["consumer"]
        self.limit = options["count"]
        self.printed: set[int] = set()
        self._group_create(options["start"])

        # Our own pending messages first (id 0), then new ones (">").
        cursor = "0"
        while self.limit is None or len(self.printed) < self.limit:
            block = None if cursor == "0" else options["block"]
            reply = self.client.xreadgroup(
                self.group, self.consumer, {self.key: cursor}, count=100, block=block
            )
            messages = reply[0][1] if reply else []
            if not messages:
                if cursor == "0":
                    cursor = ">"
                    continue
                if options["exit_when_idle"]:
                    break
                continue
            self._handle(messages)

    def _group_create(self, start: str) -> None:
        import redis

        try:
            self.client.xgroup_create(self.key, self.group, id=start, mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):  # it exists: carry on where it is
                raise

    def _handle(self, messages: list) -> None:
        for message_id, fields in messages:
            if self.limit is not None and len(self.printed) >= self.limit:
                return  # left pending: the next run's first read hands it out again
            if fields:  # a pending entry trimmed away (MAXLEN) comes back empty
                action = action_from_fields(fields)
                if action["id"] not in self.printed:
                    self.printed.add(action["id"])
                    line = json.dumps({**action, "stream_id": message_id}, sort_keys=True)
                    self.stdout.write(line)
                    self.stdout.flush()
            self.client.xack(self.key, self.group, message_id)
