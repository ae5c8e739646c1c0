"""Provably fair randomness: seeds, the per-round byte stream and unbiased draws.

Everything here is specified exactly in ARCHITECTURE.md ("Provably fair
randomness") because players and third parties re-compute outcomes from a
revealed server seed. Changing any byte of this algorithm breaks every
published round, so the known-answer vectors in ``games/tests/test_fairness.py``
pin it down. Pure functions only: no Django, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Iterator
from typing import Protocol

WORD_BYTES = 4
WORD_RANGE = 2**32


class Draws(Protocol):
    """What a game's ``resolve`` needs: uniform integers in ``[0, n)``, in order.

    ``DrawStream`` is the real one; tests pass a stub with queued values.
    """

    def draw(self, n: int) -> int: ...


def generate_server_seed() -> str:
    """32 random bytes as 64 lowercase hex chars; secret until the seed is rotated."""
    return secrets.token_hex(32)


def generate_client_seed() -> str:
    """Default client seed (16 hex chars); players may replace it with their own text."""
    return secrets.token_hex(8)


def hash_server_seed(server_seed: str) -> str:
    """The public commitment to a server seed: sha256 of its ASCII text, hex."""
    return hashlib.sha256(server_seed.encode("ascii")).hexdigest()


def hmac_block(server_seed: str, client_seed: str, nonce: int, cursor: int) -> bytes:
    """One 32-byte block of a round's stream (the HMAC key is the seed's ASCII text)."""
    message = f"{client_seed}:{nonce}:{cursor}".encode()
    return hmac.new(server_seed.encode("ascii"), message, hashlib.sha256).digest()


def byte_stream(server_seed: str, client_seed: str, nonce: int) -> Iterator[bytes]:
    """Yield the round's stream block by block (cursor 0, 1, 2, ...), without end.

    Blocks rather than single bytes: the stream is only ever consumed in
    4-byte words and a 32-byte block holds exactly eight of them.
    """
    cursor = 0
    while True:
        yield hmac_block(server_seed, client_seed, nonce, cursor)
        cursor += 1


class DrawStream:
    """Unbiased integers drawn in order from one round's byte stream.

    ``draws`` keeps every value handed out (in order) so a round can store
    them next to its outcome; ``words_read`` counts the 4-byte words consumed,
    rejected ones included, which is what a verifier has to reproduce.
    """

    def __init__(self, server_seed: str, client_seed: str, nonce: int) -> None:
        self._init_from_blocks(byte_stream(server_seed, client_seed, nonce))

    @classmethod
    def from_blocks(cls, blocks: Iterable[bytes]) -> DrawStream:
        """A stream over arbitrary bytes, e.g. hand-made words in tests.

        The bytes are read as one continuous sequence whatever the block sizes.
        """
        stream = cls.__new__(cls)
        stream._init_from_blocks(iter(blocks))
        return stream

    def _init_from_blocks(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._buffer = b""
        self._position = 0
        self.draws: list[int] = []
        self.words_read = 0

    def _next_word(self) -> int:
        while len(self._buffer) - self._position < WORD_BYTES:
            # Keep the unread tail: a word may straddle two blocks of odd size.
            self._buffer = self._buffer[self._position :] + next(self._blocks)
            self._position = 0
        start = self._position
        self._position += WORD_BYTES
        self.words_read += 1
        return int.from_bytes(self._buffer[start : self._position], "big")

    def draw(self, n: int) -> int:
        """An integer in ``[0, n)``, every value exactly equally likely.

        ``u mod n`` alone would favour small values whenever ``n`` does not
        divide 2**32, so words at or above the largest multiple of ``n`` below
        2**32 are rejected and the next word is read instead.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1 or n > WORD_RANGE:
            raise ValueError(f"draw range must be an int in [1, 2**32], got {n!r}")
        limit = WORD_RANGE - (WORD_RANGE % n)
        word = self._next_word()
        while word >= limit:
            word = self._next_word()
        value = word % n
        self.draws.append(value)
        return value


def commitment(move: str, salt: str) -> str:
    """Commit-reveal hash for live matches: sha256 of ``"{move}:{salt}"``, hex.

    A player publishes this before either side reveals, so neither can change
    a move after seeing the other's.
    """
    return hashlib.sha256(f"{move}:{salt}".encode()).hexdigest()


def commitment_matches(commitment_hex: str, move: str, salt: str) -> bool:
    """Whether a reveal matches its earlier commitment (constant-time compare)."""
    return hmac.compare_digest(commitment_hex, commitment(move, salt))
