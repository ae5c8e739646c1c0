from __future__ import annotations

import pytest

from casino_club.config import ConfigError, read_config


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path


def test_embedded_default_needs_no_variables(var_dir):
    config = read_config({}, var_dir)

    assert config.debug is True
    assert config.production is False
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert str(var_dir) in config.database["NAME"]
    assert config.database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config.redis_url is None
    assert config.site_min_age == 18
    assert config.time_zone == "UTC"
    assert "console" in config.email["EMAIL_BACKEND"]


def test_embedded_secrets_are_generated_once_and_reused(var_dir):
    first = read_config({}, var_dir)
    second = read_config({}, var_dir)

    assert len(first.secret_key) >= 50
    assert first.secret_key == second.secret_key
    assert first.jwt_private_key == second.jwt_private_key
    assert "PRIVATE KEY" in first.jwt_private_key
    assert (var_dir / "secret_key.txt").stat().st_mode & 0o077 == 0


def test_postgres_and_redis_urls_are_parsed(var_dir):
    config = read_config(
        {
            "DATABASE_URL": "postgres://casino:pw@db.internal:5433/casino",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "EMAIL_URL": "smtp+tls://mailer:secret@smtp.internal:587",
            "TIME_ZONE": "Asia/Seoul",
            "SITE_MIN_AGE": "19",
            "ALLOWED_HOSTS": "casino.example, www.casino.example",
        },
        var_dir,
    )

    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert config.database["HOST"] == "db.internal"
    assert config.database["PORT"] == 5433
    assert config.database["CONN_MAX_AGE"] == 60
    assert config.redis_url == "redis://cache.internal:6379/2"
    assert config.email["EMAIL_HOST"] == "smtp.internal"
    assert config.email["EMAIL_USE_TLS"] is True
    assert config.time_zone == "Asia/Seoul"
    assert config.site_min_age == 19
    assert config.allowed_hosts == ["casino.example", "www.casino.example"]


def test_database_pool_replaces_persistent_connections(var_dir):
    config = read_config(
        {"DATABASE_URL": "postgres://u@h/casino", "DATABASE_POOL": "true"}, var_dir
    )

    assert config.database["OPTIONS"]["pool"]["max_size"] == 20
    assert config.database["CONN_MAX_AGE"] == 0
    assert config.database["OPTIONS"]["connect_timeout"] == 5


def test_a_database_that_stops_answering_fails_a_connection_within_seconds(var_dir):
    config = read_config({"DATABASE_URL": "postgres://u@h/casino"}, var_dir)
    assert config.database["OPTIONS"]["connect_timeout"] == 5
    assert config.database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@h"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://"}, "REDIS_URL"),
        ({"SITE_MIN_AGE": "twelve"}, "SITE_MIN_AGE"),
        ({"SITE_MIN_AGE": "7"}, "SITE_MIN_AGE"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"EMAIL_URL": "carrier-pigeon://coop"}, "EMAIL_URL"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"JWT_PRIVATE_KEY": "not a key"}, "JWT_PRIVATE_KEY"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_bad_values_fail_naming_the_variable(var_dir, variables, named):
    with pytest.raises(ConfigError) as error:
        read_config(variables, var_dir)

    assert error.value.variable == named
    assert str(error.value).startswith(f"{named}:")


def test_production_requires_its_secrets(var_dir):
    base = {"PRODUCTION": "true"}
    with pytest.raises(ConfigError, match=r"^SECRET_KEY"):
        read_config(base, var_dir)
    with pytest.raises(ConfigError, match=r"^JWT_PRIVATE_KEY"):
        read_config({**base, "SECRET_KEY": "k" * 50}, var_dir)


def test_production_requires_allowed_hosts(var_dir):
    from casino_club.config import generate_rsa_key

    variables = {
        "PRODUCTION": "true",
        "SECRET_KEY": "k" * 50,
        "JWT_PRIVATE_KEY": generate_rsa_key(),
    }
    with pytest.raises(ConfigError, match=r"^ALLOWED_HOSTS"):
        read_config(variables, var_dir)

    config = read_config({**variables, "ALLOWED_HOSTS": "casino.example"}, var_dir)
    assert config.debug is False
    assert not (var_dir / "secret_key.txt").exists()


def production_variables(**overrides):
    from casino_club.config import generate_rsa_key

    variables = {
        "PRODUCTION": "true",
        "SECRET_KEY": "k" * 50,
        "JWT_PRIVATE_KEY": generate_rsa_key(),
        "ALLOWED_HOSTS": "casino.example",
    }
    variables.update(overrides)
    return {name: value for name, value in variables.items() if value is not None}


