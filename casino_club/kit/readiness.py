"""The readiness registry: apps add checks to ``/readyz`` without the probe
importing them (the ledger adds its reconciliation result).

A check is a callable returning ``(name, {"ok": bool, ...})``; the wiring's
``casino_club.health.readyz`` runs every registered check.
"""

from __future__ import annotations

from collections.abc import Callable

ReadinessCheck = Callable[[], tuple[str, dict]]

READINESS_CHECKS: list[ReadinessCheck] = []


def register_readiness_check(check: ReadinessCheck) -> ReadinessCheck:
    READINESS_CHECKS.append(check)
    return check
