"""The player profile as shown by ``GET /api/users/me`` and the profile page.

Other apps extend it by registering a contributor (the economy adds coins,
games adds ratings) so ``accounts`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User

Contributor = Callable[[User], dict]
_contributors: list[Contributor] = []


def register_profile_contributor(contributor: Contributor) -> Contributor:
    _contributors.append(contributor)
    return contributor


def profile_data(*, player: User) -> dict:
    data = {
        "id": player.pk,
        "nickname": player.nickname,
        "email": player.email,
        "created_at": player.created_at,
        "time_zone": player.time_zone,
        "show_on_leaderboards": player.show_on_leaderboards,
    }
    for contributor in _contributors:
        data.update(contributor(player))
    return data
