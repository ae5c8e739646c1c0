"""Moderators see responsible-play states read-only and cannot shorten a break.

Alice (``player``) is on a break; Maude (``moderator``) looks at it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import responsible_settings
from accounts.models import PlaySettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_break(player, moderator):
    # The Moderators group of the data migration has these; the fixture's group is rebuilt.
    moderator.groups.first().permissions.add(
        *Permission.objects.filter(codename__in=["view_playsettings", "view_playday"])
    )
    return responsible_settings.exclusion_start(
        player=player, kind="self_exclusion", duration="6m", confirm=True
    )


def test_a_moderator_sees_the_break(moderator_client, on_break):
    listing = moderator_client.get(reverse("admin:accounts_playsettings_changelist"))
    detail = moderator_client.get(reverse("admin:accounts_playsettings_change", args=[on_break.pk]))

    assert listing.status_code == 200 and "Alice" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_a_moderator_cannot_shorten_or_delete_a_break(moderator_client, on_break):
    until = on_break.exclusion_until
    change = reverse("admin:accounts_playsettings_change", args=[on_break.pk])

    posted = moderator_client.post(change, {"exclusion_kind": "", "exclusion_until": ""})
    deleted = moderator_client.post(
        reverse("admin:accounts_playsettings_delete", args=[on_break.pk]), {"post": "yes"}
    )

    assert posted.status_code == 403
    assert deleted.status_code == 403
    row = PlaySettings.objects.get(pk=on_break.pk)
    assert row.exclusion_kind == "self_exclusion" and row.exclusion_until == until


def test_the_api_only_ever_acts_on_the_caller(api_client, moderator, on_break, player):
    api_client.force_login(moderator)

    api_client.put("/api/users/me/limits", {"daily_wager_limit": 5}, format="json")

    assert PlaySettings.objects.get(player=player).wager_limit is None
    assert PlaySettings.objects.get(player=player).excluded()


def test_the_migration_lets_moderators_view_play_settings(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_playsettings", "view_playday"} <= codenames
