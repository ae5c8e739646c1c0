"""Read the site's configuration from the environment, in one place.

Everything the operator can set is parsed and validated here, so a bad value
fails at start with a message naming the variable instead of surfacing later
as an obscure error. ``settings.py`` calls :func:`read_config` with
``os.environ``; tests call it with plain dictionaries.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

from casino_club.kit.rates import parse_rates

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed; the message names it."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


@dataclass(frozen=True)
class Config:
    production: bool
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database: dict
    redis_url: str | None
    email: dict
    time_zone: str
    site_min_age: int
    mature_min_age: int
    jwt_private_key: str
    csrf_trusted_origins: list[str] = field(default_factory=list)
    database_pool: bool = False
    throttle_rates: dict[str, str] = field(default_factory=dict)
    socket_message_rate: int = 10
    socket_message_burst: int = 20
    num_proxies: int = 0
    metrics_token: str = ""
    log_format: str = "plain"
    # Signups from one (hashed) IP address / one device cookie in 24 hours
    # before a further signup is refused (docs/safety.md, "Abuse cases"); 0 = off.
    signups_per_ip_per_day: int = 3
    signups_per_device_per_day: int = 3


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(name, f"expected true/false, got {raw!r}")


def parse_int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {value}")
    return value


def parse_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database(env: Mapping[str, str], var_dir: Path, pool: bool) -> dict:
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        raw = f"sqlite:///{var_dir / 'casino.sqlite3'}"
    scheme = urlparse(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            "DATABASE_URL", f"unsupported scheme {scheme!r}; use sqlite:/// or postgres://"
        )
    try:
        database = environ.Env.db_url_config(raw)
    except Exception as error:  # environ raises several types for bad URLs
        raise ConfigError("DATABASE_URL", f"cannot parse {raw!r}: {error}") from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Without IMMEDIATE transactions, WAL and a busy timeout, concurrent
        # writers (web + Celery worker) fail with "database is locked".
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        database["ENGINE"] = "django.db.backends.postgresql"
        if not database.get("NAME"):
            raise ConfigError("DATABASE_URL", "names no database")
        options = database.setdefault("OPTIONS", {})
        # A database host that stops answering (rather than refusing) must not
        # hold a request for the kernel's TCP timeout (minutes): after 5 s the
        # request fails and answers 503 (casino_club.outage). The URL's own
        # ?connect_timeout= wins.
        options.setdefault("connect_timeout", 5)
        if pool:
            # Under ASGI every request runs in a fresh thread; a pool keeps
            # connections warm where CONN_MAX_AGE cannot.
            options["pool"] = {"min_size": 2, "max_size": 20}
            database["CONN_MAX_AGE"] = 0
        else:
            database["CONN_MAX_AGE"] = 60
            database["CONN_HEALTH_CHECKS"] = True
    return database


def parse_redis(env: Mapping[str, str]) -> str | None:
    raw = env.get("REDIS_URL", "").strip()
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ConfigError("REDIS_URL", f"expected redis://host:port/db, got {raw!r}")
    return raw


def parse_email(env: Mapping[str, str]) -> dict:
    raw = env.get("EMAIL_URL", "").strip()
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        return environ.Env.email_url_config(raw)
    except Exception as error:
        raise ConfigError("EMAIL_URL", f"cannot parse {raw!r}: {error}") from None


def parse_time_zone(env: Mapping[str, str]) -> str:
    name = env.get("TIME_ZONE", "UTC").strip() or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIME_ZONE", f"unknown time zone {name!r}") from None
    return name


# Request throttles (casino_club/kit/throttles.py, docs/safety.md "Throttles"):
# per player for each scope, per client IP for anonymous requests. Generous:
# a player pressing spin as fast as the page allows stays under "play".
THROTTLE_DEFAULTS = {
    "play": "5/s,3000/h",
    "claim": "3/s,300/h",
    "shop": "3/s,300/h",
    "unlock": "3/s,300/h",
    "anonymous": "10/s,1000/h",
}


def parse_throttles(env: Mapping[str, str]) -> dict[str, str]:
    """``THROTTLE_PLAY`` and friends: rate lists such as ``5/s,3000/h``, or ``off``."""
    rates = {}
    for scope, default in THROTTLE_DEFAULTS.items():
        name = f"THROTTLE_{scope.upper()}"
        raw = (env.get(name) or "").strip() or default
        try:
            parse_rates(raw)
        except ValueError as error:
            raise ConfigError(name, str(error)) from None
        rates[scope] = raw
    return rates


def parse_log_format(env: Mapping[str, str]) -> str:
    word = (env.get("LOG_FORMAT") or "plain").strip().lower() or "plain"
    if word not in {"plain", "json"}:
        raise ConfigError("LOG_FORMAT", f"expected plain or json, got {word!r}")
    return word


def read_or_create(path: Path, make: callable) -> str:
    """Return the secret stored at ``path``, generating it on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make().strip()
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def read_secret(env: Mapping[str, str], name: str) -> str:
    """The secret ``name`` from the environment, or from the file ``name_FILE`` names.

    A file keeps the secret out of the process environment (systemd
    ``LoadCredential``, Docker/Compose secrets under ``/run/secrets``). Setting
    both is refused: which one wins would be a guess.
    """
    value = env.get(name, "").strip()
    file_variable = f"{name}_FILE"
    path = env.get(file_variable, "").strip()
    if not path:
        return value
    if value:
        raise ConfigError(file_variable, f"set either {name} or {file_variable}, not both")
    try:
        value = Path(path).read_text().strip()
    except OSError as error:
        raise ConfigError(file_variable, f"cannot read {path!r}: {error.strerror}") from None
    if not value:
        raise ConfigError(file_variable, f"{path!r} is empty")
    return value


