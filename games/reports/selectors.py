"""The moderators' reports: retention, the coin economy and spend, as SQL aggregates.

Every figure is one aggregate query over the tables that already hold the
facts (no report tables to keep in step): players' signups and rounds for
retention, the ledger's entries on the system accounts for the economy, the
rounds and the shop's ledger entries for spend. Days and weeks are the
site's time zone (``TIME_ZONE``); a week starts on Monday.

Definitions (docs/insight.md, "Reports"):

- A player is *retained on day N* when they played at least one round on
  the Nth day after the day they signed up (D1, D7, D30). A cohort's D_N is
  only counted once day N has ended for it (``eligible``).
- *Active* on a day: played at least one round that day. DAU/WAU/MAU count
  distinct players active in the last 1, 7 and 30 days.
- *Issued* by a faucet: coins the mint paid out per transaction kind, and
  moderator credits. *Removed* by a sink: the game bank's net take (wagers
  minus payouts: the house edge as realised, negative when players won
  more), the shop, and moderator debits. Live matches move coins between
  players through escrow and create or remove nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncDay, TruncWeek
from django.utils import timezone

from accounts.models import User
from economy.models import Account, AccountKind, Entry, LedgerKind
from games import services
from games.models.core import GameRound

RETENTION_DAYS = (1, 7, 30)


@dataclass(frozen=True)
class Window:
    """The report's period length and its first and last day (site days, inclusive)."""

    period: str
    since: date
    until: date

    @property
    def start(self) -> datetime:
        return _midnight(self.since)

    @property
    def end(self) -> datetime:
        return _midnight(self.until + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def window_for(*, period: str = "day", days: int = 30, today: date | None = None) -> Window:
    today = today or timezone.localdate()
    return Window(period=period, since=today - timedelta(days=days - 1), until=today)


def _bucket(period: str, field: str):
    if period == "week":
        return TruncDate(TruncWeek(field))
    return TruncDate(field)


def retention(*, window: Window, now: datetime | None = None) -> dict:
    """D1/D7/D30 by signup week (players who signed up in the window), and DAU/WAU/MAU."""
    now = now or timezone.now()
    players = User.objects.filter(
        is_staff=False, created_at__gte=window.start, created_at__lt=window.end
    ).annotate(signup_day=TruncDay("created_at"))
    annotations = {}
    counts = {"signups": Count("id")}
    for n in RETENTION_DAYS:
        played = GameRound.objects.filter(
            player=OuterRef("pk"),
            created_at__gte=OuterRef("signup_day") + timedelta(days=n),
            created_at__lt=OuterRef("signup_day") + timedelta(days=n + 1),
        )
        annotations[f"d{n}"] = Exists(played)
        ended = Q(signup_day__lt=now - timedelta(days=n + 1))
        counts[f"d{n}"] = Count("id", filter=Q(**{f"d{n}": True}) & ended)
        counts[f"d{n}_eligible"] = Count("id", filter=ended)
    scored = players.annotate(**annotations)
    rows = (
        scored.annotate(week=TruncDate(TruncWeek("created_at")))
        .values("week")
        .annotate(**counts)
        .order_by("week")
    )
    sources = (
        scored.annotate(src=Coalesce(F("acquisition__source"), Value("unknown")))
        .values("src")
        .annotate(**counts)
        .order_by("src")
    )
    cohorts = [{"week": row["week"], **_cohort(row)} for row in rows]
    by_source = [{"source": row["src"], **_cohort(row)} for row in sources]
    # Only the last 30 days can count (the created_at index), not the whole history.
    active = GameRound.objects.filter(
        player__is_staff=False, created_at__gte=now - timedelta(days=30)
    ).aggregate(
        **{
            name: Count("player", distinct=True, filter=Q(created_at__gte=now - timedelta(days=n)))
            for name, n in (("dau", 1), ("wau", 7), ("mau", 30))
        }
    )
    return {
        "period": window.period,
        "since": window.since,
        "until": window.until,
        "cohorts": cohorts,
        "by_source": by_source,
        "active": active,
    }


def _cohort(row: dict) -> dict:
    cohort = {"signups": row["signups"]}
    for n in RETENTION_DAYS:
        retained, eligible = row[f"d{n}"], row[f"d{n}_eligible"]
        cohort[f"d{n}"] = {
            "retained": retained,
            "eligible": eligible,
            "rate": round(retained / eligible, 4) if eligible else None,
        }
    return cohort


# The mint's transaction kinds are the faucets; the other system accounts are the sinks.
SINKS = {AccountKind.GAME_BANK: "game_edge", AccountKind.SHOP_SINK: "shop"}


def economy(*, window: Window) -> dict:
    """Coins issued per faucet and removed per sink, per period; supply; realised RTP."""
    flows = (
        Entry.objects.filter(
            created_at__gte=window.start,
            created_at__lt=window.end,
            account__kind__in=[AccountKind.MINT, AccountKind.ADJUSTMENTS, *SINKS],
        )
        .annotate(bucket=_bucket(window.period, "created_at"))
        .values("bucket", "account__kind", "transaction__kind")
        .annotate(
            credit=Coalesce(Sum("amount", filter=Q(amount__gt=0)), 0),
            debit=Coalesce(Sum("amount", filter=Q(amount__lt=0)), 0),
        )
        .order_by("bucket")
    )
    periods: dict[date, dict] = {}
    for row in flows:
        period = periods.setdefault(
            row["bucket"], {"start": row["bucket"], "issued": {}, "removed": {}}
        )
        kind = row["account__kind"]
        if kind == AccountKind.MINT:
            _add(period["issued"], row["transaction__kind"].lower(), -row["debit"] - row["credit"])
        elif kind == AccountKind.ADJUSTMENTS:
            _add(period["issued"], "adjustment", -row["debit"])
            _add(period["removed"], "adjustment", row["credit"])
        else:
            _add(period["removed"], SINKS[kind], row["credit"] + row["debit"])
    for period in periods.values():
        period["issued_total"] = sum(period["issued"].values())
        period["removed_total"] = sum(period["removed"].values())
    return {
        "period": window.period,
        "since": window.since,
        "until": window.until,
        "periods": list(periods.values()),
        "circulating_supply": circulating_supply(),
        "games": realised_rtp(window=window),
    }


def _add(bucket: dict, name: str, amount: int) -> None:
    if amount:
        bucket[name] = bucket.get(name, 0) + amount


def circulating_supply() -> dict:
    """Coins held by players now, plus the stakes escrow holds for live matches."""
    players = Account.objects.filter(kind=AccountKind.PLAYER).aggregate(
        total=Coalesce(Sum("balance"), 0)
    )["total"]
    escrow = Entry.objects.filter(account__kind=AccountKind.ESCROW).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]
    return {"players": players, "escrow": escrow, "total": players + escrow}


