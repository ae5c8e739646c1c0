"""The profile is one query: ``/api/users/me`` and ``/profile/`` read every field at once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from economy.invites.services import invite_code_get, invite_redeem
from economy.models import PlayerProgress
from economy.progression.services.xp import xp_grant
from economy.shop.services import item_equip, shop_buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_profile(player, make_player, fund):
    """Alice with coins, XP past two pass tiers, a streak, two worn items and two referrals."""
    fund(player, 5000)
    xp_grant(player=player, amount=60, source="ADJUSTMENT", reference="profile test")
    PlayerProgress.objects.filter(player=player).update(
        streak_count=3, last_action_ts=timezone.now()
    )
    for slug in ("frame-emerald", "emote-wave"):
        shop_buy(player=player, item_slug=slug)
        item_equip(player=player, item_slug=slug)
    code = invite_code_get(player=player).code
    for nickname in ("Carol", "Dave"):
        invite_redeem(player=make_player(nickname), code=code)
    return player


def test_me_is_three_queries_with_the_session(client, full_profile, django_assert_max_num_queries):
    client.force_login(full_profile)

    with django_assert_max_num_queries(3):
        response = client.get("/api/users/me")

    body = response.json()
    print(body)
    assert response.status_code == 200


def test_profile_page_queries(client, full_profile, django_assert_max_num_queries):
    client.force_login(full_profile)
    client.get("/profile/")  # the event banner's cache

    with django_assert_max_num_queries(4):
        response = client.get("/profile/")

    assert response.status_code == 200