def test_production_refuses_the_embedded_default_secret_key(var_dir):
    embedded = read_config({}, var_dir)

    with pytest.raises(ConfigError) as error:
        read_config(production_variables(SECRET_KEY=embedded.secret_key), var_dir)

    assert error.value.variable == "SECRET_KEY"
    assert "secret_key.txt" in str(error.value)


def test_production_refuses_the_embedded_default_jwt_key(var_dir):
    embedded = read_config({}, var_dir)

    with pytest.raises(ConfigError) as error:
        read_config(production_variables(JWT_PRIVATE_KEY=embedded.jwt_private_key), var_dir)

    assert error.value.variable == "JWT_PRIVATE_KEY"
    assert "jwt_private_key.pem" in str(error.value)


def test_production_refuses_the_embedded_secrets_through_files_too(var_dir):
    read_config({}, var_dir)

    with pytest.raises(ConfigError, match=r"^SECRET_KEY:"):
        read_config(
            production_variables(SECRET_KEY=None, SECRET_KEY_FILE=str(var_dir / "secret_key.txt")),
            var_dir,
        )
    with pytest.raises(ConfigError, match=r"^JWT_PRIVATE_KEY:"):
        read_config(
            production_variables(
                JWT_PRIVATE_KEY=None, JWT_PRIVATE_KEY_FILE=str(var_dir / "jwt_private_key.pem")
            ),
            var_dir,
        )


def test_production_accepts_its_own_secrets_next_to_the_embedded_ones(var_dir):
    embedded = read_config({}, var_dir)
    variables = production_variables()

    config = read_config(variables, var_dir)

    assert config.secret_key == variables["SECRET_KEY"] != embedded.secret_key
    assert config.jwt_private_key == variables["JWT_PRIVATE_KEY"].strip()


def test_secrets_are_read_from_the_files_named_by_the_environment(var_dir, tmp_path):
    from casino_club.config import generate_rsa_key

    secret_file = tmp_path / "secret"
    secret_file.write_text("s" * 64 + "\n")
    key = generate_rsa_key()
    key_file = tmp_path / "jwt.pem"
    key_file.write_text(key)

    config = read_config(
        production_variables(
            SECRET_KEY=None,
            JWT_PRIVATE_KEY=None,
            SECRET_KEY_FILE=str(secret_file),
            JWT_PRIVATE_KEY_FILE=str(key_file),
        ),
        var_dir / "var",
    )

    assert config.secret_key == "s" * 64
    assert config.jwt_private_key == key.strip()
    assert not (var_dir / "var").exists()


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": None, "SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE"),
        ({"SECRET_KEY_FILE": "/etc/hostname"}, "SECRET_KEY_FILE"),
        ({"JWT_PRIVATE_KEY": None, "JWT_PRIVATE_KEY_FILE": "/no/k"}, "JWT_PRIVATE_KEY_FILE"),
        ({"SECRET_KEY": None, "SECRET_KEY_FILE": ""}, "SECRET_KEY"),
        ({"JWT_PRIVATE_KEY": None}, "JWT_PRIVATE_KEY"),
    ],
)
def test_bad_secret_sources_fail_naming_the_variable(var_dir, overrides, named):
    with pytest.raises(ConfigError) as error:
        read_config(production_variables(**overrides), var_dir)

    assert error.value.variable == named


def test_empty_secret_file_is_refused(var_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")

    with pytest.raises(ConfigError, match=r"^SECRET_KEY_FILE: .* is empty"):
        read_config(production_variables(SECRET_KEY=None, SECRET_KEY_FILE=str(empty)), var_dir)


def test_production_start_stops_on_the_embedded_secret(tmp_path):
    """The real start: settings loaded in a fresh interpreter, as manage.py does."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    embedded = read_config({}, tmp_path)
    env = {
        **os.environ,
        **production_variables(SECRET_KEY=embedded.secret_key),
        "CASINO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "casino_club.settings",
    }
    command = [sys.executable, "-c", "import django; django.setup()"]

    refused = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    accepted = subprocess.run(
        command, cwd=root, env={**env, "SECRET_KEY": "p" * 50}, capture_output=True, text=True
    )

    assert refused.returncode != 0
    assert "SECRET_KEY: is the embedded default's generated secret" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr


def test_production_refuses_the_checkouts_secrets_when_var_is_elsewhere(tmp_path):
    checkout_var = tmp_path / "checkout-var"
    embedded = read_config({}, checkout_var)
    variables = production_variables(JWT_PRIVATE_KEY=embedded.jwt_private_key)

    with pytest.raises(ConfigError, match=r"^JWT_PRIVATE_KEY:"):
        read_config(variables, tmp_path / "state", embedded_var_dirs=(checkout_var,))
    assert read_config(variables, tmp_path / "state").jwt_private_key  # only that folder knew
