"""Checks every ledger writer applies to its input before anything is written."""

from __future__ import annotations

import re

from casino_club.kit.validation import is_whole_number
from economy.errors import InvalidAmount, InvalidIdempotencyKey, UnknownKind
from economy.models import LedgerKind

MAX_AMOUNT = 10**15  # far above any real figure, far below BIGINT's limit
# Visible ASCII, no spaces (a space at either end would not survive an HTTP header).
CLIENT_KEY_PATTERN = re.compile(r"[!-~]{1,64}")


def amount_check(amount: object, *, field: str = "amount", allow_zero: bool = False) -> int:
    if not is_whole_number(amount):
        raise InvalidAmount(
            "The amount must be a whole number of coins.", fields={field: "must be an integer"}
        )
    low = 0 if allow_zero else 1
    if not low <= amount <= MAX_AMOUNT:
        raise InvalidAmount(
            f"The amount must be between {low} and {MAX_AMOUNT}.",
            fields={field: f"must be between {low} and {MAX_AMOUNT}"},
        )
    return amount


def kind_check(kind: object) -> str:
    if kind not in LedgerKind.values:
        raise UnknownKind(f"Unknown ledger kind {kind!r}.", fields={"kind": "unknown kind"})
    return str(kind)


def idempotency_key_check(key: str | None) -> str | None:
    """A client's Idempotency-Key: None, or 1 to 64 visible ASCII characters."""
    if key is None:
        return None
    if not isinstance(key, str) or not CLIENT_KEY_PATTERN.fullmatch(key):
        raise InvalidIdempotencyKey(
            fields={"Idempotency-Key": "1 to 64 visible ASCII characters, no spaces"}
        )
    return key
