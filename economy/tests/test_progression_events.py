"""Limited-time events: multipliers inside their window only, announcements once, odds untouched."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from accounts.live import SITE_GROUP
from accounts.models import Action, Notification, NotificationKind
from accounts.notifications import marketing_answer
from economy.models import Event, PlayerProgress
from economy.progression import selectors
from economy.progression.services.events import events_announce
from tests.support.progression import deliver, round_action

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
START = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


def xp_of(player) -> int:
    return PlayerProgress.objects.get(player=player).xp


def test_xp_multiplier_applies_inside_its_window_only(player, django_capture_on_commit_callbacks):
    Event.objects.create(
        name="Double XP",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        xp_multiplier=Decimal("2.00"),
    )
    # 100 coins wagered = 10 base XP.
    round_action(
        django_capture_on_commit_callbacks, player, wager=100, at=START - timedelta(seconds=1)
    )
    assert xp_of(player) == 10
    round_action(django_capture_on_commit_callbacks, player, wager=100, at=START)
    assert xp_of(player) == 30
    round_action(
        django_capture_on_commit_callbacks, player, wager=100, at=START + timedelta(hours=2)
    )
    assert xp_of(player) == 40


def test_overlapping_events_do_not_stack(db):
    for multiplier in ("1.50", "2.00"):
        Event.objects.create(
            name=f"x{multiplier}",
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            xp_multiplier=Decimal(multiplier),
            shop_discount_percent=10,
        )
    boosts = selectors.boosts_at(START + timedelta(minutes=1))
    assert boosts.xp_multiplier == Decimal("2.00")
    assert boosts.shop_discount_percent == 10
    assert selectors.boosts_at(START + timedelta(hours=1)).xp_multiplier == Decimal("1.00")


def test_events_active_selector_is_start_inclusive_end_exclusive(db):
    event = Event.objects.create(name="Now", starts_at=START, ends_at=START + timedelta(hours=1))
    assert list(selectors.events_active(START)) == [event]
    assert list(selectors.events_active(START + timedelta(hours=1))) == []
    assert list(selectors.events_active(START - timedelta(seconds=1))) == []


def test_started_event_is_announced_once(make_player, django_capture_on_commit_callbacks):
    active, dormant = make_player("Active"), make_player("Dormant")
    # Event news is opt-in (accounts.models.OPT_IN_KINDS); both said yes.
    for player in (active, dormant):
        marketing_answer(player=player, opt_in=True)
    deliver(django_capture_on_commit_callbacks, active, "LOGGED_IN")
    # Dormant's last action (joining) was 45 days ago.
    Action.objects.filter(player=dormant).update(created_at=timezone.now() - timedelta(days=45))
    now = timezone.now()
    event = Event.objects.create(
        name="Mission madness",
        description="Mission rewards doubled.",
        starts_at=now - timedelta(seconds=30),
        ends_at=now + timedelta(hours=1),
        mission_reward_multiplier=Decimal("2.00"),
    )
    Event.objects.create(
        name="Later", starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(SITE_GROUP, channel)

    with django_capture_on_commit_callbacks(execute=True):
        assert events_announce(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert events_announce(now=now + timedelta(minutes=1)) == 0

    event.refresh_from_db()
    assert event.announced_at == now
    pushed = async_to_sync(layer.receive)(channel)["event"]
    assert (pushed["type"], pushed["id"], pushed["name"]) == ("event.started", event.pk, event.name)
    notices = Notification.objects.filter(kind=NotificationKind.EVENT_STARTED)
    assert list(notices.values_list("player__nickname", flat=True)) == ["Active"]
    async_to_sync(layer.group_discard)(SITE_GROUP, channel)


def test_events_never_change_odds_or_payouts(make_player, fund, django_capture_on_commit_callbacks):
    from games.models import SeedPair
    from games.services import round_play, seed_pair_active

    alice, bob = make_player("Alicia"), make_player("Bobby")
    for person in (alice, bob):
        fund(person, 1_000)
    source = seed_pair_active(player=alice)
    twin = seed_pair_active(player=bob)
    SeedPair.objects.filter(pk=twin.pk).update(
        server_seed=source.server_seed,
        server_seed_hash=source.server_seed_hash,
        client_seed=source.client_seed,
        nonce=source.nonce,
    )
    params = {"bet": 50, "move": "rock"}
    plain = round_play(player=alice, slug="rps", params=params).round

    now = timezone.now()
    Event.objects.create(
        name="Everything boosted",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        xp_multiplier=Decimal("5.00"),
        mission_reward_multiplier=Decimal("5.00"),
        shop_discount_percent=90,
    )
    with django_capture_on_commit_callbacks(execute=True):
        boosted = round_play(player=bob, slug="rps", params=params).round

    assert boosted.outcome == plain.outcome
    assert (boosted.wager, boosted.payout) == (plain.wager, plain.payout)
    # The event was live: it changed XP, which is what events are for.
    assert xp_of(bob) == 5 * (5 + 50 // 20)
