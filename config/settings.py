"""Digihelp settings.

Every deployment value comes from an environment variable (see docs/operations.md,
"Settings").
Defaults are safe: DEBUG is off unless asked for, and a production start needs SECRET_KEY.
`make run` writes a development `.env` from `.env.example`, which this module reads.
"""

from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_redis_url,
    env_str,
    load_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent
if not env_bool("SKIP_DOTENV", False):
    load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A production start (DEBUG off) refuses to run without "
            "a long random SECRET_KEY; set DEBUG=true for development."
        )
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# The public address of the site, used in links sent by SMS and by Wagtail's admin.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "campaign",
    "teams",
    "sessions.apps.HelpSessionsConfig",
    "notifications",
    "desk",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    # Editors translate pages and snippets (replaces wagtail.locales).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_q",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The wiring: writes the task queue's timetable (config/schedules.py) after migrate.
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (static files excepted).
    "config.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # The app's time for each API request, for clients and load tests.
    "config.timing.ServerTimingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.api_language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The header's links for the signed-in person's roles.
                "config.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite file for development, PostgreSQL in production.
DATABASE_URL_IS_SET = bool(env_str("DATABASE_URL"))
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
USING_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if USING_SQLITE:
    # Writers wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
if not DEBUG and not DATABASE_URL_IS_SET:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. A production start (DEBUG off) needs PostgreSQL, "
        "for example DATABASE_URL=postgres://digihelp@db.internal:5432/digihelp"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the task broker and the shared cache when several hosts serve the app.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Task queue (django-q2). The ORM broker redelivers a task whose worker died after
# `retry` seconds; Redis does not, so work is kept in the database and swept for.
Q_CLUSTER = {
    "name": "digihelp",
    # SQLite allows one writer: several workers would fail with "database is locked".
    "workers": 1 if USING_SQLITE else env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 60),
    "retry": env_int("Q_RETRY", 120),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 3),
    # Never replay missed schedules after downtime: they send SMS.
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if Q_CLUSTER["timeout"] >= Q_CLUSTER["retry"]:
    raise ImproperlyConfigured(
        f"Q_TIMEOUT ({Q_CLUSTER['timeout']}) must be shorter than Q_RETRY "
        f"({Q_CLUSTER['retry']}), or a slow task runs twice at once"
    )
if Q_CLUSTER["max_attempts"] < 1:
    raise ImproperlyConfigured("Q_MAX_ATTEMPTS must be at least 1 (0 would retry forever)")

# Accounts and sign-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:today"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing: five wrong passwords for one account from one address lock that
# pair out for fifteen minutes (django-axes, recorded in the database, so every host
# sees the same count).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "config.security.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lib.client_address.client_ip"
# How many reverse proxies stand in front of the app and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Languages and time.
LANGUAGE_CODE = "vi"  # before Wagtail's first migration: it creates the first locale
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-wagtail"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# 07/12/2026, 07:30 in both languages (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# Static and media files: WhiteNoise serves static files from every web host.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
WHITENOISE_AUTOREFRESH = DEBUG  # development serves straight from the apps' folders
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Wagtail.
WAGTAIL_SITE_NAME = "Digihelp"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if not USING_SQLITE:
    # Made by a cms migration: 'simple' with unaccent, so "dang ky" matches "đăng ký".
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "digihelp_unaccent"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "csv"]

# Team registry: uploads with more rows than this are imported in the task queue.
TEAMS_IMPORT_QUEUE_ROWS = env_int("TEAMS_IMPORT_QUEUE_ROWS", 3000)

