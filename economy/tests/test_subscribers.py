"""The economy's action subscribers register at app start, under their stable names.

Marks are stored under these names: a subscriber that stopped registering (a
module no longer imported at ready) would silently fall behind, and one that
changed its name would start again from the beginning of the log.
"""

from __future__ import annotations

from accounts.actions import _subscribers

ECONOMY_SUBSCRIBERS = {
    "economy.signup_grant": ("economy.subscribers", {"PLAYER_JOINED"}),
    "progression.play": (
        "economy.progression.subscribers",
        {"ROUND_PLAYED", "LIVE_MATCH_PLAYED"},
    ),
    "progression.missions": (
        "economy.progression.subscribers",
        {"ROUND_PLAYED", "LIVE_MATCH_WON", "DAILY_BONUS_CLAIMED", "LOGGED_IN"},
    ),
    "economy.invites.code": ("economy.invites.subscribers", {"PLAYER_JOINED"}),
    "economy.invites.reward": ("economy.invites.subscribers", {"LEVEL_REACHED"}),
    "economy.season_pass.tiers_reached": (
        "economy.season_pass.subscribers",
        {"XP_GAINED", "ROUND_PLAYED", "LIVE_MATCH_PLAYED"},
    ),
}


def test_each_economy_subscriber_is_registered_for_its_types():
    registered = {
        name: (subscriber.module, set(subscriber.types))
        for name, subscriber in _subscribers.items()
        if subscriber.module.startswith("economy.")
    }

    assert registered == ECONOMY_SUBSCRIBERS
