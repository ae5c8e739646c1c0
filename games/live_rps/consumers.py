"""The live rock-paper-scissors socket at ``/ws/rps/`` (protocol in docs/live-rps.md).

Thin on purpose: every message is checked for shape here and handed to
``games.live_rps.services``, which checks who may do what. This consumer sends
to its own socket only; events for both players come from the services
through ``accounts.live`` after their transaction commits, and arrive here
as ``live.event`` messages of the match's group, which this consumer turns
into the player's own view (their opponent, their outcome).
"""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async

from casino_club.kit.errors import DomainError
from casino_club.kit.sockets import (
    CHANNEL_LAYER_ERRORS,
    JsonSocketConsumer,
    accepted_subprotocol,
    close_unauthenticated,
)
from economy.selectors import player_balance
from games.live_rps import services
from games.live_rps.models import MatchStatus
from games.live_rps.selectors import player_open_match, player_rating

logger = logging.getLogger(__name__)

# Groups of the current and the previous match: the previous one still
# carries its rematch events.
KEPT_GROUPS = 2


class RpsConsumer(JsonSocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await close_unauthenticated(self)
            return
        self.player = getattr(user, "_wrapped", user)
        self.match_groups: list[str] = []
        # (type, match) of messages already sent to this socket: an event can
        # reach us both as our own acknowledgement and through the group.
        self.sent: set[tuple] = set()
        await self.accept(subprotocol=accepted_subprotocol(self.scope))
        hello, open_match = await database_sync_to_async(self._hello)()
        await self.send_json(hello)
        if open_match is not None:
            await self.resume(open_match)

    def _hello(self) -> tuple[dict, Any]:
        services.player_overdue_settle(player=self.player)
        hello = {
            "type": "hello",
            "player": self.player.pk,
            "nickname": self.player.nickname,
            "stakes": list(services.live_stakes()),
            "balance": player_balance(player=self.player),
            "rating": player_rating(player=self.player),
        }
        return hello, player_open_match(player=self.player)

    async def resume(self, match) -> None:
        """A reloaded page picks up the match it was in."""
        await self.join_match(match.pk)
        if match.status == MatchStatus.WAITING:
            await self.send_once({"type": "queued", "match": match.pk, "stake": match.stake})
            return
        event = await database_sync_to_async(services.matched_event)(match)
        await self.relay(event)
        side = match.side_of(self.player.pk)
        if getattr(match, f"{side}_commitment"):
            await self.send_once({"type": "committed", "match": match.pk})
        if match.status == MatchStatus.REVEALING:
            await self.send_once(
                {
                    "type": "reveal_phase",
                    "match": match.pk,
                    "reveal_deadline": match.reveal_deadline.isoformat(),
                }
            )

    async def disconnect(self, code: int) -> None:
        try:
            for group in getattr(self, "match_groups", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except CHANNEL_LAYER_ERRORS:
            pass  # Redis is down; the player still leaves their match below.
        if hasattr(self, "player"):
            # Leaving abandons a match that is not committed yet (stakes
            # refunded); once both committed, the reveal deadline decides.
            await database_sync_to_async(services.player_leave)(player=self.player)

    async def join_match(self, match_id: int) -> None:
        group = services.match_group(match_id)
        if group in self.match_groups:
            return
        await self.channel_layer.group_add(group, self.channel_name)
        self.match_groups.append(group)
        while len(self.match_groups) > KEPT_GROUPS:
            await self.channel_layer.group_discard(self.match_groups.pop(0), self.channel_name)

    # --- client -> server ---------------------------------------------------------

    async def receive_message(self, message: dict) -> None:
        handler = self.handlers.get(message["type"])
        if handler is None:
            await self.send_error("unknown_type", f"Unknown message type {message['type']!r}.")
            return
        try:
            await database_sync_to_async(services.player_overdue_settle)(player=self.player)
            await handler(self, message)
        except DomainError as error:
            await self.send_error(error.code, error.message)
        except Exception:
            logger.exception("live rps message %r failed", message.get("type"))
            await self.send_error("server_error", "Something went wrong; please try again.")

    async def on_find(self, message: dict) -> None:
        result = await database_sync_to_async(services.match_find)(
            player=self.player, stake=message.get("stake")
        )
        match = result.match
        await self.join_match(match.pk)
        if result.formed:
            await self.relay(await database_sync_to_async(services.matched_event)(match))
            return
        await self.send_once({"type": "queued", "match": match.pk, "stake": match.stake})
        # Someone may have paired with us between our commit and joining the
        # group (their "matched" push went out before we listened): catch up.
        current = await database_sync_to_async(player_open_match)(player=self.player)
        if current is not None and current.status != MatchStatus.WAITING:
            await self.resume(current)

    async def on_cancel(self, message: dict) -> None:
        match = await database_sync_to_async(services.match_cancel)(player=self.player)
        if match.status == MatchStatus.ABANDONED and match.player_two_id is None:
            await self.send_once({"type": "cancelled", "match": match.pk, "reason": "cancelled"})

    async def on_move_commit(self, message: dict) -> None:
        match = await database_sync_to_async(services.match_commit)(
            player=self.player, match_id=message.get("match"), commitment=message.get("commitment")
        )
        await self.send_once({"type": "committed", "match": match.pk})

    async def on_reveal(self, message: dict) -> None:
        match = await database_sync_to_async(services.match_reveal)(
            player=self.player,
            match_id=message.get("match"),
            move=message.get("move"),
            salt=message.get("salt"),
        )
        await self.send_once({"type": "revealed", "match": match.pk})

    async def on_rematch(self, message: dict) -> None:
        match_id = message.get("match")
        rematch = await database_sync_to_async(services.match_rematch)(
            player=self.player, match_id=match_id
        )
        if rematch is None:
            await self.send_once({"type": "rematch_requested", "match": match_id, "by": "you"})
            return
        await self.join_match(rematch.pk)
        await self.relay(await database_sync_to_async(services.matched_event)(rematch))

    handlers = {
        "find": on_find,
        "cancel": on_cancel,
        "commit": on_move_commit,
        "reveal": on_reveal,
        "rematch": on_rematch,
    }

    # --- server -> client -------------------------------------------------------

    async def live_event(self, message: dict) -> None:
        await self.relay(message["event"])

    async def relay(self, event: dict) -> None:
        """Turn a match event (about both players) into this player's message."""
        kind, match_id, me = event["type"], event.get("match"), self.player.pk
        if kind == "matched":
            await self.join_match(match_id)
            opponent = next(info for pk, info in event["players"].items() if pk != str(me))
            await self.send_once(
                {
                    "type": "matched",
                    "match": match_id,
                    "opponent": opponent["nickname"],
                    "opponent_rating": opponent["rating"],
                    "opponent_frame": opponent.get("frame"),
                    "opponent_title": opponent.get("title"),
                    "stake": event["stake"],
                    "commit_deadline": event["commit_deadline"],
                    "rematch_of": event.get("rematch_of"),
                }
            )
        elif kind in ("committed", "revealed"):
            if event["player"] == me:
                await self.send_once({"type": kind, "match": match_id})
            else:
                await self.send_once({"type": f"opponent_{kind}", "match": match_id})
        elif kind == "rematch_requested":
            by = "you" if event["player"] == me else "opponent"
            await self.send_once({"type": kind, "match": match_id, "by": by})
        elif kind == "result":
            mine = event["players"][str(me)]
            theirs = next(info for pk, info in event["players"].items() if pk != str(me))
            await self.send_once(
                {
                    "type": "result",
                    "match": match_id,
                    "stake": event["stake"],
                    "your_move": mine["move"],
                    "their_move": theirs["move"],
                    "outcome": mine["outcome"],
                    "payout": mine["payout"],
                    "balance": mine["balance"],
                    "rating": mine["rating"],
                }
            )
        elif kind in ("reveal_phase", "cancelled"):
            await self.send_once(event)

    async def send_once(self, data: dict) -> None:
        key = (data["type"], data.get("match"), data.get("by"))
        if key in self.sent:
            return
        self.sent.add(key)
        await self.send_json(data)