def refuse_embedded_secret(name: str, value: str, generated: Path) -> None:
    """Production must not run on the secret the embedded default generated into ``var/``.

    That file sits in the checkout, readable by whoever ran ``make run`` and
    copied along with the tree; a production key comes from the operator.
    """
    try:
        embedded = generated.read_text().strip()
    except OSError:
        return
    if embedded and secrets.compare_digest(value.encode(), embedded.encode()):
        raise ConfigError(
            name,
            f"is the embedded default's generated secret ({generated}); "
            'production needs its own (docs/operations.md, "Secrets")',
        )


def generate_rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def read_config(
    env: Mapping[str, str], var_dir: Path, embedded_var_dirs: tuple[Path, ...] = ()
) -> Config:
    """Parse and validate every setting the operator controls.

    Production mode (``PRODUCTION=true``) requires ``SECRET_KEY``,
    ``ALLOWED_HOSTS`` and ``JWT_PRIVATE_KEY`` from the environment (the two
    secrets also from files named by ``SECRET_KEY_FILE`` and
    ``JWT_PRIVATE_KEY_FILE``), refuses the secrets the embedded default
    generated into ``var/``, and defaults ``DEBUG`` to off; the embedded
    default generates its secrets once into ``var/``. ``embedded_var_dirs``
    are other folders whose generated secrets production refuses too (the
    checkout's ``var/`` when ``CASINO_VAR_DIR`` points elsewhere).
    """
    production = parse_bool(env, "PRODUCTION", False)
    debug = parse_bool(env, "DEBUG", not production)

    secret_key = read_secret(env, "SECRET_KEY")
    if not secret_key:
        if production or not debug:
            raise ConfigError("SECRET_KEY", "required when DEBUG is off or PRODUCTION is on")
        secret_key = read_or_create(var_dir / "secret_key.txt", lambda: secrets.token_urlsafe(50))
    elif len(secret_key) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters")
    elif production:
        for folder in (var_dir, *embedded_var_dirs):
            refuse_embedded_secret("SECRET_KEY", secret_key, folder / "secret_key.txt")

    jwt_key = read_secret(env, "JWT_PRIVATE_KEY")
    if not jwt_key:
        if production:
            raise ConfigError("JWT_PRIVATE_KEY", "required in production (an RSA key in PEM)")
        jwt_key = read_or_create(var_dir / "jwt_private_key.pem", generate_rsa_key)
    elif "PRIVATE KEY" not in jwt_key:
        raise ConfigError("JWT_PRIVATE_KEY", "expected an RSA private key in PEM format")
    elif production:
        for folder in (var_dir, *embedded_var_dirs):
            refuse_embedded_secret("JWT_PRIVATE_KEY", jwt_key, folder / "jwt_private_key.pem")

    allowed_hosts = parse_list(
        env, "ALLOWED_HOSTS", [] if production else ["127.0.0.1", "localhost"]
    )
    if production and not allowed_hosts:
        raise ConfigError("ALLOWED_HOSTS", "required in production (comma-separated host names)")

    metrics_token = read_secret(env, "METRICS_TOKEN")
    if metrics_token and len(metrics_token) < 16:
        raise ConfigError("METRICS_TOKEN", "must be at least 16 characters (or unset: no /metrics)")

    database_pool = parse_bool(env, "DATABASE_POOL", False)
    site_min_age = parse_int(env, "SITE_MIN_AGE", 18, 13, 99)
    # Mature gallery items need a verified age of at least this; 19 is Korea's
    # age of majority. Never below the signup age.
    mature_min_age = parse_int(env, "MATURE_MIN_AGE", max(19, site_min_age), site_min_age, 99)
    return Config(
        production=production,
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        database=parse_database(env, var_dir, database_pool),
        redis_url=parse_redis(env),
        email=parse_email(env),
        time_zone=parse_time_zone(env),
        site_min_age=site_min_age,
        mature_min_age=mature_min_age,
        jwt_private_key=jwt_key,
        csrf_trusted_origins=parse_list(env, "CSRF_TRUSTED_ORIGINS", []),
        database_pool=database_pool,
        throttle_rates=parse_throttles(env),
        socket_message_rate=parse_int(env, "SOCKET_MESSAGE_RATE", 10, 1, 10_000),
        socket_message_burst=parse_int(env, "SOCKET_MESSAGE_BURST", 20, 1, 100_000),
        num_proxies=parse_int(env, "NUM_PROXIES", 0, 0, 10),
        metrics_token=metrics_token,
        log_format=parse_log_format(env),
        signups_per_ip_per_day=parse_int(env, "SIGNUPS_PER_IP_PER_DAY", 3, 0, 1_000_000),
        signups_per_device_per_day=parse_int(env, "SIGNUPS_PER_DEVICE_PER_DAY", 3, 0, 1_000_000),
    )
