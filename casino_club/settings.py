"""Django settings for Casino Club.

Every operator-controlled value comes from the environment through
``casino_club.config.read_config``; this file only wires those values in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from casino_club.config import ConfigError, parse_int, read_config
from casino_club.kit.headers import DEFAULT_PERMISSIONS_POLICY

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CASINO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Production also refuses the secrets `make run` generated into the checkout's
# var/ when CASINO_VAR_DIR points elsewhere (casino_club/config.py).
CONFIG = read_config(os.environ, VAR_DIR, embedded_var_dirs=(BASE_DIR / "var",))

PRODUCTION = CONFIG.production
DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
REDIS_URL = CONFIG.redis_url
SITE_MIN_AGE = CONFIG.site_min_age
MATURE_MIN_AGE = CONFIG.mature_min_age
# /metrics answers only with this bearer token; unset, it is a 404 (casino_club/metrics.py).
METRICS_TOKEN = CONFIG.metrics_token
TESTING = "pytest" in sys.modules or os.environ.get("CASINO_TESTING") == "1"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Any OpenID Connect server (configure it in SOCIALACCOUNT_PROVIDERS);
    # without a configured app it offers nothing.
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.headless",
    "accounts",
    "economy",
    "games",
]

MIDDLEWARE = [
    # First: every response, redirects included, says its X-Request-ID.
    "casino_club.kit.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "casino_club.kit.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session middleware, so a session changed by the request
    # (a login) is saved before its socket pass is issued.
    "accounts.socket_pass.SocketPassMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its messages are translated), before CSRF, sessions'
    # users and every view: methods no endpoint serves are a JSON 405 (casino_club/api.py).
    "casino_club.api.ApiRouteGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PlayerLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "casino_club.headless.HeadlessBadBodyMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "accounts.acquisition.AcquisitionMiddleware",
    "accounts.abuse.DeviceCookieMiddleware",
]

ROOT_URLCONF = "casino_club.urls"
WSGI_APPLICATION = "casino_club.wsgi.application"
ASGI_APPLICATION = "casino_club.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's default loaders (cached, project DIRS, app templates/)
            # plus each game folder's templates/ (games/assets.py).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                        "games.assets.GameTemplateLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "accounts.context_processors.site",
                "economy.context_processors.events",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Each game folder's static/ (games/assets.py).
    "games.assets.GameStaticFinder",
]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# The gallery's originals and stage images: private, outside STATIC_ROOT and
# MEDIA_ROOT, served only by economy.gallery.views.gallery_media (docs/safety.md).
GALLERY_MEDIA_ROOT = Path(os.environ.get("GALLERY_MEDIA_ROOT", VAR_DIR / "gallery"))
# "" streams the file from Django; "x-accel-redirect" (nginx, an internal location
# at GALLERY_SENDFILE_PREFIX aliased to GALLERY_MEDIA_ROOT) or "x-sendfile" (apache).
GALLERY_SENDFILE = os.environ.get("GALLERY_SENDFILE", "").strip().lower()
if GALLERY_SENDFILE not in ("", "x-accel-redirect", "x-sendfile"):
    raise ConfigError("GALLERY_SENDFILE", 'expected "", "x-accel-redirect" or "x-sendfile"')
GALLERY_SENDFILE_PREFIX = os.environ.get("GALLERY_SENDFILE_PREFIX", "/protected-gallery/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Manifest storage needs collectstatic; DEBUG and tests serve the
        # source files directly (hashed URLs 404 under live_server).
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# whitenoise has no type for the web app manifest (it would be octet-stream).
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# --- Cache, channel layer, Celery broker ------------------------------------
# /ws/live/ connects trust a recent session check kept in the cache only when
# the cache is shared by every process (Redis): accounts/socket_sessions.py.
WS_SESSION_CACHE = bool(REDIS_URL) and os.environ.get("WS_SESSION_CACHE", "true") != "false"
WS_SESSION_CACHE_SECONDS = 60
# The socket pass (accounts/socket_pass.py): a signed cookie vouching for a
# session on /ws/live/ without a database read, while its generations hold.
WS_PASS_SECONDS = 900
# Threads that authenticate sockets (casino_club/ws_auth.py).
WS_AUTH_THREADS = int(os.environ.get("WS_AUTH_THREADS", "4"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers as an empty cache while Redis is down (casino_club/cache.py).
            "BACKEND": "casino_club.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis whose pool waits for a free connection instead of
            # failing at once (casino_club/kit/channel_layer.py): a full pool
            # is load, not an outage.
            "BACKEND": "casino_club.kit.channel_layer.WaitingRedisChannelLayer",
            "CONFIG": {
                # redis-py 8 defaults socket_timeout to 5 s, the same as
                # channels_redis's blocking receive (BZPOPMIN, 5 s): every idle
                # socket's receive would then time out and be taken for an outage.
                # redis-py 8 caps a pool at 100 connections by default: a burst
                # of connects, each joining its groups, met it with 1,000 sockets.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 15,
                        "max_connections": parse_int(
                            os.environ, "CHANNEL_LAYER_MAX_CONNECTIONS", 500, 10, 100_000
                        ),
                        "pool_timeout": parse_int(
                            os.environ, "CHANNEL_LAYER_POOL_TIMEOUT", 10, 1, 300
                        ),
                    }
                ],
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # kombu's filesystem transport needs no server; it does not create its
    # folders, so make them here (the worker and the web process share them).
    CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
    for folder in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
# Where action subscribers (XP, missions, pass, leaderboards...) run after a
# round commits: "worker" hands them to Celery (the default with Redis, so a
# spin's response does not wait for them), "inline" runs them in the process
# that committed (the embedded default: its in-process channel layer only
# reaches sockets of the web process). Receipts make either exactly-once.
ACTIONS_DISPATCH = os.environ.get("ACTIONS_DISPATCH", "worker" if REDIS_URL else "inline")
if ACTIONS_DISPATCH not in {"worker", "inline"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ACTIONS_DISPATCH: expected 'worker' or 'inline'")
# Days of the action log kept (accounts.retention, run nightly from beat);
# older days that every subscriber has handled are rolled up into
# ActionDaily and deleted. 0 keeps the log forever. Readers of the log look
# back a month at most (active players: 30 days).
ACTIONS_RETENTION_DAYS = int(os.environ.get("ACTIONS_RETENTION_DAYS", "90"))
if ACTIONS_RETENTION_DAYS < 0:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ACTIONS_RETENTION_DAYS: days (0 keeps the log forever)")
# How old the last heartbeat may be before /readyz reports the worker down.
HEARTBEAT_MAX_AGE_SECONDS = 180

# The user_actions event stream (accounts/stream.py): the pipeline's relay
# publishes every action, in order, through this sink (a dotted path to a
# class; empty or "off" for none). Default: the Redis Stream when Redis is
# configured, except under tests, which turn it on where they test it.
USER_ACTIONS_SINK = os.environ.get(
    "USER_ACTIONS_SINK", "accounts.stream.RedisStreamSink" if REDIS_URL and not TESTING else ""
).strip()
if USER_ACTIONS_SINK.lower() in {"", "off", "none"}:
    USER_ACTIONS_SINK = None
USER_ACTIONS_STREAM = os.environ.get("USER_ACTIONS_STREAM", "").strip() or "user_actions"
USER_ACTIONS_STREAM_MAXLEN = parse_int(
    os.environ, "USER_ACTIONS_STREAM_MAXLEN", 1_000_000, 1_000, 10**10
)

# --- Email ------------------------------------------------------------------
globals().update(CONFIG.email)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Casino Club <noreply@casino.local>")

# --- django-allauth ---------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so operators see them; tests that create many
    # players raise signup via SIGNUP_RATE_LIMIT instead of disabling limits.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": os.environ.get("SIGNUP_RATE_LIMIT", "20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Casino Club"
SOCIALACCOUNT_PROVIDERS: dict = {}
# A social sign-up always goes through the completion form (nickname, date of
# birth): the adapter refuses auto-signup too, this states it for operators.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# Multi-account farming (accounts/abuse.py, docs/safety.md "Abuse cases").
SIGNUPS_PER_IP_PER_DAY = CONFIG.signups_per_ip_per_day
SIGNUPS_PER_DEVICE_PER_DAY = CONFIG.signups_per_device_per_day

HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"  # noqa: S105
HEADLESS_JWT_PRIVATE_KEY = CONFIG.jwt_private_key
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = 900
# Serves allauth's own OpenAPI document at /_allauth/openapi.json (and .yaml) for
# app developers; test_schema.py fuzzes its sign-up and login operations.
HEADLESS_SERVE_SPECIFICATION = True
# No openapi.html: allauth's page loads Redoc from a CDN (the site serves
# nothing from CDNs); app developers open the JSON or YAML in their own tools.
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
HEADLESS_FRONTEND_URLS = {
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_confirm_email": "/accounts/confirm-email/{key}/",
}

# --- REST framework and OpenAPI --------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # allauth's JWT, refusing inactive (suspended, deleted) accounts.
        "accounts.authentication.ActiveJWTTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "casino_club.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The client IP of anonymous requests (throttles): REMOTE_ADDR unless
    # this many proxies in front append to X-Forwarded-For (never trusted blindly).
    "NUM_PROXIES": CONFIG.num_proxies,
}
# Per-scope request limits (casino_club/kit/throttles.py, docs/safety.md):
# "play", "claim", "shop", "unlock" per player, "anonymous" per IP and scope.
THROTTLE_RATES = CONFIG.throttle_rates
# How long a window's counter outlives its window (clock skew between processes).
THROTTLE_COUNTER_GRACE_SECONDS = 1
# Per WebSocket connection: messages per second, and the bucket's size.
SOCKET_MESSAGE_RATE = CONFIG.socket_message_rate
SOCKET_MESSAGE_BURST = CONFIG.socket_message_burst
SPECTACULAR_SETTINGS = {
    "TITLE": "Casino Club API",
    "DESCRIPTION": (
        "Social casino with a single coin that has no cash value and cannot be bought. "
        'Errors are always {"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "NotificationKindEnum": "accounts.models.NotificationKind",
        "PlayStyleEnum": "games.segments.models.PlayStyle",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casino_club.kit.schema.add_error_responses",
    ],
}

# --- Content-Security-Policy (django-csp 4) ----------------------------------
from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF, "ws:", "wss:"],
        "media-src": [SELF, "data:", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# --- Security (production) ---------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Django's default, stated: a page opened from elsewhere gets no window.opener.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses, refused (casino_club/kit/headers.py); "" sends none.
PERMISSIONS_POLICY = os.environ.get("PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY).strip()
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# LOG_FORMAT=json: one JSON object per line; both formats carry the request id
# (casino_club/kit/request_id.py), also in Celery tasks a request sent.
from casino_club.kit.request_id import logging_config  # noqa: E402

LOG_FORMAT = CONFIG.log_format
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))
