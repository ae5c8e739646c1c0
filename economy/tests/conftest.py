"""The economy tests create players by the dozen: cheap password hashing.

The shared fixtures (``fund``, ``no_signup_grant``, forgetting cached rows)
are in tests/support/fixtures.py; ``ledger_snapshot`` is in tests/support/ledger.py.
"""

from __future__ import annotations

from tests.support.speed import _fast_passwords  # noqa: F401 (autouse here)
