"""Idempotent API requests: a retry answers exactly what the first call answered.

Every API endpoint that takes an ``Idempotency-Key`` header wraps its handler
in :func:`idempotent` (the daily bonus and refill claims, mission and pass
claims, shop purchases, gallery unlocks, game rounds). With a key:

1. The key is checked: 1 to 64 visible ASCII characters, else 400
   ``invalid_idempotency_key``.
2. The request's fingerprint is taken: sha256 of the method, the path, the
   query parameters and the body as canonical JSON (keys sorted), so the
   same request sent again matches whatever its key order or whitespace.
3. A stored answer for (player, key) is looked up. Same fingerprint: its
   status and body are sent again, byte for byte the same JSON, with the
   header ``Idempotent-Replayed: true``. Another fingerprint (another
   endpoint, body or query): 422 ``idempotency_key_reused``. Nothing runs.
4. Otherwise the handler runs inside one transaction that also inserts its
   answer, so the request's effect and the stored answer commit together or
   not at all. Only successful (2xx) answers are stored: a refused request
   changed nothing, and its key may be sent again (say after a refill).
5. Two first attempts with one key (a client retrying before the first
   answer arrived) both find nothing in step 3. The second waits on the
   first's row locks (the wallet, the seed pair) or on the unique index of
   this table; when the first commits, the second's insert conflicts, its
   whole transaction is rolled back (nothing it did stays) and it answers as
   in step 3 from the first's row.

The services keep their own idempotency underneath (the ledger's unique
(scope, key), and the rounds', purchases' and unlocks' unique (player,
key)): that coins move at most once never depends on this layer, which only
makes the answers exact. A request without a key runs as before.

The stored body is the first answer as it was, balance included: a replay
tells the client what happened then, not the wallet now (``GET /api/wallet``
does that). The body is kept as rendered text, not jsonb, which would not
keep the order of its keys.

Cost: a request with a key pays one SELECT, the savepoints its services
open inside the outer transaction, and one INSERT in a savepoint; requests
without a key (the benchmarks' spins) pay nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from economy.errors import IdempotencyKeyReused
from economy.models import IdempotentResponse
from economy.services.checks import idempotency_key_check

REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": "^[!-~]{1,64}$"},
    OpenApiParameter.HEADER,
    required=False,
    description="1 to 64 visible ASCII characters, no spaces. A retry with the same key and "
    "the same request answers the first answer again (same status, same body) with "
    "`Idempotent-Replayed: true`; the same key with another request answers 422 "
    "`idempotency_key_reused`.",
)


def idempotency_parameters(success: int) -> list[OpenApiParameter]:
    """The schema's Idempotency-Key header and, on the ``success`` answer, Idempotent-Replayed."""
    replayed = OpenApiParameter(
        REPLAYED_HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        enum=["true"],
        response=[success],
        description="Present (`true`) when this is the stored answer to an earlier request "
        "with the same Idempotency-Key; nothing was done again.",
    )
    return [IDEMPOTENCY_HEADER, replayed]


def request_fingerprint(request) -> str:
    """sha256 hex of method, path, query and canonical body of a DRF request."""
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict: form or multipart input
        data = dict(data.lists())
    canonical = json.dumps(
        {
            "method": request.method,
            "path": request.path,
            "query": sorted(request.query_params.lists()),
            "body": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_answer(stored: IdempotentResponse, *, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            fields={"Idempotency-Key": f"already used for {stored.method} {stored.path}"}
        )
    # json.loads keeps the keys' order, so the replay renders the same bytes.
    return Response(
        json.loads(stored.body), status=stored.status, headers={REPLAYED_HEADER: "true"}
    )


class _AnsweredElsewhere(Exception):
    """A concurrent first attempt stored its answer first: undo ours, answer theirs."""


def idempotent(handler: Callable) -> Callable:
    """Wrap an APIView method so a retry with the same Idempotency-Key gets the first answer.

    The handler runs in a transaction with the insert of its answer (see the
    module docstring); the services it calls open savepoints inside it.
    """

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        raw_key = request.headers.get("Idempotency-Key")
        player = request.user
        if raw_key is None or not player.is_authenticated:
            return handler(view, request, *args, **kwargs)
        key = idempotency_key_check(raw_key)
        fingerprint = request_fingerprint(request)
        stored = IdempotentResponse.objects.filter(player=player, key=key).first()
        if stored is not None:
            return _stored_answer(stored, fingerprint=fingerprint)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    return response
                body = JSONRenderer().render(response.data).decode() or "null"
                try:
                    with transaction.atomic():
                        IdempotentResponse.objects.create(
                            player=player,
                            key=key,
                            fingerprint=fingerprint,
                            method=request.method,
                            path=request.path[:200],
                            status=response.status_code,
                            body=body,
                        )
                except IntegrityError:
                    raise _AnsweredElsewhere from None
        except _AnsweredElsewhere:
            stored = IdempotentResponse.objects.get(player=player, key=key)
            return _stored_answer(stored, fingerprint=fingerprint)
        return response

    return wrapper
