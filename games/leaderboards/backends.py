"""Where scores live: the database always, Redis sorted sets as the fast path.

Every change is upserted into ``LeaderboardScore`` inside the caller's
transaction (the truth, used by ``rebuild_leaderboards`` and whenever Redis is
absent or failing). With ``REDIS_URL`` set, the committed rows are mirrored
into Redis after commit and reads come from Redis; any Redis error falls back
to the database.

Both backends rank the same way: score descending, then player id ascending.
Redis stores the negated score so that ``ZRANGE``/``ZRANK`` (ascending) give
that order, ties falling to the member, which is the zero-padded player id
(lexical order = numeric order).

The mirror applies a row only when its ``version`` is newer than the one it
holds, so mirrors arriving late, twice or out of order converge on the
database. A key is read from Redis only once it is complete (its ``:ready``
marker is set after loading it from the database); a missing marker (a new
day, a Redis restart, a key the mirror failed to write) means "load it first".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q

from games.leaderboards.boards import Combine, Period, ScoreChange
from games.leaderboards.models import LeaderboardScore

logger = logging.getLogger(__name__)

# Keys of finished periods linger a little (late mirrors, a last look), then expire.
TTL_SECONDS = {Period.DAILY: 2 * 86_400, Period.WEEKLY: 9 * 86_400, Period.ALLTIME: 0}
# After a Redis error, skip Redis for this long instead of paying a timeout per call.
REDIS_RETRY_AFTER = 5.0
MEMBER_WIDTH = 20


@dataclass(frozen=True)
class Entry:
    player_id: int
    score: int


@dataclass(frozen=True)
class Stored:
    """A row as the database holds it after an upsert."""

    board: str
    period: str
    period_key: str
    player_id: int
    score: int
    version: int


# --- the database ---------------------------------------------------------------

_TABLE = LeaderboardScore._meta.db_table
_UPDATE = {
    Combine.SUM: "score = {t}.score + excluded.score, version = {t}.version + 1",
    # A smaller value changes nothing (and returns no row, so nothing is mirrored).
    Combine.MAX: "score = excluded.score, version = {t}.version + 1 "
    "WHERE excluded.score > {t}.score",
    Combine.SET: "score = excluded.score, version = {t}.version + 1 "
    "WHERE excluded.score <> {t}.score",
}


def database_apply(changes: list[ScoreChange]) -> list[Stored]:
    """Upsert merged, sorted changes; returns the rows that changed.

    One ``INSERT ... ON CONFLICT DO UPDATE`` per kind of combination: the row
    lock it takes serialises concurrent changes of one score, and the
    arithmetic happens in the database so no change is lost (F() semantics).
    """
    stored: list[Stored] = []
    table = connection.ops.quote_name(_TABLE)
    for combine in Combine:
        rows = [change for change in changes if change.combine is combine]
        if not rows:
            continue
        values = ", ".join(["(%s, %s, %s, %s, %s, 1)"] * len(rows))
        sql = (
            f"INSERT INTO {table} (board, period, period_key, player_id, score, version) "  # noqa: S608
            f"VALUES {values} "
            "ON CONFLICT (board, period, period_key, player_id) DO UPDATE SET "
            + _UPDATE[combine].format(t=table)
            + " RETURNING board, period, period_key, player_id, score, version"
        )
        params = [item for change in rows for item in (*change.slot, change.value)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            stored.extend(Stored(*row) for row in cursor.fetchall())
    return stored


class DatabaseBackend:
    name = "database"

    @staticmethod
    def _rows(board: str, period: str, key: str):
        return LeaderboardScore.objects.filter(board=board, period=period, period_key=key)

    def top(self, board: str, period: str, key: str, limit: int) -> list[Entry]:
        rows = self._rows(board, period, key).order_by("-score", "player_id")[:limit]
        return [Entry(pid, score) for pid, score in rows.values_list("player_id", "score")]

    def position(self, board: str, period: str, key: str, player_id: int) -> tuple[int, int] | None:
        """``(rank, score)`` of the player (rank 1 is the top), or None when unranked."""
        rows = self._rows(board, period, key)
        score = rows.filter(player_id=player_id).values_list("score", flat=True).first()
        if score is None:
            return None
        ahead = rows.filter(Q(score__gt=score) | Q(score=score, player_id__lt=player_id)).count()
        return ahead + 1, score

    def count(self, board: str, period: str, key: str) -> int:
        return self._rows(board, period, key).count()

    def all_rows(self, board: str, period: str, key: str) -> list[Stored]:
        return [
            Stored(board, period, key, pid, score, version)
            for pid, score, version in self._rows(board, period, key).values_list(
                "player_id", "score", "version"
            )
        ]


# --- Redis ----------------------------------------------------------------------

# KEYS: zset, versions hash. ARGV: member, negated score, version, ttl seconds.
_MIRROR = """
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if tonumber(ARGV[3]) <= held then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
return 1
"""


def _member(player_id: int) -> str:
    return str(player_id).zfill(MEMBER_WIDTH)


class RedisUnavailable(Exception):
    pass


class RedisBackend:
    """Sorted sets ``<prefix>:<board>:<period>:<period_key>`` holding ``-score`` per player."""

    name = "redis"

    def __init__(self, client, prefix: str = "lb") -> None:
        self.client = client
        self.prefix = prefix
        self.database = DatabaseBackend()
        self._mirror = client.register_script(_MIRROR)

    def key(self, board: str, period: str, period_key: str) -> str:
        return f"{self.prefix}:{board}:{period}:{period_key}"

    def mirror(self, rows: Iterable[Stored]) -> None:
        """Apply database rows (newer versions only). Raises the client's errors."""
        pipe = self.client.pipeline(transaction=False)
        for row in rows:
            key = self.key(row.board, row.period, row.period_key)
            self._mirror(
                keys=[key, f"{key}:v"],
                args=[_member(row.player_id), -row.score, row.version, TTL_SECONDS[row.period]],
                client=pipe,
            )
        pipe.execute()

    def forget(self, board: str, period: str, period_key: str) -> None:
        """Make the next read reload this key from the database."""
        self.client.delete(f"{self.key(board, period, period_key)}:ready")

    def _ready(self, board: str, period: str, period_key: str) -> str:
        key = self.key(board, period, period_key)
        if not self.client.exists(f"{key}:ready"):
            rows = self.database.all_rows(board, period, period_key)
            for start in range(0, len(rows), 1000):
                self.mirror(rows[start : start + 1000])
            ttl = TTL_SECONDS[period]
            self.client.set(f"{key}:ready", "1", ex=ttl or None)
        return key

    def top(self, board: str, period: str, key: str, limit: int) -> list[Entry]:
        name = self._ready(board, period, key)
        pairs = self.client.zrange(name, 0, limit - 1, withscores=True)
        return [Entry(int(member), -int(score)) for member, score in pairs]

    def position(self, board: str, period: str, key: str, player_id: int) -> tuple[int, int] | None:
        name = self._ready(board, period, key)
        pipe = self.client.pipeline(transaction=False)
        pipe.zrank(name, _member(player_id))
        pipe.zscore(name, _member(player_id))
        rank, score = pipe.execute()
        if rank is None:
            return None
        return rank + 1, -int(score)

    def count(self, board: str, period: str, key: str) -> int:
        return self.client.zcard(self._ready(board, period, key))


