"""The player profile as shown by ``GET /api/users/me`` and the profile page, in one query.

Other apps extend it by registering a contributor, so ``accounts`` never
imports them (the economy adds coins, invites, progression, the pass tier and
what the player wears, each from its sub-app's ``profile.py``). A contributor
is two functions, and :func:`profile_get` runs them all as one query:

``annotations(now) -> {name: expression}``
    Query fragments added to a single ``User.objects.filter(pk=...)``: an
    ``F()`` across a one-to-one (a ``LEFT JOIN``), or a ``Subquery`` over
    ``OuterRef("pk")`` — with ``Coalesce`` for a missing row, an aggregate
    (``Count``, ``Sum``, a JSON array) grouped inside the subquery, never in
    the outer query, whose one row per player must stay one row. Names share
    the row with the user's fields and with the other contributors, so each
    starts with its app's prefix (``coins_``, ``invites_``, ``season_pass_``...);
    Django refuses a name that is also a field or relation of ``User``.
``render(row, now) -> dict``
    Turns the annotated row (the ``User``, carrying the annotations as
    attributes) into the contributor's output fields. It must not query: a
    value that needs a row created on first use is rendered from the
    annotation and created elsewhere (see ``economy/invites/profile.py`` for
    the one exception, a player's very first read).

Both get the same ``now``, the moment the profile is read. For example::

    register_profile_contributor(
        annotations=lambda now: {"coins_balance": F("coin_account__balance")},
        render=lambda row, now: {"coins": row.coins_balance or 0},
    )

Fields appear in registration order (``EconomyConfig.ready`` imports the
``profile`` modules). A request costs authentication (the session and the
user) plus this one query; ``economy/tests/test_profile_queries.py`` pins it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User

Annotations = Callable[[datetime], Mapping[str, Any]]
Render = Callable[[User, datetime], dict]


@dataclass(frozen=True)
class ProfileContributor:
    annotations: Annotations
    render: Render


_contributors: list[ProfileContributor] = []


def register_profile_contributor(*, annotations: Annotations, render: Render) -> None:
    _contributors.append(ProfileContributor(annotations=annotations, render=render))


def profile_get(*, player_id: int, now: datetime) -> User:
    """The player's row with every contributor's annotations: one query."""
    fragments: dict[str, Any] = {}
    for contributor in _contributors:
        found = contributor.annotations(now)
        taken = fragments.keys() & found.keys()
        if taken:
            raise ValueError(f"profile annotations registered twice: {sorted(taken)}")
        fragments.update(found)
    return User.objects.filter(pk=player_id).annotate(**fragments).get()


def profile_data(*, player: User, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    row = profile_get(player_id=player.pk, now=now)
    data = {
        "id": row.pk,
        "nickname": row.nickname,
        "email": row.email,
        "created_at": row.created_at,
        "time_zone": row.time_zone,
        "show_on_leaderboards": row.show_on_leaderboards,
        "language": row.language,
    }
    for contributor in _contributors:
        data.update(contributor.render(row, now))
    return data
