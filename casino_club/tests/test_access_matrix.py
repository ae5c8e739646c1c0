"""Who can do what: every URL the resolver knows, and every socket route,
asked for by each of the cast (anonymous, Alice the player, Maude the
moderator, Root the superuser), answers as the table below says.

The URL list is generated from the resolver, so a new URL without a row in
``EXPECTED`` fails ``test_every_url_has_an_expectation``; the same holds for
socket routes and for paths that take an object id (``OWNED`` / ``NOT_OWNED``).
All the GETs together change nothing (rows and ledger totals are compared
before and after), and no request body or form has a balance-like field.
Summary: docs/safety.md, "Who can do what".
"""

from __future__ import annotations

import fnmatch
import re

import pytest
from django.apps import apps
from django.db.models import Sum
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.support.mfa import with_totp

ROLES = ("anonymous", "player", "moderator", "superuser")

# A row: what a GET answers for each role, in ROLES order. "login" is a
# redirect to the login page, "admin-login" one to the admin's; None is not
# checked here (said where).
PUBLIC = (200, 200, 200, 200)
PAGE = ("login", 200, 200, 200)
PAGE_POST_ONLY = ("login", 405, 405, 405)
API = (401, 200, 200, 200)
# A GET on a POST-only endpoint: the route guard (casino_club/api.py) answers
# 405 before authentication runs, for everyone.
API_POST_ONLY = (405, 405, 405, 405)
# allauth's phone endpoints: the site offers no phone login; the guard answers 404.
NO_PHONE = (404, 404, 404, 404)
API_MODERATOR = (401, 403, 200, 200)
ADMIN = ("admin-login", "admin-login", 200, 200)
ADMIN_SUPERUSER = ("admin-login", "admin-login", 403, 200)
# Change, delete and history pages of one object (sample id 1, mostly
# missing): who is let in at all is checked here; what a moderator may do
# there is test_moderator_is_kept_out_of_superuser_admin_pages.
ADMIN_OBJECT = ("admin-login", "admin-login", None, None)
# allauth's headless API answers for itself: 405 for a method it does not
# serve, 401/409 while no flow is pending. The app client authenticates by
# token only (no session), so for it a session login is anonymous.
HEADLESS_APP = (401, 401, 401, 401)

