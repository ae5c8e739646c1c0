"""The action catalogue: every type of action, who records it, and its metadata.

An action is the contract between the app that records it and the apps that
react to it (``accounts.actions``). This module is that contract written
down once: :class:`ActionType` names every type, and :data:`CATALOGUE`
describes each one's ``value`` and metadata keys. ``action_record`` refuses
a type or a key that is not here, ``subscribe`` refuses an unknown type, and
a subscriber reads ``action.metadata`` through a read-only view that raises
on a key the catalogue does not declare, so a typo fails a test instead of
silently reading ``None``.

Adding a type: add it to :class:`ActionType` and describe it in
:data:`CATALOGUE`, then add its row to the fan-out table in
``docs/architecture.md`` (a test compares the table with the subscribers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ActionType(StrEnum):
    PLAYER_JOINED = "PLAYER_JOINED"
    LOGGED_IN = "LOGGED_IN"
    ACCOUNT_DELETED = "ACCOUNT_DELETED"
    DAILY_BONUS_CLAIMED = "DAILY_BONUS_CLAIMED"
    REFILL_CLAIMED = "REFILL_CLAIMED"
    XP_GAINED = "XP_GAINED"
    LEVEL_REACHED = "LEVEL_REACHED"
    TIER_REACHED = "TIER_REACHED"
    MISSION_CLAIMED = "MISSION_CLAIMED"
    PASS_TIER_CLAIMED = "PASS_TIER_CLAIMED"  # noqa: S105 (not a password)
    SHOP_PURCHASED = "SHOP_PURCHASED"
    ROUND_PLAYED = "ROUND_PLAYED"
    LIVE_MATCH_PLAYED = "LIVE_MATCH_PLAYED"
    LIVE_MATCH_WON = "LIVE_MATCH_WON"
    # Reported by the player's own browser (POST /api/actions).
    PAGE_VIEW_SHOP = "PAGE_VIEW_SHOP"
    PAGE_VIEW_GALLERY = "PAGE_VIEW_GALLERY"
    PAGE_VIEW_PASS = "PAGE_VIEW_PASS"  # noqa: S105 (not a password)
    SHARE_CLICK = "SHARE_CLICK"
    INVITE_LINK_COPIED = "INVITE_LINK_COPIED"


class ActionContractError(Exception):
    """Code broke the catalogue: an unknown type, an undeclared or mistyped key.

    A programming error, never a player's: the dispatcher lets it propagate
    instead of logging it like a subscriber's ordinary failure.
    """


@dataclass(frozen=True)
class ActionSpec:
    """What one action type means.

    ``metadata`` maps each key to its JSON type; every key is written on
    each action unless it is in ``optional``. A ``client`` type is reported
    by the browser, and its metadata is the small free-form object the API
    checks (``ClientMetadataField``), so it declares no keys.
    """

    type: ActionType
    recorded_by: str
    value: str
    metadata: Mapping[str, type] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    client: bool = False

    def check(self, metadata: Mapping[str, Any]) -> None:
        if self.client:
            return
        undeclared = sorted(set(metadata) - set(self.metadata))
        if undeclared:
            raise ActionContractError(f"{self.type}: undeclared metadata {undeclared}")
        missing = sorted(set(self.metadata) - set(metadata) - self.optional)
        if missing:
            raise ActionContractError(f"{self.type}: missing metadata {missing}")
        for key, value in metadata.items():
            expected = self.metadata[key]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ActionContractError(
                    f"{self.type}: metadata {key!r} must be {expected.__name__}, "
                    f"not {type(value).__name__}"
                )


def _client(action_type: ActionType, what: str) -> ActionSpec:
    return ActionSpec(
        action_type, recorded_by="accounts.api (the browser)", value=what, client=True
    )


CATALOGUE: dict[str, ActionSpec] = {
    spec.type: spec
    for spec in (
        ActionSpec(
            ActionType.PLAYER_JOINED,
            recorded_by="accounts.services.player_joined",
            value="0",
            metadata={"source": str},
        ),
        ActionSpec(
            ActionType.LOGGED_IN,
            recorded_by="accounts.services.player_logged_in",
            value="0",
        ),
        ActionSpec(
            ActionType.ACCOUNT_DELETED,
            recorded_by="accounts.privacy.account_delete",
            value="0",
        ),
        ActionSpec(
            ActionType.DAILY_BONUS_CLAIMED,
            recorded_by="economy.faucets.daily_bonus_claim",
            value="coins granted",
            metadata={"streak": int, "ladder_day": int, "date": str, "transaction_id": int},
        ),
        ActionSpec(
            ActionType.REFILL_CLAIMED,
            recorded_by="economy.faucets.refill_claim",
            value="coins granted",
            metadata={"transaction_id": int},
        ),
        ActionSpec(
            ActionType.XP_GAINED,
            recorded_by="economy.progression.services.xp.xp_grant",
            value="XP granted",
            metadata={"total": int, "source": str, "reference": str},
        ),
        ActionSpec(
            ActionType.LEVEL_REACHED,
            recorded_by="economy.progression.services.xp.xp_grant",
            value="the level reached",
        ),
        ActionSpec(
            ActionType.TIER_REACHED,
            recorded_by="economy.progression.services.xp.xp_grant",
            value="the VIP tier's rank",
            metadata={"tier": str},
        ),
        ActionSpec(
            ActionType.MISSION_CLAIMED,
            recorded_by="economy.progression.services.missions.mission_claim",
            value="coins granted",
            metadata={"mission": int, "template": str, "period": str, "xp": int},
        ),
        ActionSpec(
            ActionType.PASS_TIER_CLAIMED,
            recorded_by="economy.season_pass.services.pass_tier_claim",
            value="the tier's number",
            metadata={"season": str, "reward": str},
        ),
        ActionSpec(
            ActionType.SHOP_PURCHASED,
            recorded_by="economy.shop.services.shop_buy",
            value="coins paid",
            metadata={"item": str, "quantity": int, "unit_price": int},
        ),
        ActionSpec(
            ActionType.ROUND_PLAYED,
            recorded_by="games.services.round_play",
            value="coins wagered",
            metadata={"round": int, "game": str, "wager": int, "payout": int, "net": int},
        ),
        ActionSpec(
            ActionType.LIVE_MATCH_PLAYED,
            recorded_by="games.live_rps.services.settlement",
            value="the stake",
            metadata={"match": int, "stake": int, "result": str, "opponent": int, "rating": int},
        ),
        ActionSpec(
            ActionType.LIVE_MATCH_WON,
            recorded_by="games.live_rps.services.settlement",
            value="coins paid out",
            metadata={"match": int, "stake": int, "result": str, "opponent": int, "rating": int},
        ),
        _client(ActionType.PAGE_VIEW_SHOP, "0"),
        _client(ActionType.PAGE_VIEW_GALLERY, "0"),
        _client(ActionType.PAGE_VIEW_PASS, "0"),
        _client(ActionType.SHARE_CLICK, "0"),
        _client(ActionType.INVITE_LINK_COPIED, "0"),
    )
}

CLIENT_TYPES = frozenset(t for t, spec in CATALOGUE.items() if spec.client)


def spec_for(action_type: str) -> ActionSpec:
    try:
        return CATALOGUE[action_type]
    except KeyError:
        raise ActionContractError(f"{action_type!r} is not in the action catalogue") from None


class ActionMetadata(Mapping[str, Any]):
    """A subscriber's read-only view of one action's metadata.

    Reading a declared key that an old row lacks gives ``None`` through
    ``get`` as usual; reading a key the catalogue does not declare raises
    :class:`ActionContractError`, whether or not the row happens to hold it.
    """

    __slots__ = ("_data", "_spec")

    def __init__(self, spec: ActionSpec, data: Mapping[str, Any] | None) -> None:
        self._spec = spec
        self._data = dict(data or {})

    def _declared(self, key: str) -> None:
        if not self._spec.client and key not in self._spec.metadata:
            raise ActionContractError(f"{self._spec.type} declares no metadata {key!r}")

    def __getitem__(self, key: str) -> Any:
        self._declared(key)
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._declared(key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._declared(key)  # type: ignore[arg-type]
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def as_dict(self) -> dict[str, Any]:
        """The whole stored object, unchecked: for a relay that copies it verbatim."""
        return dict(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ActionMetadata({self._spec.type}, {self._data!r})"
