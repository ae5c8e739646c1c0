"""The Redis cache answers as an empty cache while Redis is down, and the
pages that read it (allauth's rate-limited login) keep working."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from casino_club import cache as resilient

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_cache(settings, private_redis, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "casino_club.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Retry at once, so the test sees the recovery without waiting.
    monkeypatch.setattr(resilient, "RETRY_AFTER", 0.0)
    monkeypatch.setattr(resilient, "_down_until", {})
    return private_redis


def test_it_works_as_a_redis_cache_while_redis_is_up(redis_cache):
    cache.set("greeting", "hello", 30)

    assert cache.get("greeting") == "hello"
    assert cache.add("greeting", "again") is False
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    assert cache.get_many(["greeting", "missing"]) == {"greeting": "hello"}


def test_it_behaves_as_an_empty_cache_while_redis_is_down(redis_cache, caplog):
    cache.set("greeting", "hello", 30)
    redis_cache.stop()

    with caplog.at_level(logging.WARNING, logger="casino_club.cache"):
        assert cache.get("greeting") is None
        assert cache.get("greeting", "fallback") == "fallback"
        cache.set("greeting", "ignored")
        assert cache.add("lock", True) is True  # a lock taker proceeds
        assert cache.delete("greeting") is False
        assert cache.get_many(["greeting"]) == {}
        assert cache.has_key("greeting") is False
        assert cache.set_many({"a": 1}) == ["a"]
        cache.delete_many(["a"])
        assert cache.touch("greeting") is False
        with pytest.raises(ValueError):
            cache.incr("counter")

    outage_warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(outage_warnings) == 1  # logged once per outage, not per call


def test_it_uses_redis_again_once_it_is_back(redis_cache):
    redis_cache.stop()
    assert cache.get("greeting") is None

    redis_cache.start()
    cache.set("greeting", "hello again", 30)

    assert cache.get("greeting") == "hello again"


def test_a_down_cache_skips_redis_until_the_retry_interval(redis_cache, monkeypatch):
    monkeypatch.setattr(resilient, "RETRY_AFTER", 60.0)
    redis_cache.stop()
    assert cache.get("greeting") is None
    redis_cache.start()

    # Within the interval the cache does not even try (no socket timeout per call).
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") is None


@pytest.mark.django_db
def test_login_page_and_login_work_while_the_cache_is_down(redis_cache, client, player):
    redis_cache.stop()

    page = client.get("/accounts/login/")
    login = client.post(
        "/accounts/login/",
        {"login": player.email, "password": "correct horse battery staple"},
    )
    app_login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": player.email, "password": "correct horse battery staple"},
        content_type="application/json",
    )

    assert page.status_code == 200
    assert login.status_code == 302
    assert app_login.status_code == 200
