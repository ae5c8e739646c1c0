"""The economy's action subscribers register at app start, under their stable names.

Receipts store these names: a subscriber that stopped registering (a module
no longer imported at ready) or changed its name would silently skip or
re-run actions. Pinned when progression's services became a package.
"""

from __future__ import annotations

from accounts.actions import subscribers_for

ECONOMY_SUBSCRIBERS = {
    "PLAYER_JOINED": {"economy.signup_grant": "economy.subscribers"},
    "ROUND_PLAYED": {
        "progression.play": "economy.progression.subscribers",
        "progression.missions": "economy.progression.subscribers",
    },
    "LIVE_MATCH_PLAYED": {"progression.play": "economy.progression.subscribers"},
    "LIVE_MATCH_WON": {"progression.missions": "economy.progression.subscribers"},
    "DAILY_BONUS_CLAIMED": {"progression.missions": "economy.progression.subscribers"},
    "LOGGED_IN": {"progression.missions": "economy.progression.subscribers"},
    "LEVEL_REACHED": {"economy.invites.reward": "economy.invites.subscribers"},
    "XP_GAINED": {"economy.season_pass.tiers_reached": "economy.season_pass.subscribers"},
}


def test_each_action_type_has_the_economys_subscribers():
    for action_type, expected in ECONOMY_SUBSCRIBERS.items():
        registered = {
            name: handler.__module__
            for name, handler in subscribers_for(action_type).items()
            if handler.__module__.startswith("economy.")
        }

        assert registered == expected, action_type


def test_the_economy_subscribes_to_nothing_else():
    from accounts.actions import _subscribers

    economy_types = {
        action_type
        for action_type, handlers in _subscribers.items()
        if any(handler.__module__.startswith("economy.") for handler in handlers.values())
    }

    assert economy_types == set(ECONOMY_SUBSCRIBERS)