# Keyed by URL name (fnmatch patterns allowed), else by route; first match wins.
EXPECTED: dict[str, tuple] = {
    # Pages
    "home": PUBLIC,
    "help": PUBLIC,
    "profile": PAGE,
    "profile-quiz": PAGE,
    "verify-age": PAGE,
    "profile-export": PAGE,
    "profile-delete": PAGE,
    "notifications": PAGE,
    "responsible-play": PAGE,
    "activity": PAGE,
    "reminders-question": PAGE,
    "live_rps:page": PAGE,
    "games:lobby": PAGE,
    "games:fairness": PAGE,
    "games:play": PAGE,
    "leaderboards": PAGE,
    "wallet": PAGE,
    "missions:hub": PAGE,
    "season-pass": PAGE,
    "shop": PAGE,
    "gallery": PAGE,
    "mood-submit": PAGE_POST_ONLY,
    "wallet-daily-claim": PAGE_POST_ONLY,
    "wallet-refill-claim": PAGE_POST_ONLY,
    "missions:claim": PAGE_POST_ONLY,
    "season-pass-claim": PAGE_POST_ONLY,
    "shop-buy": PAGE_POST_ONLY,
    "shop-equip": PAGE_POST_ONLY,
    "gallery-unlock": PAGE_POST_ONLY,
    # Sample ids that do not exist: 404 for everyone, never a login wall
    # that would tell whether the item exists.
    "gallery-media": (404, 404, 404, 404),
    "gallery-media-thumb": (404, 404, 404, 404),
    "invite-join": (404, 404, 404, 404),
    "favicon": (301, 301, 301, 301),
    "healthz": PUBLIC,
    # No reconciliation recorded yet in a fresh test database: not ready.
    "readyz": (503, 503, 503, 503),
    # 404 while METRICS_TOKEN is unset (casino_club/tests/test_metrics.py tries the token).
    "metrics": (404, 404, 404, 404),
    "set_language": (405, 405, 405, 405),
    "javascript-catalog": PUBLIC,
    # allauth's pages
    "account_login": (200, 302, 302, 302),
    "account_signup": (200, 302, 302, 302),
    "account_logout": (302, 200, 200, 200),
    "account_inactive": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    # An unknown key: allauth's page saying the link is bad.
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reauthenticate": PAGE,
    "account_email": PAGE,
    "account_change_password": PAGE,
    "account_set_password": ("login", 302, 302, 302),
    "account_confirm_login_code": ("login", 302, 302, 302),
    "mfa_index": PAGE,
    "mfa_list_webauthn": PAGE,
    "mfa_authenticate": ("login", 302, 302, 302),
    # Staff already have TOTP (required for the admin), players do not.
    "mfa_reauthenticate": ("login", 302, 200, 200),
    "mfa_deactivate_totp": ("login", 404, 302, 302),
    "mfa_view_recovery_codes": ("login", 404, 404, 404),
    "mfa_download_recovery_codes": ("login", 404, 404, 404),
    "mfa_*": ("login", 302, 302, 302),
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": (401, 401, 401, 401),
    # No social login pending: back to the login page, whoever asks.
    "socialaccount_signup": ("login", "login", "login", "login"),
    "socialaccount_connections": PAGE,
    "accounts/social/*": (301, 301, 301, 301),
    "openid_connect_*": (404, 404, 404, 404),
    # allauth's headless API and its specification
    "allauth-openapi-*": PUBLIC,
    "headless:openapi_json": PUBLIC,
    "headless:openapi_yaml": PUBLIC,
    "headless:*:config": PUBLIC,
    "headless:*:account:*phone*": NO_PHONE,
    "headless:*:account:confirm_login_code": API_POST_ONLY,
    "headless:*:account:reauthenticate": API_POST_ONLY,
    "headless:*:account:change_password": API_POST_ONLY,
    "headless:*:mfa:authenticate": API_POST_ONLY,
    "headless:*:mfa:reauthenticate": API_POST_ONLY,
    "headless:*:account:login": (405, 405, 405, 405),
    "headless:*:account:signup": (405, 405, 405, 405),
    "headless:*:account:request_password_reset": (405, 405, 405, 405),
    "headless:*:account:resend_*": (405, 405, 405, 405),
    "headless:*:socialaccount:redirect_to_provider": (405, 405, 405, 405),
    "headless:*:socialaccount:provider_token": (405, 405, 405, 405),
    "headless:app:tokens:refresh": (405, 405, 405, 405),
    "headless:*:account:reset_password": (400, 400, 400, 400),
    "headless:*:account:verify_email": (400, 400, 400, 400),
    "headless:*:account:verify_phone": (409, 409, 409, 409),
    "headless:*:socialaccount:provider_signup": (409, 409, 409, 409),
    "headless:*:mfa:authenticate*": (401, 401, 401, 401),
    "headless:app:*": HEADLESS_APP,
    "headless:browser:account:current_session": API,
    "headless:browser:account:manage_email": API,
    "headless:browser:socialaccount:manage_providers": API,
    "headless:browser:mfa:authenticators": API,
    "headless:browser:mfa:reauthenticate_webauthn": API,
    "headless:browser:account:reauthenticate": API_POST_ONLY,
    "headless:browser:account:change_password": API_POST_ONLY,
    "headless:browser:mfa:reauthenticate": API_POST_ONLY,
    "headless:browser:mfa:manage_totp": (401, 409, 200, 200),
    "headless:browser:mfa:manage_recovery_codes": (401, 404, 404, 404),
    "headless:browser:mfa:manage_webauthn": (401, 409, 409, 409),
    # The admin
    "admin-reports": ADMIN,
    "admin:index": ADMIN,
    "admin:app_list": ADMIN,
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:jsi18n": ADMIN,
    "admin:login": ("login", 403, 302, 302),
    "admin:logout": (302, 302, 405, 405),
    "admin:autocomplete": ("admin-login", "admin-login", 403, 403),
    "admin:view_on_site": ("admin-login", "admin-login", 404, 404),
    "admin:economy_galleryitem_preview": ("admin-login", "admin-login", 404, 404),
    # Models a moderator does not see at all.
    "admin:auth_group_changelist": ADMIN_SUPERUSER,
    "admin:django_celery_beat_*schedule_changelist": ADMIN_SUPERUSER,
    "admin:account_*_changelist": ADMIN_SUPERUSER,
    "admin:socialaccount_*_changelist": ADMIN_SUPERUSER,
    "admin:mfa_*_changelist": ADMIN_SUPERUSER,
    "admin:*_changelist": ADMIN,
    "admin:*_add": ADMIN_OBJECT,
    "admin:*_change": ADMIN_OBJECT,
    "admin:*_delete": ADMIN_OBJECT,
    "admin:*_history": ADMIN_OBJECT,
    "admin/<app>/<model>/<object_id>/": ADMIN_OBJECT,
    "admin/(?P<url>.*)$": ("admin-login", "admin-login", 404, 404),
    # The API
    "api-me": API,
    "api-verify-age": API,
    "api-me-export": API,
    "api-me-session": API,
    "api-me-limits": API,
    "api-notifications": API,
    "api-notification-preferences": API,
    "api-mood": API,
    "api-rounds": API,
    "api-seeds": API,
    "api-seed-pairs": API,
    "api-user-segments-me": API,
    "api-profile-quiz": API,
    "api-wallet": API,
    "api-wallet-ledger": API,
    "api-rewards": API,
    "api-missions": API,
    "api-events": API,
    "api-progression": API,
    "api-shop-items": API,
    "api-shop-inventory": API,
    "api-battlepass-status": API,
    "api-invites-me": API,
    "api-gallery-unlock": API,
    "api-me-delete": API_POST_ONLY,
    "api-me-reality-check": API_POST_ONLY,
    "api-me-cool-off": API_POST_ONLY,
    "api-notification-read": API_POST_ONLY,
    "api-notifications-read-all": API_POST_ONLY,
    "api-mood-settings": API_POST_ONLY,
    "api-actions": API_POST_ONLY,
    "api-play": API_POST_ONLY,
    "api-feedback": API_POST_ONLY,
    "api-seeds-rotate": API_POST_ONLY,
    "api-bonus-daily-claim": API_POST_ONLY,
    "api-bonus-refill-claim": API_POST_ONLY,
    "api-missions-claim": API_POST_ONLY,
    "api-shop-buy": API_POST_ONLY,
    "api-shop-equip": API_POST_ONLY,
    "api-shop-unequip": API_POST_ONLY,
    "api-battlepass-claim": API_POST_ONLY,
    "api-invites-redeem": API_POST_ONLY,
    # The moderator's, POST only: the method is looked at first (route guard).
    "api-notification-schedule": API_POST_ONLY,
    "api-analytics-*": API_MODERATOR,
    "api-games": PUBLIC,
    "api-game": PUBLIC,
    "api-round": (401, 404, 404, 404),
    "api-leaderboard": (401, 404, 404, 404),
    "api-gallery-item": (401, 404, 404, 404),
    "schema": PUBLIC,
    "api-docs": PUBLIC,
    "^api/(?P<path>.*)$": (404, 404, 404, 404),
    "^media/(?P<path>.*)$": (404, 404, 404, 404),
}

