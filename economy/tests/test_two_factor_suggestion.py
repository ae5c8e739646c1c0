"""From the Gold tier the site suggests two-factor authentication: one notice
when the player reaches it, and a profile banner while 2FA is off (issue 12)."""

from __future__ import annotations

import pytest

from accounts.models import Notification, NotificationKind
from economy.models import PlayerProgress, VipTier, XpSource
from economy.progression import rules
from economy.progression.services.xp import xp_grant
from tests.support.mfa import with_totp

pytestmark = pytest.mark.django_db


def at_the_door_of(player, tier: str) -> None:
    """Enough days played for ``tier`` and XP one short of it, one tier below."""
    rule = rules.tier_rule(tier)
    below = rules.TIER_ORDER[rules.tier_rank(tier) - 1]
    PlayerProgress.objects.update_or_create(
        player=player,
        defaults={
            "xp": rule.min_xp - 1,
            "level": rules.level_for_xp(rule.min_xp - 1),
            "days_played": rule.min_days_played,
            "vip_tier": below,
        },
    )


def suggestions(player) -> list[Notification]:
    return [
        notice
        for notice in Notification.objects.filter(player=player, kind=NotificationKind.TIER_UP)
        if notice.data.get("suggestion") == "two_factor"
    ]


def test_reaching_gold_without_two_factor_suggests_it_once(player):
    at_the_door_of(player, VipTier.GOLD)

    xp_grant(player=player, amount=1, source=XpSource.ADJUSTMENT, reference="gold")
    at_the_door_of(player, VipTier.PLATINUM)
    PlayerProgress.objects.filter(player=player).update(vip_tier=VipTier.GOLD)
    xp_grant(player=player, amount=1, source=XpSource.ADJUSTMENT, reference="platinum")

    assert PlayerProgress.objects.get(player=player).vip_tier == VipTier.PLATINUM
    [notice] = suggestions(player)
    assert notice.url == "/accounts/2fa/"
    assert notice.data["tier"] == VipTier.GOLD
    assert notice.title


def test_reaching_silver_suggests_nothing(player):
    at_the_door_of(player, VipTier.SILVER)

    xp_grant(player=player, amount=1, source=XpSource.ADJUSTMENT, reference="silver")

    assert PlayerProgress.objects.get(player=player).vip_tier == VipTier.SILVER
    assert suggestions(player) == []


def test_a_player_with_two_factor_gets_no_suggestion(player):
    with_totp(player)
    at_the_door_of(player, VipTier.GOLD)

    xp_grant(player=player, amount=1, source=XpSource.ADJUSTMENT, reference="gold")

    assert PlayerProgress.objects.get(player=player).vip_tier == VipTier.GOLD
    assert suggestions(player) == []


@pytest.mark.parametrize(
    ("tier", "shown"),
    [
        (VipTier.BRONZE, False),
        (VipTier.SILVER, False),
        (VipTier.GOLD, True),
        (VipTier.DIAMOND, True),
    ],
)
def test_the_profile_banner_shows_from_gold_while_two_factor_is_off(
    alice_client, player, tier, shown
):
    PlayerProgress.objects.create(player=player, vip_tier=tier)

    html = alice_client.get("/profile/").content.decode()

    assert ('data-testid="two-factor-suggestion"' in html) is shown
    if shown:
        assert 'href="/accounts/2fa/totp/activate/"' in html


def test_the_banner_goes_once_two_factor_is_on(alice_client, player):
    PlayerProgress.objects.create(player=player, vip_tier=VipTier.GOLD)
    with_totp(player)

    html = alice_client.get("/profile/").content.decode()

    assert 'data-testid="two-factor-suggestion"' not in html


def test_the_banner_costs_one_query_and_only_from_gold(
    alice_client, player, django_assert_max_num_queries
):
    # Below Gold the page keeps its four queries (test_profile_queries.py);
    # from Gold the player's second factors are read once more.
    PlayerProgress.objects.create(player=player, vip_tier=VipTier.GOLD)
    alice_client.get("/profile/")  # fills the event banner's cache

    with django_assert_max_num_queries(5):
        response = alice_client.get("/profile/")

    assert 'data-testid="two-factor-suggestion"' in response.content.decode()