def realised_rtp(*, window: Window) -> list[dict]:
    rows = (
        GameRound.objects.filter(created_at__gte=window.start, created_at__lt=window.end)
        .values("game")
        .annotate(rounds=Count("id"), wagered=Sum("wager"), paid=Sum("payout"))
        .order_by("game")
    )
    games = []
    for row in rows:
        try:
            published = services.game_config_active(slug=row["game"]).math.get("rtp")
        except Exception:  # a game no longer installed: no published figure to compare
            published = None
        games.append(
            {
                "game": row["game"],
                "rounds": row["rounds"],
                "wagered": row["wagered"],
                "paid": row["paid"],
                "realised_rtp": round(row["paid"] / row["wagered"], 6) if row["wagered"] else None,
                "published_rtp": published,
            }
        )
    return games


def spend(*, window: Window) -> dict:
    """Coins wagered per period by game and by segment; coins spent in the shop likewise."""
    rounds = GameRound.objects.filter(created_at__gte=window.start, created_at__lt=window.end)
    bucket = _bucket(window.period, "created_at")
    by_game = (
        rounds.annotate(bucket=bucket)
        .values("bucket", "game")
        .annotate(wagered=Sum("wager"), rounds=Count("id"))
        .order_by("bucket", "game")
    )
    by_segment = (
        rounds.annotate(
            bucket=bucket, seg=Coalesce(F("player__segment__segment"), Value("unscored"))
        )
        .values("bucket", "seg")
        .annotate(wagered=Sum("wager"), rounds=Count("id"))
        .order_by("bucket", "seg")
    )
    shop = (
        Entry.objects.filter(
            account__kind=AccountKind.SHOP_SINK,
            transaction__kind=LedgerKind.SHOP_PURCHASE,
            created_at__gte=window.start,
            created_at__lt=window.end,
        )
        .annotate(bucket=_bucket(window.period, "created_at"))
        .values("bucket")
        .annotate(spent=Sum("amount"), purchases=Count("id"))
        .order_by("bucket")
    )
    return {
        "period": window.period,
        "since": window.since,
        "until": window.until,
        "wagered_by_game": [
            {
                "start": r["bucket"],
                "game": r["game"],
                "wagered": r["wagered"],
                "rounds": r["rounds"],
            }
            for r in by_game
        ],
        "wagered_by_segment": [
            {
                "start": r["bucket"],
                "segment": r["seg"],
                "wagered": r["wagered"],
                "rounds": r["rounds"],
            }
            for r in by_segment
        ],
        "shop": [
            {"start": r["bucket"], "spent": r["spent"], "purchases": r["purchases"]} for r in shop
        ],
    }


# --- the same reports as flat tables (CSV) ----------------------------------------


def retention_table(report: dict) -> list[dict]:
    rows = []
    for cohort in report["cohorts"]:
        row = {"signup_week": cohort["week"], "signups": cohort["signups"]}
        for n in RETENTION_DAYS:
            figures = cohort[f"d{n}"]
            row[f"d{n}_retained"] = figures["retained"]
            row[f"d{n}_eligible"] = figures["eligible"]
            row[f"d{n}_rate"] = "" if figures["rate"] is None else figures["rate"]
        rows.append(row)
    return rows


def economy_table(report: dict) -> list[dict]:
    rows = []
    for period in report["periods"]:
        for direction in ("issued", "removed"):
            for source, amount in sorted(period[direction].items()):
                rows.append(
                    {
                        "start": period["start"],
                        "direction": direction,
                        "source": source,
                        "coins": amount,
                    }
                )
    return rows


def spend_table(report: dict) -> list[dict]:
    rows = [
        {
            "start": r["start"],
            "breakdown": "game",
            "key": r["game"],
            "coins": r["wagered"],
            "count": r["rounds"],
        }
        for r in report["wagered_by_game"]
    ]
    rows += [
        {
            "start": r["start"],
            "breakdown": "segment",
            "key": r["segment"],
            "coins": r["wagered"],
            "count": r["rounds"],
        }
        for r in report["wagered_by_segment"]
    ]
    rows += [
        {
            "start": r["start"],
            "breakdown": "shop",
            "key": "shop",
            "coins": r["spent"],
            "count": r["purchases"],
        }
        for r in report["shop"]
    ]
    return rows
