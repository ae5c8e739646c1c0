"""Audiences other apps offer for moderator broadcasts ("register, don't import").

``accounts`` sends broadcasts but knows no segments: ``games`` registers one
audience per player segment and one for the heavy-play flag in its
``AppConfig.ready`` (``register_audience``), each a function returning the
player ids it covers right now. A broadcast to an audience reaches those
players only when they are active, opted in to news (marketing), and not on
a break (cool-off or self-exclusion).

An audience registered with ``no_wager=True`` (heavy play) may only be sent
messages that push no play: a link into the games, the shop or the
leaderboards is refused (``wager_link``), so the flag can add break
suggestions and service notices, never offers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accounts.models import Audience
from casino_club.kit.errors import DomainError

WAGER_PATHS = ("/games/", "/shop/", "/leaderboards/")


class InvalidBroadcast(DomainError):
    code = "invalid"
    status = 400
    default_message = gettext_lazy("This message cannot be scheduled.")


@dataclass(frozen=True)
class AudienceSpec:
    code: str
    label: str
    players: Callable[[], QuerySet]
    no_wager: bool = False


_AUDIENCES: dict[str, AudienceSpec] = {}


def register_audience(
    code: str, label, players: Callable[[], QuerySet], *, no_wager: bool = False
) -> None:
    _AUDIENCES[code] = AudienceSpec(code=code, label=label, players=players, no_wager=no_wager)


def audience_choices() -> list[tuple[str, str]]:
    return [(spec.code, str(spec.label)) for spec in _AUDIENCES.values()]


def audience_get(code: str) -> AudienceSpec | None:
    return _AUDIENCES.get(code)


def pushes_play(url: str) -> bool:
    path = url.split("?", 1)[0]
    return any(path.startswith(prefix) for prefix in WAGER_PATHS)


def segment_check(*, audience: str, segment: str, url: str) -> str:
    """The segment code a SEGMENT broadcast names (registered); "" for other audiences."""
    if audience != Audience.SEGMENT:
        return ""
    spec = audience_get(segment or "")
    if spec is None:
        choices = ", ".join(code for code, _label in audience_choices())
        raise InvalidBroadcast(fields={"segment": [f"Choose one of: {choices}."]})
    if spec.no_wager and pushes_play(url or ""):
        raise InvalidBroadcast(
            "Players flagged for heavy play get no link into the games, the shop or the "
            "leaderboards: suggest a break or send a service notice instead.",
            fields={"url": ["No links to games, the shop or the leaderboards for this group."]},
        )
    return segment


def segment_recipients(code: str):
    """A segment broadcast's players now: active, opted in to news, not on a break."""
    from accounts.models import User
    from accounts.responsible_settings import excluded_player_ids

    spec = audience_get(code)
    if spec is None:  # the app that offered it is gone: nobody
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            pk__in=spec.players(),
            notification_preference__marketing_opt_in=True,
        )
        .exclude(pk__in=excluded_player_ids())
        .order_by("pk")
    )
