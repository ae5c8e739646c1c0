"""Missions: assignment and roll-over, progress of each type, breaks, claims, events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from casino_club.kit.errors import NotFound
from economy.models import (
    Event,
    LedgerKind,
    LedgerTransaction,
    MissionPeriod,
    MissionTemplate,
    MissionType,
    PlayerMission,
    PlayerProgress,
)
from economy.progression.services.missions import (
    MissionAlreadyClaimed,
    MissionNotCompleted,
    mission_claim,
    missions_assign,
    missions_current,
    missions_roll_over,
)
from economy.selectors import player_balance
from tests.support.factories import MissionFactory, MissionTemplateFactory
from tests.support.ledger import ledger_snapshot
from tests.support.progression import deliver, round_action

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def template(
    code: str, type: str, target: int, *, period=MissionPeriod.DAILY, game="", coins=50, xp=20
):
    return MissionTemplateFactory(
        code=code,
        type=type,
        target=target,
        period=period,
        game=game,
        reward_coins=coins,
        reward_xp=xp,
    )


@pytest.fixture(autouse=True)
def _only_our_templates(db):
    # The data migration seeds defaults; these tests define their own.
    MissionTemplate.objects.all().update(is_active=False)


def mission_of(player, code: str) -> PlayerMission:
    return PlayerMission.objects.filter(player=player, template__code=code).latest("period_start")


def test_new_player_sees_missions_at_once(player):
    template("play-3", MissionType.PLAY_ROUNDS, 3)
    template("wager-week", MissionType.WAGER_COINS, 1000, period=MissionPeriod.WEEKLY)

    missions = missions_current(player=player)

    assert {(m.template.code, m.period) for m in missions} == {
        ("play-3", MissionPeriod.DAILY),
        ("wager-week", MissionPeriod.WEEKLY),
    }
    # Reading again assigns nothing twice.
    missions_current(player=player)
    assert PlayerMission.objects.filter(player=player).count() == 2


def test_weekly_mission_runs_monday_to_monday_in_the_players_zone(player):
    player.time_zone = "America/Los_Angeles"
    player.save()
    template("wager-week", MissionType.WAGER_COINS, 1000, period=MissionPeriod.WEEKLY)
    # Thursday 2030-03-07 in Los Angeles.
    missions_assign(player=player, now=datetime(2030, 3, 7, 20, 0, tzinfo=UTC))
    mission = mission_of(player, "wager-week")
    la = ZoneInfo("America/Los_Angeles")
    assert mission.period_start == date(2030, 3, 4)
    assert mission.starts_at == datetime(2030, 3, 4, tzinfo=la)
    # The week holds the DST change (Sunday 2030-03-10): it still ends at local midnight.
    assert mission.ends_at == datetime(2030, 3, 11, tzinfo=la)


def test_roll_over_at_local_midnight_in_seoul_and_los_angeles(
    make_player, django_capture_on_commit_callbacks
):
    template("play-3", MissionType.PLAY_ROUNDS, 3)
    seoul, angeles = make_player("Seo"), make_player("Lana")
    seoul.time_zone, angeles.time_zone = "Asia/Seoul", "America/Los_Angeles"
    seoul.save(), angeles.save()
    start = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)  # 21:00 in Seoul, 04:00 in LA, 4 March
    for person in (seoul, angeles):
        deliver(django_capture_on_commit_callbacks, person, "LOGGED_IN", at=start)

    def days(person) -> set[date]:
        return set(
            PlayerMission.objects.filter(player=person).values_list("period_start", flat=True)
        )

    assert days(seoul) == days(angeles) == {date(2030, 3, 4)}

    # 15:00 UTC is midnight starting 5 March in Seoul; still 4 March in LA.
    result = missions_roll_over(now=datetime(2030, 3, 4, 15, 0, tzinfo=UTC))
    assert result["assigned"] == 1
    assert days(seoul) == {date(2030, 3, 4), date(2030, 3, 5)}
    assert days(angeles) == {date(2030, 3, 4)}

    # An hour before LA's midnight nothing happens for LA ...
    missions_roll_over(now=datetime(2030, 3, 5, 7, 0, tzinfo=UTC))
    assert days(angeles) == {date(2030, 3, 4)}
    # ... and at 08:00 UTC (midnight PST) LA rolls over.
    missions_roll_over(now=datetime(2030, 3, 5, 8, 0, tzinfo=UTC))
    assert days(angeles) == {date(2030, 3, 4), date(2030, 3, 5)}
    assert days(seoul) == {date(2030, 3, 4), date(2030, 3, 5)}


def test_action_counts_in_the_period_it_happened(player, django_capture_on_commit_callbacks):
    player.time_zone = "Asia/Seoul"
    player.save()
    template("play-1", MissionType.PLAY_ROUNDS, 2)
    seoul = ZoneInfo("Asia/Seoul")
    round_action(
        django_capture_on_commit_callbacks, player, at=datetime(2030, 3, 4, 23, 59, tzinfo=seoul)
    )
    round_action(
        django_capture_on_commit_callbacks, player, at=datetime(2030, 3, 5, 0, 1, tzinfo=seoul)
    )

    progress = dict(
        PlayerMission.objects.filter(player=player).values_list("period_start", "progress")
    )
    assert progress == {date(2030, 3, 4): 1, date(2030, 3, 5): 1}


def test_play_rounds_of_a_game(player, django_capture_on_commit_callbacks):
    template("slots-2", MissionType.PLAY_ROUNDS, 2, game="slots")
    round_action(django_capture_on_commit_callbacks, player, game="roulette")
    round_action(django_capture_on_commit_callbacks, player, game="slots")
    assert mission_of(player, "slots-2").progress == 1
    round_action(django_capture_on_commit_callbacks, player, game="slots")
    mission = mission_of(player, "slots-2")
    assert (mission.progress, mission.status) == (2, "completed")


def test_win_rounds_counts_payout_above_wager(player, django_capture_on_commit_callbacks):
    template("win-2", MissionType.WIN_ROUNDS, 2)
    round_action(django_capture_on_commit_callbacks, player, wager=10, payout=10)  # a push
    round_action(django_capture_on_commit_callbacks, player, wager=10, payout=0)
    round_action(django_capture_on_commit_callbacks, player, wager=10, payout=30)
    assert mission_of(player, "win-2").progress == 1


def test_wager_coins_adds_wagers_up_to_the_target(player, django_capture_on_commit_callbacks):
    template("wager-100", MissionType.WAGER_COINS, 100)
    round_action(django_capture_on_commit_callbacks, player, wager=60)
    assert mission_of(player, "wager-100").progress == 60
    round_action(django_capture_on_commit_callbacks, player, wager=60)
    mission = mission_of(player, "wager-100")
    assert (mission.progress, mission.status) == (100, "completed")


def test_claim_daily_bonus_mission(player, django_capture_on_commit_callbacks):
    from economy.faucets import daily_bonus_claim

    template("bonus", MissionType.CLAIM_DAILY_BONUS, 1)
    with django_capture_on_commit_callbacks(execute=True):
        daily_bonus_claim(player=player)
    assert mission_of(player, "bonus").status == "completed"


def test_win_a_live_match_mission(player, django_capture_on_commit_callbacks):
    template("live-win", MissionType.WIN_LIVE_MATCH, 1)
    deliver(django_capture_on_commit_callbacks, player, "LIVE_MATCH_PLAYED", value=10)
    assert not PlayerMission.objects.filter(player=player, progress__gt=0).exists()
    deliver(django_capture_on_commit_callbacks, player, "LIVE_MATCH_WON", value=20)
    assert mission_of(player, "live-win").status == "completed"


def test_log_in_on_distinct_local_days(player, django_capture_on_commit_callbacks):
    template("login-3", MissionType.LOGIN_DAYS, 3, period=MissionPeriod.WEEKLY)
    monday = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
    for at in (monday, monday + timedelta(hours=5), monday + timedelta(days=1)):
        deliver(django_capture_on_commit_callbacks, player, "LOGGED_IN", at=at)
    assert mission_of(player, "login-3").progress == 2
    deliver(django_capture_on_commit_callbacks, player, "LOGGED_IN", at=monday + timedelta(days=3))
    mission = mission_of(player, "login-3")
    assert (mission.progress, mission.status) == (3, "completed")
    assert mission.state["days"] == ["2030-03-04", "2030-03-05", "2030-03-07"]


def test_take_a_break_completes_when_the_stretch_has_passed(
    player, django_capture_on_commit_callbacks
):
    template("break-24", MissionType.TAKE_BREAK, 24, period=MissionPeriod.WEEKLY, coins=100)
    monday = datetime(2030, 3, 4, 0, 0, tzinfo=UTC)
    # Play every 10 hours from Monday midnight: no 24-hour stretch yet.
    for hours in range(0, 50, 10):
        round_action(django_capture_on_commit_callbacks, player, at=monday + timedelta(hours=hours))
    last_round = monday + timedelta(hours=40)

    with django_capture_on_commit_callbacks(execute=True):
        missions_current(player=player, now=last_round + timedelta(hours=23))
    mission = mission_of(player, "break-24")
    assert (mission.progress, mission.status) == (23, "in_progress")

    # The roll-over job settles it too, once the day off has passed.
    with django_capture_on_commit_callbacks(execute=True):
        result = missions_roll_over(now=last_round + timedelta(hours=24, minutes=1))
    mission = mission_of(player, "break-24")
    assert result["breaks_completed"] == 1
    assert (mission.progress, mission.status) == (24, "completed")
    assert (
        Notification.objects.filter(player=player, kind=NotificationKind.MISSION_COMPLETED).count()
        == 1
    )


def test_take_a_break_needs_play_before_the_break(player, django_capture_on_commit_callbacks):
    template("break-24", MissionType.TAKE_BREAK, 24, period=MissionPeriod.WEEKLY, coins=100)
    monday = datetime(2030, 3, 4, 0, 0, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        missions_current(player=player, now=monday + timedelta(days=3))
    mission = mission_of(player, "break-24")

    assert (mission.progress, mission.status) == (0, "in_progress")
    assert not Notification.objects.filter(
        player=player, kind=NotificationKind.MISSION_COMPLETED
    ).exists()


def test_completion_notifies_once(player, django_capture_on_commit_callbacks):
    template("play-1", MissionType.PLAY_ROUNDS, 1)
    round_action(django_capture_on_commit_callbacks, player)
    round_action(django_capture_on_commit_callbacks, player)
    notices = Notification.objects.filter(player=player, kind=NotificationKind.MISSION_COMPLETED)
    assert notices.count() == 1
    assert notices.get().url == "/missions/"


# --- claims -------------------------------------------------------------------------------


def completed_mission(player, capture, *, coins=50, xp=20) -> PlayerMission:
    template("play-1", MissionType.PLAY_ROUNDS, 1, coins=coins, xp=xp)
    round_action(capture, player, wager=0)
    return mission_of(player, "play-1")


def test_claim_pays_coins_and_xp_once(player, django_capture_on_commit_callbacks):
    mission = completed_mission(player, django_capture_on_commit_callbacks)
    balance, xp = player_balance(player=player), PlayerProgress.objects.get(player=player).xp

    with django_capture_on_commit_callbacks(execute=True):
        result = mission_claim(player=player, mission_id=mission.pk)

    assert (result.coins, result.xp, result.balance) == (50, 20, balance + 50)
    assert player_balance(player=player) == balance + 50
    assert PlayerProgress.objects.get(player=player).xp == xp + 20
    txn = LedgerTransaction.objects.get(kind=LedgerKind.MISSION_REWARD)
    assert txn.reference == f"mission:{mission.pk}"
    mission.refresh_from_db()
    assert (mission.status, mission.transaction_id) == ("claimed", txn.pk)

    before = ledger_snapshot()
    with pytest.raises(MissionAlreadyClaimed):
        mission_claim(player=player, mission_id=mission.pk)
    assert ledger_snapshot() == before
    assert PlayerProgress.objects.get(player=player).xp == xp + 20


def test_claim_refuses_an_unfinished_mission(player):
    template("play-5", MissionType.PLAY_ROUNDS, 5)
    mission = missions_current(player=player)[0]
    before = ledger_snapshot()
    with pytest.raises(MissionNotCompleted):
        mission_claim(player=player, mission_id=mission.pk)
    assert ledger_snapshot() == before
    mission.refresh_from_db()
    assert mission.claimed_at is None


def test_claim_refuses_someone_elses_and_unknown_missions(
    player, other_player, django_capture_on_commit_callbacks
):
    mission = completed_mission(player, django_capture_on_commit_callbacks)
    before = ledger_snapshot()
    with pytest.raises(NotFound):
        mission_claim(player=other_player, mission_id=mission.pk)
    with pytest.raises(NotFound):
        mission_claim(player=player, mission_id=mission.pk + 1000)
    assert ledger_snapshot() == before
    mission.refresh_from_db()
    assert mission.claimed_at is None


def test_event_mission_bonus_applies_inside_its_window_only(
    player, django_capture_on_commit_callbacks
):
    now = timezone.now()
    Event.objects.create(
        name="Double missions",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        mission_reward_multiplier=Decimal("2.00"),
    )
    mission = completed_mission(player, django_capture_on_commit_callbacks, coins=50, xp=15)
    with django_capture_on_commit_callbacks(execute=True):
        inside = mission_claim(player=player, mission_id=mission.pk, now=now)
    assert (inside.coins, inside.xp) == (100, 30)

    later = MissionFactory(
        player=player,
        template=mission.template,
        period_start=date(2000, 1, 1),
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        completed=True,
        now=now,
        reward_coins=50,
        reward_xp=15,
    )
    with django_capture_on_commit_callbacks(execute=True):
        outside = mission_claim(player=player, mission_id=later.pk, now=now + timedelta(hours=1))
    assert (outside.coins, outside.xp) == (50, 15)