# --- choosing -------------------------------------------------------------------

_client_lock = threading.Lock()
_clients: dict[str, object] = {}
_down_until = 0.0


def redis_backend() -> RedisBackend | None:
    """The Redis backend when ``REDIS_URL`` is set and Redis did not just fail; else None."""
    url = settings.REDIS_URL
    if not url or time.monotonic() < _down_until:
        return None
    import redis

    with _client_lock:
        client = _clients.get(url)
        if client is None:
            client = redis.Redis.from_url(
                url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True
            )
            _clients[url] = client
    return RedisBackend(client, prefix=getattr(settings, "LEADERBOARD_REDIS_PREFIX", "lb"))


def redis_failed(error: Exception) -> None:
    """Remember a Redis failure: the next few seconds go straight to the database."""
    global _down_until
    _down_until = time.monotonic() + REDIS_RETRY_AFTER
    logger.warning("leaderboards: Redis failed, using the database: %s", error)


def redis_recovered() -> None:
    global _down_until
    _down_until = 0.0


# Keys whose mirror this process could not write (Redis down): their markers
# are dropped at the next successful contact, so they reload from the database.
_stale: set[tuple[str, str, str]] = set()
_stale_lock = threading.Lock()


def _forget_stale(backend: RedisBackend) -> None:
    with _stale_lock:
        stale = list(_stale)
    for slot in stale:
        backend.forget(*slot)
        with _stale_lock:
            _stale.discard(slot)


def mirror(rows: list[Stored]) -> None:
    """Copy committed rows into Redis (if configured); never raises."""
    if not settings.REDIS_URL or not rows:
        return
    backend = redis_backend()
    try:
        if backend is None:
            raise RedisUnavailable("skipped after a recent failure")
        _forget_stale(backend)
        backend.mirror(rows)
    except Exception as error:
        with _stale_lock:
            _stale.update((row.board, row.period, row.period_key) for row in rows)
        if backend is not None:
            redis_failed(error)


def player_remove(player_id: int, slots: Iterable[tuple[str, str, str]]) -> None:
    """Take a player out of Redis's boards (account deletion; never raises).

    Their database rows are already gone. With Redis unreachable the member
    stays in Redis until a daily or weekly key expires or
    ``rebuild_leaderboards`` runs (logged).
    """
    slots = list(slots)
    if not settings.REDIS_URL or not slots:
        return
    backend = redis_backend()
    try:
        if backend is None:
            raise RedisUnavailable("skipped after a recent failure")
        pipe = backend.client.pipeline(transaction=False)
        for board, period, period_key in slots:
            key = backend.key(board, period, period_key)
            pipe.zrem(key, _member(player_id))
            pipe.hdel(f"{key}:v", _member(player_id))
        pipe.execute()
    except Exception as error:
        logger.warning(
            "leaderboards: player %s stays in Redis until a rebuild: %s", player_id, error
        )
        if backend is not None:
            redis_failed(error)


def read(method: str, *args):
    """Call ``method`` on Redis when it is configured and answers, else on the database."""
    backend = redis_backend()
    if backend is not None:
        try:
            _forget_stale(backend)
            return getattr(backend, method)(*args)
        except Exception as error:  # any Redis error (connection, timeout, script)
            redis_failed(error)
    return getattr(DatabaseBackend(), method)(*args)