# Help sessions. Phone numbers citizens give for a follow-up SMS are erased this many
# days after their campaign ends (`manage.py purge_citizen_contacts`, run daily);
# each campaign can set its own period, this is the default for new ones.
CITIZEN_CONTACT_RETENTION_DAYS = env_int("CITIZEN_CONTACT_RETENTION_DAYS", 30)
# Records kept only for a while, in days (0: for ever); `manage.py purge_expired_records`
# runs nightly. Uploaded import files name everyone in them; old messages keep their
# status and segments but lose number and text; sign-in attempts (django-axes) and the
# audit trail itself.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)
MESSAGE_HISTORY_RETENTION_DAYS = env_int("MESSAGE_HISTORY_RETENTION_DAYS", 365)
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 90)
AUDIT_EVENT_RETENTION_DAYS = env_int("AUDIT_EVENT_RETENTION_DAYS", 1825)
# How long after a log reached the server its volunteer may still correct it.
HELP_SESSION_CORRECTION_HOURS = env_int("HELP_SESSION_CORRECTION_HOURS", 24)

# SMS.
SMS_PROVIDER = env_str("SMS_PROVIDER", "console")
SMS_RATE_PER_SECOND = env_int("SMS_RATE_PER_SECOND", 10)
# Decree 91/2020: messages go out between 07:00 and 22:00 local time unless urgent.
SMS_QUIET_HOURS = env_str("SMS_QUIET_HOURS", "22:00-07:00")
if SMS_QUIET_HOURS.strip():
    try:
        for clock in SMS_QUIET_HOURS.split("-", 1):
            time.fromisoformat(clock.strip())
        if "-" not in SMS_QUIET_HOURS:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"SMS_QUIET_HOURS={SMS_QUIET_HOURS!r}: use HH:MM-HH:MM, e.g. 21:00-07:00, "
            "or leave it empty for no quiet hours"
        ) from None
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5)
# What one segment costs, in VND, for the cost estimate shown when composing; empty: unknown.
try:
    SMS_PRICE_PER_SEGMENT = Decimal(env_str("SMS_PRICE_PER_SEGMENT", "0") or "0")
except InvalidOperation:
    raise ImproperlyConfigured(
        f"SMS_PRICE_PER_SEGMENT={env_str('SMS_PRICE_PER_SEGMENT')!r} is not a number "
        "(for example 850)"
    ) from None
SMS_RETRY_BASE_SECONDS = env_int("SMS_RETRY_BASE_SECONDS", 30)
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL", "https://api.twilio.com")
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 10)
# Broadcasts send no more than this many messages to one number in 24 hours (Decree 91).
BROADCASTS_PER_NUMBER_PER_DAY = env_int("BROADCASTS_PER_NUMBER_PER_DAY", 3)

# Zalo Notification Service (ZNS): off until ZALO_APP_ID is set. Then a notification
# with an approved template goes by Zalo first and by SMS when Zalo cannot deliver it.
ZALO_APP_ID = env_str("ZALO_APP_ID")
ZALO_APP_SECRET = env_str("ZALO_APP_SECRET")
# The official account's secret key: Zalo signs its webhook calls with it.
ZALO_OA_SECRET_KEY = env_str("ZALO_OA_SECRET_KEY")
ZALO_API_BASE_URL = env_str("ZALO_API_BASE_URL", "https://business.openapi.zalo.me")
ZALO_OAUTH_BASE_URL = env_str("ZALO_OAUTH_BASE_URL", "https://oauth.zaloapp.com")
# A Zalo message with no delivery report after this long goes by SMS instead.
ZALO_FALLBACK_AFTER_MINUTES = env_int("ZALO_FALLBACK_AFTER_MINUTES", 30)
ZALO_RATE_PER_SECOND = env_int("ZALO_RATE_PER_SECOND", 10)
ZALO_TIMEOUT_SECONDS = env_int("ZALO_TIMEOUT_SECONDS", 10)
# Zalo's development mode: messages reach only the account's admins (for staging).
ZALO_DEVELOPMENT_MODE = env_bool("ZALO_DEVELOPMENT_MODE", False)
try:
    ZALO_PRICE_PER_MESSAGE = Decimal(env_str("ZALO_PRICE_PER_MESSAGE", "0") or "0")
except InvalidOperation:
    raise ImproperlyConfigured(
        f"ZALO_PRICE_PER_MESSAGE={env_str('ZALO_PRICE_PER_MESSAGE')!r} is not a number "
        "(for example 300)"
    ) from None
