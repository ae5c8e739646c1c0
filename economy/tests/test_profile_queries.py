"""The profile is one query: ``/api/users/me`` and ``/profile/`` read every field at once.

The contributors (``economy/**/profile.py``) replace one selector call each;
these tests pin the query count and that the values are the selectors' own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.profile import profile_data
from economy.invites.selectors import invite_counts_for
from economy.invites.services import invite_code_get, invite_redeem
from economy.models import InviteCode, PassTier, PlayerProgress, Season, XpGrant
from economy.progression.selectors import progress_get, streak_for
from economy.progression.services.xp import xp_grant
from economy.season_pass.selectors import pass_status
from economy.selectors import player_balance
from economy.shop.selectors import equipped_cosmetics_for
from economy.shop.services import item_equip, shop_buy

pytestmark = pytest.mark.django_db


def season_with_tiers(*, starts_at: datetime, ends_at: datetime, slug: str) -> Season:
    season = Season.objects.create(slug=slug, name=slug, starts_at=starts_at, ends_at=ends_at)
    for number, xp_required in ((1, 20), (2, 50), (3, 200)):
        PassTier.objects.create(
            season=season, number=number, xp_required=xp_required, reward_kind="COINS", coins=10
        )
    return season


@pytest.fixture
def full_profile(player, make_player, fund):
    """Alice with coins, XP past two tiers of a running season, a streak, two
    worn items (and one owned, not worn) and two friends she invited."""
    now = timezone.now()
    season_with_tiers(
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30), slug="running"
    )
    fund(player, 5000)
    xp_grant(player=player, amount=60, source="ADJUSTMENT", reference="profile test")
    PlayerProgress.objects.filter(player=player).update(streak_count=3, last_action_ts=now)
    for slug in ("frame-emerald", "emote-wave", "title-lucky"):
        shop_buy(player=player, item_slug=slug)
    for slug in ("frame-emerald", "emote-wave"):
        item_equip(player=player, item_slug=slug)
    code = invite_code_get(player=player).code
    for nickname in ("Carol", "Dave"):
        invite_redeem(player=make_player(nickname), code=code)
    return player


def test_me_is_three_queries_with_the_session(client, full_profile, django_assert_max_num_queries):
    client.force_login(full_profile)  # session auth, as a browser

    # The session, the user, and the profile.
    with django_assert_max_num_queries(3):
        response = client.get("/api/users/me")

    assert response.status_code == 200
    body = response.json()
    code = InviteCode.objects.get(player=full_profile).code
    assert body == {
        "id": full_profile.pk,
        "nickname": "Alice",
        "email": "alice@example.com",
        "created_at": body["created_at"],
        "time_zone": "UTC",
        "show_on_leaderboards": True,
        "language": "",
        "coins": 5000 - 500 - 150 - 400,
        "invite_code": code,
        "invite_url": f"/join/{code}/",
        "invite_count": 2,
        "invite_rewarded_count": 0,
        "xp": 60,
        "level": 1,
        "next_level_xp": 100,
        "vip_tier": "BRONZE",
        "streak": 3,
        "pass_tier": 2,
        "equipped_cosmetics": {
            "avatar_frame": {
                "slug": "frame-emerald",
                "name": "Emerald frame",
                "category": "AVATAR_FRAME",
                "preview": "",
                "color": "#2fbf71",
            },
            "emote": {
                "slug": "emote-wave",
                "name": "Wave",
                "category": "EMOTE",
                "preview": "",
                "color": "#d4a537",
            },
        },
    }
    assert list(body) == list(profile_data(player=full_profile))  # the field order too


def test_profile_page_is_four_queries(client, full_profile, django_assert_max_num_queries):
    client.force_login(full_profile)
    client.get("/profile/")  # fills the event banner's cache (30 s), as for every page

    # The session, the user, the profile, and the unread count in base.html's header.
    with django_assert_max_num_queries(4):
        response = client.get("/profile/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="profile-pass-tier"><a href="/pass/">2</a>' in page
    assert "Emerald frame" in page and "2 friends joined" in page


def test_profile_agrees_with_the_selectors_it_replaces(full_profile):
    data = profile_data(player=full_profile)

    progress = progress_get(player=full_profile)
    assert data["coins"] == player_balance(player=full_profile)
    assert (data["xp"], data["level"], data["vip_tier"]) == (
        progress.xp,
        progress.level,
        progress.vip_tier,
    )
    assert data["streak"] == streak_for(player=full_profile)["streak_count"]
    assert data["pass_tier"] == pass_status(player=full_profile).tier
    assert data["equipped_cosmetics"] == equipped_cosmetics_for([full_profile.pk])[full_profile.pk]
    assert data["invite_code"] == invite_code_get(player=full_profile).code
    counts = invite_counts_for(player=full_profile)
    assert (data["invite_count"], data["invite_rewarded_count"]) == (
        counts["invite_count"],
        counts["invite_rewarded_count"],
    )


def test_a_new_players_first_read_makes_the_invite_code_and_later_reads_are_three_queries(
    client, player, django_assert_max_num_queries
):
    client.force_login(player)
    assert not InviteCode.objects.filter(player=player).exists()

    first = client.get("/api/users/me").json()
    with django_assert_max_num_queries(3):
        again = client.get("/api/users/me").json()

    code = InviteCode.objects.get(player=player).code
    assert first["invite_code"] == again["invite_code"] == code
    assert (first["coins"], first["xp"], first["level"], first["vip_tier"]) == (0, 0, 1, "BRONZE")
    assert (first["streak"], first["pass_tier"], first["equipped_cosmetics"]) == (0, 0, {})
    assert (first["invite_count"], first["invite_rewarded_count"]) == (0, 0)


def test_pass_tier_counts_only_xp_inside_the_running_season(player):
    season = season_with_tiers(
        starts_at=datetime(2030, 3, 1, tzinfo=UTC),
        ends_at=datetime(2030, 6, 1, tzinfo=UTC),
        slug="spring-2030",
    )
    inside = season.starts_at + timedelta(days=3)
    xp_grant(player=player, amount=30, source="ADJUSTMENT", reference="in", now=inside)
    xp_grant(player=player, amount=500, source="ADJUSTMENT", reference="before", now=inside)
    XpGrant.objects.filter(reference="before").update(created_at=season.starts_at - timedelta(1))

    assert profile_data(player=player, now=inside)["pass_tier"] == 1
    assert profile_data(player=player, now=season.ends_at)["pass_tier"] == 0  # ended
    assert profile_data(player=player, now=inside)["xp"] == 530  # lifetime XP counts all


def test_a_broken_streak_shows_as_zero_in_the_players_own_day(player):
    player.time_zone = "Asia/Seoul"
    player.save()
    last = datetime(2030, 3, 4, 23, 30, tzinfo=player.zone)
    PlayerProgress.objects.create(player=player, streak_count=4, last_action_ts=last)

    assert profile_data(player=player, now=last + timedelta(days=1))["streak"] == 4
    assert profile_data(player=player, now=last + timedelta(days=2))["streak"] == 0