# Paths with an object id: each says whose objects they are.
GALLERY = "catalogue items; each player's stages: economy/tests/test_gallery_access.py"
OWNED = {
    "api-round": "round_id",
    "api-notification-read": "notification_id",
}
NOT_OWNED = {
    "missions:claim": "missions are the same for everyone",
    "api-missions-claim": "missions are the same for everyone",
    "gallery-media": GALLERY,
    "gallery-media-thumb": GALLERY,
    "api-gallery-item": GALLERY,
    "admin:*": "staff pages, not a player's",
    "mfa_remove_webauthn": "allauth looks keys up among the signed-in user's own",
    "mfa_edit_webauthn": "allauth looks keys up among the signed-in user's own",
}

SAMPLE = {
    "slug": "slots",
    "board": "weekly",
    "code": "ABCDEFGH",
    "key": "abc",
    "uidb36": "1",
    "provider_id": "nobody",
    "app_label": "economy",
    "path": "nothing-here",
    "url": "nothing-here",
}


def walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name


def all_urls() -> list[tuple[str, str | None]]:
    seen, urls = set(), []
    for route, name in walk(get_resolver().url_patterns):
        if (route, name) not in seen:
            seen.add((route, name))
            urls.append((route, name))
    return urls


def route_key(route: str) -> str:
    # Django's admin adds one unnamed redirect per model: <id>/ -> <id>/change/.
    if re.fullmatch(r"admin/\w+/\w+/<path:object_id>/", route):
        return "admin/<app>/<model>/<object_id>/"
    return route


def expectation(route: str, name: str | None) -> tuple | None:
    key = name if name else route_key(route)
    for pattern, row in EXPECTED.items():
        if fnmatch.fnmatchcase(key, pattern) or key == pattern:
            return row
    return None


def sample_path(route: str, ids: dict[str, str]) -> str:
    values = {**SAMPLE, **{key: str(value) for key, value in ids.items()}}
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    return "/" + route