if ZALO_APP_ID and not ZALO_APP_SECRET:
    raise ImproperlyConfigured("ZALO_APP_ID is set: ZALO_APP_SECRET is needed too")
if ZALO_FALLBACK_AFTER_MINUTES < 1:
    raise ImproperlyConfigured("ZALO_FALLBACK_AFTER_MINUTES must be at least 1")

# Demo data: each app adds its own step (see `manage.py seed_demo`).
DEMO_SEEDERS = ["campaign.demo.seed", "teams.demo.seed", "sessions.demo.seed", "cms.demo.seed"]

# Security. Behind a reverse proxy that terminates TLS (deploy/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # sent when a volunteer opens a link from an SMS
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview frames same-origin
# Other sites get our origin only, never a path (links carry tokens); the embedded video
# players need that much to play.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of ours uses, refused to them and to the frames they embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    ]
}

# Content-Security-Policy (django-csp). Our own pages load scripts, styles, images and
# fonts from this site only; inline code is not allowed unless it carries the request's
# nonce (nonce="{{ request.csp_nonce }}"). Training modules embed YouTube or Vimeo.
VIDEO_EMBED_ORIGINS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "frame-src": VIDEO_EMBED_ORIGINS,
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "report-uri": ["/csp-report"],  # config/csp_reports.py logs what was blocked
    }
}
# The Wagtail admin (and Django's) under these prefixes gets a policy of its own: their
# templates and widgets write inline scripts and styles, which carry no nonce, so those
# are allowed there. Everything else stays on this site, except the video players and
# their thumbnails an editor previews, and Wagtail's check for new releases.
ADMIN_URL_PREFIXES = ["/admin/", "/django-admin/"]
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [csp.SELF],
    "script-src": [csp.SELF, csp.UNSAFE_INLINE],
    "style-src": [csp.SELF, csp.UNSAFE_INLINE],
    "img-src": [csp.SELF, "data:", "blob:", "https://i.ytimg.com", "https://i.vimeocdn.com"],
    "connect-src": [csp.SELF, "https://releases.wagtail.org"],
    "frame-src": [csp.SELF, *VIDEO_EMBED_ORIGINS],
    "object-src": [csp.NONE],
    "base-uri": [csp.SELF],
    "form-action": [csp.SELF],
    "frame-ancestors": [csp.SELF],  # Wagtail's preview panel frames its own pages
    "report-uri": ["/csp-report"],
}
# Editors' e-mail addresses are not sent to Gravatar: the admin shows its own avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Abuse limits, counted in the cache (lib/ratelimit.py; Redis in production, so all
# hosts count together). Each is requests/window, such as 120/m, 20/15m or 10/h, or off.
# The phone's sync, per volunteer: the page retries with backoff and sends a full queue
# in batches of 50, so this leaves a wide margin; a refused request gets Retry-After.
SYNC_RATE_LIMIT = env_rate("SYNC_RATE_LIMIT", "120/m")
# Each page behind a link sent by SMS (opt-out, shift answer, invitation, reset code),
# per client address. Many phones share one address behind an operator's NAT.
LINK_RATE_LIMIT = env_rate("LINK_RATE_LIMIT", "300/10m")
# Wrong or used-up tokens and codes on those pages together, per client address; past
# it, that address is refused on all of them until the window ends.
WRONG_LINK_RATE_LIMIT = env_rate("WRONG_LINK_RATE_LIMIT", "20/15m")
# Reports of what the Content-Security-Policy blocked, per client address: a page that
# breaks the policy reports on every load, and anyone may post here.
CSP_REPORT_RATE_LIMIT = env_rate("CSP_REPORT_RATE_LIMIT", "100/10m")
# Volunteers stay signed in on their phone for a whole campaign.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_DAYS", 60) * 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Wagtail's background work (search index, references) logs every task at INFO.
        "django_tasks": {"level": "WARNING"},
        # Twilio's client logs every request, its headers and the answer's at INFO.
        "twilio.http_client": {"level": "WARNING"},
    },
}
