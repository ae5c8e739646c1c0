"""Coins cannot be bought: no price in money, no payment code, no URL that sells coins."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

MONEY_WORDS = re.compile(
    r"price_?(usd|eur|krw|cents|money)|payment|purchase_?money|checkout|stripe|paypal|"
    r"braintree|adyen|\biap\b|in_app_purchase|currency_code|cash_?out|real_money|fiat|"
    r"buy_?coins|coin_?pack|top_?up|sell_?coins|withdraw",
    re.IGNORECASE,
)
PAYMENT_LIBRARIES = {"stripe", "paypalrestsdk", "braintree", "adyen", "dj-stripe", "djstripe"}


def all_url_patterns(resolver=None, prefix: str = "") -> list[tuple[str, str]]:
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += all_url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            found.append((route, pattern.name or ""))
    return found


def test_no_model_field_is_about_money_or_payments():
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if MONEY_WORDS.search(field.name) or MONEY_WORDS.search(model.__name__)
    ]

    assert offenders == []


def test_no_url_takes_payments_or_sells_coins():
    offenders = [
        (route, name)
        for route, name in all_url_patterns()
        if MONEY_WORDS.search(route) or MONEY_WORDS.search(name)
    ]

    assert offenders == []


def test_no_payment_library_is_installed_or_required():
    requirements = (Path(settings.BASE_DIR) / "requirements.txt").read_text().lower()
    installed = {name.lower() for name in settings.INSTALLED_APPS}

    assert not {lib for lib in PAYMENT_LIBRARIES if re.search(rf"^{lib}\b", requirements, re.M)}
    assert not installed & PAYMENT_LIBRARIES


def test_the_only_sources_of_coins_are_the_mint_faucets_and_moderators():
    from economy.models import AccountKind
    from economy.services.ledger import ROUTES

    sources = {
        source
        for routes in ROUTES.values()
        for source, destination in routes
        if destination == AccountKind.PLAYER
    }

    # Coins reach a player only from system accounts, never from another player.
    assert AccountKind.PLAYER not in sources
    assert sources == {
        AccountKind.MINT,
        AccountKind.GAME_BANK,
        AccountKind.ESCROW,
        AccountKind.SHOP_SINK,
        AccountKind.ADJUSTMENTS,
    }


def test_the_economy_code_mentions_no_payment_provider():
    economy = Path(apps.get_app_config("economy").path)
    offenders = []
    for path in economy.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        for word in ("stripe", "paypal", "checkout", "payment_intent", "currency_code"):
            if word in text.lower():
                offenders.append((path.name, word))

    assert offenders == []