def test_every_url_has_an_expectation():
    missing = [(route, name) for route, name in all_urls() if expectation(route, name) is None]

    assert missing == [], f"add these to EXPECTED in {__name__}: {missing}"


def test_every_path_with_an_id_says_whose_objects_it_serves():
    undeclared = [
        name or route
        for route, name in all_urls()
        if re.search(r"<int:\w+>|<path:object_id>|\?P<pk>", route)
        and name not in OWNED
        and not any(fnmatch.fnmatchcase(name or "admin:", key) for key in NOT_OWNED)
    ]

    assert undeclared == [], f"add to OWNED or NOT_OWNED: {undeclared}"


@pytest.fixture
def superuser(make_player):
    root = make_player("Root", is_staff=True)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    with_totp(root)
    return root


@pytest.fixture
def cast_clients(player, moderator, superuser) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in (("player", player), ("moderator", moderator), ("superuser", superuser)):
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def state_snapshot() -> dict:
    """Row counts of every model of ours and the ledger's totals."""
    from economy.models import Account, Entry

    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "economy", "games"}
    }
    counts["balances"] = Account.objects.aggregate(total=Sum("balance"))["total"]
    counts["entries"] = Entry.objects.aggregate(total=Sum("amount"))["total"]
    return counts


def answered(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin-login"
    return response.status_code


# Rows a first GET may create: defaults made on first use, the same on every
# later GET. Nothing else may change, and nothing at all on a second round.
FIRST_USE_DEFAULTS = {
    "games.GameConfig": "each game's active configuration, loaded from its defaults",
    "games.SeedPair": "a player's first seed pair, made when first needed",
    "economy.InviteCode": "a player's invite code",
    "economy.EconomySettings": "the settings row",
    "economy.PlayerMission": "today's missions, assigned on first look",
    "accounts.NotificationPreference": "a player's notification defaults",
    "accounts.VisitDay": "the day a signed-in player opened a page (retention)",
}


def get_everything(clients: dict[str, Client], *, admin_objects: bool = True) -> list[str]:
    wrong = []
    for route, name in all_urls():
        row = expectation(route, name)
        if row is ADMIN_OBJECT and not admin_objects:
            continue
        path = sample_path(route, {})
        for role, expected in zip(ROLES, row, strict=True):
            if expected is None:
                continue
            got = answered(clients[role].get(path))
            if got != expected:
                wrong.append(f"{name or route} {path} as {role}: {got}, expected {expected}")
    return wrong


def test_each_role_gets_what_the_table_says_and_no_get_changes_anything(cast_clients):
    before = state_snapshot()

    wrong = get_everything(cast_clients)
    after_first = state_snapshot()
    # Again, for defaults made twice; the admin's object pages (most of the
    # URLs, staff-only) were already held to "nothing changed" above.
    get_everything(cast_clients, admin_objects=False)

    assert wrong == []
    changed = {key for key in before if before[key] != after_first[key]}
    assert changed <= set(FIRST_USE_DEFAULTS), changed - set(FIRST_USE_DEFAULTS)
    assert state_snapshot() == after_first


# --- objects of another player ------------------------------------------------------


@pytest.fixture
def alices_objects(player, fund) -> dict[str, int]:
    from accounts.models import NotificationKind
    from accounts.notifications import notification_send
    from games.services import round_play

    fund(player, 1_000)
    played = round_play(player=player, slug="rps", params={"bet": 10, "move": "rock"})
    notification = notification_send(player=player, kind=NotificationKind.LEVEL_UP, title="Level 2")
    return {"round_id": played.round.pk, "notification_id": notification.pk}


def test_another_players_objects_answer_404(player, other_player, alices_objects):
    from accounts.models import Notification

    bob = Client()
    bob.force_login(other_player)
    alice = Client()
    alice.force_login(player)
    round_path = sample_path("api/games/rounds/<int:round_id>", alices_objects)
    read_path = sample_path("api/notifications/<int:notification_id>/read", alices_objects)

    assert alice.get(round_path).status_code == 200
    assert bob.get(round_path).status_code == 404
    assert bob.post(read_path).status_code == 404
    assert Notification.objects.get(pk=alices_objects["notification_id"]).read_at is None
    assert alice.post(read_path).status_code in (200, 204)
    assert set(OWNED) == {"api-round", "api-notification-read"}, "a new OWNED path needs a case"


# --- the balance is never an input --------------------------------------------------


BALANCE_LIKE = re.compile(r"balance|^coins$|^credit", re.IGNORECASE)


def property_names(schema: dict, components: dict, seen: frozenset = frozenset()) -> set[str]:
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if ref in seen:
            return set()
        return property_names(components[ref], components, seen | {ref})
    names = set(schema.get("properties", {}))
    for value in schema.get("properties", {}).values():
        names |= property_names(value, components, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            names |= property_names(schema[key], components, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            names |= property_names(part, components, seen)
    return names


def test_no_request_body_or_query_of_the_api_has_a_balance_field(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            for media in operation.get("requestBody", {}).get("content", {}).values():
                names |= property_names(media.get("schema", {}), components)
            found += [f"{method.upper()} {path}: {n}" for n in names if BALANCE_LIKE.search(n)]

    assert found == []


def test_no_form_of_ours_has_a_balance_field():
    import importlib
    import pkgutil

    from django import forms

    for package in ("accounts", "economy", "games"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".tests" not in module.name and ".migrations" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [
        form
        for form in subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in {"accounts", "economy", "games"}
    ]
    found = [
        f"{form.__module__}.{form.__name__}.{field}"
        for form in ours
        for field in form.base_fields
        if BALANCE_LIKE.search(field)
    ]

    assert len(ours) > 5
    assert found == []


@pytest.mark.parametrize("path", ["/api/users/me", "/api/wallet", "/api/users/me/limits"])
@pytest.mark.parametrize("method", ["patch", "put"])
def test_writing_a_balance_through_the_api_changes_nothing(player_client, player, path, method):
    from tests.support.ledger import ledger_snapshot

    before = ledger_snapshot()

    response = getattr(player_client, method)(
        path, {"balance": 10**9, "coins": 10**9}, format="json"
    )

    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert ledger_snapshot() == before


def test_the_admin_shows_balances_read_only(superuser, player, fund):
    from economy.models import Account

    fund(player, 10)
    root = Client()
    root.force_login(superuser)
    account = Account.objects.get(player=player)

    page = root.get(f"/admin/economy/account/{account.pk}/change/")

    assert page.status_code == 200
    assert b'name="balance"' not in page.content


# --- moderator and superuser in the admin -----------------------------------------------


def test_moderator_is_kept_out_of_superuser_admin_pages(moderator, superuser, player, fund):
    from economy.models import LedgerTransaction

    fund(player, 100)
    transaction = LedgerTransaction.objects.order_by("-pk").first()
    maude, root = Client(), Client()
    maude.force_login(moderator)
    root.force_login(superuser)
    forbidden = [
        f"/admin/economy/ledgertransaction/{transaction.pk}/delete/",
        "/admin/auth/group/add/",
        "/admin/accounts/user/add/",
        f"/admin/mfa/authenticator/{moderator.authenticator_set.get().pk}/change/",
    ]

    for path in forbidden:
        assert maude.get(path).status_code == 403, path
    assert root.get("/admin/auth/group/add/").status_code == 200


def test_moderator_cannot_grant_permissions_or_superuser(moderator, player):
    maude = Client()
    maude.force_login(moderator)

    response = maude.post(
        f"/admin/accounts/user/{player.pk}/change/",
        {
            "is_superuser": "on",
            "is_staff": "on",
            "nickname": player.nickname,
            "email": player.email,
        },
    )
    player.refresh_from_db()

    assert response.status_code == 403
    assert not player.is_superuser
    assert not player.is_staff
    assert not player.user_permissions.exists()


# --- sockets ------------------------------------------------------------------------

SOCKETS = {"ws/live/": (False, True), "ws/rps/": (False, True)}  # (anonymous, player)


def test_every_socket_route_has_an_expectation():
    from casino_club.routing import websocket_urlpatterns

    assert sorted(str(pattern.pattern) for pattern in websocket_urlpatterns) == sorted(SOCKETS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
@pytest.mark.parametrize("route", sorted(SOCKETS))
async def test_sockets_take_players_only(route, player):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from casino_club.asgi import application
    from casino_club.kit.sockets import CLOSE_UNAUTHENTICATED
    from tests.support.clients import session_headers

    origin = [(b"origin", b"http://localhost")]
    signed_in = await sync_to_async(session_headers)(Client(), player)
    for headers, expected in zip((origin, signed_in), SOCKETS[route], strict=True):
        socket = WebsocketCommunicator(application, f"/{route}", headers=headers)
        connected, detail = await socket.connect()
        assert connected is expected, (route, headers is origin)
        if not expected:
            assert detail == CLOSE_UNAUTHENTICATED
        await socket.disconnect()
