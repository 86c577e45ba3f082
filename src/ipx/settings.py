"""Settings, all read from the environment.

IPX_ENV=production turns on the hardened mode that passes ``manage.py check --deploy``;
anything else is development. DATABASE_URL picks the database (SQLite under var/ by default).
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ipx.core.environment import env_bool, env_list, logging_config, redis_cache, redis_url
from ipx.core.security_policies import content_security_policy, permissions_policy

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IPX_VAR_DIR", PROJECT_DIR / "var"))
# The embedded database, search index and uploads live here; a fresh clone has none yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)


PRODUCTION = os.environ.get("IPX_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-key-not-for-production-use-0123456789")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic", "django.contrib.staticfiles", "django.contrib.humanize",
    # Content-Security-Policy; its checks refuse settings of the 3.x style.
    "csp",
    # Second factors: authenticator apps (TOTP) and one-time recovery codes (ipx.accounts.mfa).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ipx.core",
    "ipx.tasks",
    "ipx.live",
    "ipx.accounts",
    "ipx.ledger",
    "ipx.notifications",
    "ipx.catalog",
    "ipx.listings",
    "ipx.search",
    "ipx.deals",
    "ipx.auctions",
    "ipx.finance",
    "ipx.dataip",
    "ipx.expo",
    "ipx.reports",
    "ipx.matching",
    "ipx.web",
    "ipx.health",
    "ipx.backups",
    "ipx.api",
    "ipx.demo",
    # Failed sign-ins and lockouts (ipx.accounts.security.lockout).
    "axes",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer a load balancer's plain GET (no HTTPS redirect, any
    # Host, no session), see ipx.health.middleware.
    "ipx.health.middleware.HealthEndpointsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the others: an error page any of them (or the URL resolver) makes under /api/
    # goes out in the API's JSON error shape.
    "ipx.api.middleware.JsonErrorsMiddleware",
    # The other security headers, before the public cache: a cached answer is replayed from
    # inside it and gets them here like any other.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but a background request never clears the cookie (ipx.accounts.sessions.cookie).
    "ipx.accounts.sessions.cookie.SessionCookieMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ipx.core.middleware.RefuseNulMiddleware",
    "ipx.web.public_cache.PublicCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A bid below a minimum its lot has reached, sent with an API token and no session cookie,
    # is refused here from one read with the bid endpoint's answer (ipx.api.stale_bids): under
    # load most bids are. After the host check and the headers, before what only a session needs.
    "ipx.api.stale_bids.StaleBidsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in user read by a prepared query (ipx.accounts.sessions.user).
    "ipx.accounts.sessions.user.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session ended for idleness or revoked says so; then who passed the
    # second factor, and the refusal of everything else to whom has not (yet).
    "django_otp.middleware.OTPMiddleware",
    "ipx.accounts.sessions.middleware.SessionActivityMiddleware",
    "ipx.accounts.mfa.middleware.SecondFactorMiddleware",
    "ipx.core.middleware.ApplicationErrorMiddleware",
    # Last: a sign-in refused by the lockout (also the back-office's) answers 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipx.urls"
WSGI_APPLICATION = "ipx.wsgi.application"
ASGI_APPLICATION = "ipx.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipx.web.context_processors.membership",
                "ipx.notifications.context_processors.unread_notifications",
            ],
            # {% url %} remembering what it reversed (ipx.web.templatetags.reversed_urls).
            "builtins": ["ipx.web.templatetags.reversed_urls"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "ipx.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off, for connection poolers that cannot keep
    # them. Its own cursors bind parameters on the client and never prepare anyway; the reads
    # marked ``on_server`` (ipx.core.prepared) are planned once per connection with them on.
    # DATABASE_PREPARED_STATEMENTS=0 behind a pooler that cannot (PgBouncer before 1.21 in
    # transaction mode): those reads are then planned at each run, as every other one is.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "0" else 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # A larger list of common and breached passwords, shipped with IPX (no network needed).
    {"NAME": "ipx.accounts.passwords.validators.BreachedPasswordValidator"},
]
# The lockout backend first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "ipx.accounts.security.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password reset links work once, for an hour; e-mail confirmation links for a week.
PASSWORD_RESET_TIMEOUT = 60 * 60
IPX_EMAIL_CONFIRMATION_DAYS = 7
# Lockout after failed sign-ins (django-axes, on the login page, the back-office and
# POST /api/v1/auth/token). Five failures on one account from one address within the cool-off
# lock that pair out: the sixth attempt answers 429, even with the right password. An account
# from any addresses, and an address across accounts, lock at IPX_LOGIN_WIDE_FAILURE_LIMIT, so
# one address cannot lock other people out and many addresses cannot keep guessing one
# account. The attempts are kept in the database, shared by every process and server.
AXES_HANDLER = "ipx.accounts.security.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("IPX_LOGIN_FAILURE_LIMIT", "5"))
IPX_LOGIN_WIDE_FAILURE_LIMIT = int(os.environ.get("IPX_LOGIN_WIDE_FAILURE_LIMIT", "20"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("IPX_LOGIN_COOLOFF_MINUTES", "15")))
# Attempts refused while locked out are not counted: one address could otherwise push an
# account past the wide limit on its own.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "ipx.accounts.security.lockout.attempted_email"
AXES_CLIENT_IP_CALLABLE = "ipx.core.network.request_ip"
AXES_LOCKOUT_CALLABLE = "ipx.accounts.security.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Reverse proxies in front of IPX (addresses or networks): only their X-Forwarded-For is
# believed when the client's address is needed (lockouts, the security log).
IPX_TRUSTED_PROXIES = env_list("IPX_TRUSTED_PROXIES", [])
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:my_organisation"
LOGOUT_REDIRECT_URL = "web:home"

# Second factor (ipx.accounts.mfa): required of staff, operators and members of financial
# institutions, optional for everyone else; payouts and signing a contract need one verified
# within IPX_STEP_UP_MINUTES (the API: a current code in the X-IPX-OTP header).
OTP_TOTP_ISSUER = "IPX"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
IPX_STEP_UP_MINUTES = int(os.environ.get("IPX_STEP_UP_MINUTES", "10"))
# Sessions (ipx.accounts.sessions): signed out after this long without a request; the
# privileged (those a second factor is required of) sooner.
IPX_SESSION_IDLE_MINUTES_PRIVILEGED = int(os.environ.get("IPX_SESSION_IDLE_MINUTES_PRIVILEGED", "30"))
IPX_SESSION_IDLE_MINUTES = int(os.environ.get("IPX_SESSION_IDLE_MINUTES", str(12 * 60)))
# Sensitive changes (turning off the second factor, new recovery codes, ending sessions) ask
# for the password or a code again when the last one is older than this.
IPX_REAUTH_MINUTES = int(os.environ.get("IPX_REAUTH_MINUTES", "5"))

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Public media: trademark images only, served under /media/ by Django when DEBUG, by the
# web server in production.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Everything else people upload (contracts, attachments, listing documents, import files):
# outside every served path, reached only through access-checked views (ipx.core.storage).
IPX_PRIVATE_ROOT = Path(os.environ.get("IPX_PRIVATE_ROOT", VAR_DIR / "private"))
# Behind nginx: the prefix of its `internal` location over IPX_PRIVATE_ROOT (e.g.
# "/_private"); access-checked views then answer X-Accel-Redirect and nginx sends the file.
# Empty: the application streams the file itself.
IPX_FILES_ACCEL_PREFIX = os.environ.get("IPX_FILES_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "ipx.core.storage.PrivateFileStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "ipx.web.static_storage.RememberedManifestStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads above this are refused before they are read (spreadsheets of 10,000+ rows fit).
IPX_MAX_UPLOAD_BYTES = int(os.environ.get("IPX_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Caches, e-mail -------------------------------------------------------------------------
# Redis, where several servers run (task queue, shared cache); unset on one machine.
REDIS_URL = redis_url()


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {
    "default": redis_cache(REDIS_URL, "ipx") if REDIS_URL else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Public API answers (ipx.web.public_cache); keys carry a content version, so a copy is
    # never stale: one per process on one machine, one for all servers on Redis.
    "public": redis_cache(REDIS_URL, "ipx-public") if REDIS_URL else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ipx-public",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IPX <noreply@ipx.example>")

# --- IPX ------------------------------------------------------------------------------------
# The public address, for links in e-mails.
IPX_SITE_URL = os.environ.get("IPX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Background work (ipx.tasks, on Huey): journal rows in the database, handed on commit to a
# queue store: its own SQLite file in var/ on one machine, Redis when REDIS_URL is set (several
# servers). `ipx worker` runs them, `ipx scheduler` (or `ipx worker --schedule`) the schedules.
IPX_TASKS_REDIS_URL = redis_url()
IPX_TASKS_STORE = Path(os.environ.get("IPX_TASKS_STORE", VAR_DIR / "tasks.sqlite3"))
IPX_TASKS_QUEUE = os.environ.get("IPX_TASKS_QUEUE", "ipx")
# Run each task in the caller right after commit (the test suite); never in production.
IPX_TASKS_IMMEDIATE = os.environ.get("IPX_TASKS_IMMEDIATE", "") == "1"
IPX_TASKS_WORKERS = int(os.environ.get("IPX_TASKS_WORKERS", "2"))
IPX_TASKS_RETRIES = int(os.environ.get("IPX_TASKS_RETRIES", "3"))
IPX_TASKS_RETRY_DELAY = float(os.environ.get("IPX_TASKS_RETRY_DELAY", "5"))  # seconds, doubled each retry
IPX_TASKS_HEARTBEAT_SECONDS = float(os.environ.get("IPX_TASKS_HEARTBEAT_SECONDS", "5"))
# A running task whose heartbeat is older than this was left by a dead worker: run it again.
IPX_TASKS_STALE_SECONDS = float(os.environ.get("IPX_TASKS_STALE_SECONDS", "30"))
IPX_TASKS_KEEP_DAYS = int(os.environ.get("IPX_TASKS_KEEP_DAYS", "14"))
# Health of the queue (ipx.tasks.health): the oldest due task waiting longer than this is
# "degraded" (workers behind), longer than the second "failing" (no worker takes tasks).
IPX_TASKS_LAG_DEGRADED_SECONDS = float(os.environ.get("IPX_TASKS_LAG_DEGRADED_SECONDS", "60"))
IPX_TASKS_LAG_FAILING_SECONDS = float(os.environ.get("IPX_TASKS_LAG_FAILING_SECONDS", "600"))
# Live updates (ipx.live): each app server process reads new events from the database this
# often (one query per process); streams send a comment this often so proxies keep them
# open, and end after IPX_LIVE_MAX_STREAM_SECONDS (the browser reconnects where it was).
IPX_LIVE_POLL_SECONDS = float(os.environ.get("IPX_LIVE_POLL_SECONDS", "0.25"))
IPX_LIVE_HEARTBEAT_SECONDS = float(os.environ.get("IPX_LIVE_HEARTBEAT_SECONDS", "15"))
IPX_LIVE_RETRY_MS = int(os.environ.get("IPX_LIVE_RETRY_MS", "3000"))
IPX_LIVE_MAX_STREAM_SECONDS = float(os.environ.get("IPX_LIVE_MAX_STREAM_SECONDS", "3600"))
# Pruning (ipx.live.services.prune) keeps a day of events, and each stream's last 100 at least.
IPX_LIVE_RETENTION_HOURS = float(os.environ.get("IPX_LIVE_RETENTION_HOURS", "24"))
IPX_LIVE_KEEP_LAST = int(os.environ.get("IPX_LIVE_KEEP_LAST", "100"))
# Search engine: "tantivy" (embedded, default beside SQLite), "postgres", or "sqlite-fts".
IPX_SEARCH_BACKEND = os.environ.get(
    "IPX_SEARCH_BACKEND",
    "postgres" if DATABASES["default"]["ENGINE"].endswith("postgresql") else "tantivy",
)
IPX_SEARCH_INDEX_DIR = Path(os.environ.get("IPX_SEARCH_INDEX_DIR", VAR_DIR / "search"))
# The index is "stale" (health: degraded) when listings changed this long after its last
# catch-up (``ipx.search.state.keep_current``, every minute); the catch-up re-reads changes
# from this far behind its watermark (clock skew, transactions still open then); a rebuild
# whose progress note has not moved for this long is taken for crashed.
IPX_SEARCH_STALE_SECONDS = float(os.environ.get("IPX_SEARCH_STALE_SECONDS", "300"))
IPX_SEARCH_CATCH_UP_MARGIN_SECONDS = float(os.environ.get("IPX_SEARCH_CATCH_UP_MARGIN_SECONDS", "120"))
IPX_SEARCH_REBUILD_SILENT_SECONDS = float(os.environ.get("IPX_SEARCH_REBUILD_SILENT_SECONDS", "600"))
# Health checks (/readyz, ipx doctor): each check's time limit (a slower one reports failing;
# load balancers commonly wait 5 s), and the free space on var/'s disk below which it is degraded.
IPX_HEALTH_CHECK_SECONDS = float(os.environ.get("IPX_HEALTH_CHECK_SECONDS", "3"))
IPX_HEALTH_DISK_MIN_FREE_BYTES = int(os.environ.get("IPX_HEALTH_DISK_MIN_FREE_BYTES", str(1024**3)))
# Hourly backups (ipx.backups) into this folder (none when empty), kept a day, the first of each
# day kept longer; with a passphrase file the registry's signing key too, encrypted.
IPX_BACKUP_DIR = os.environ.get("IPX_BACKUP_DIR", "")
IPX_BACKUP_PASSPHRASE_FILE = os.environ.get("IPX_BACKUP_PASSPHRASE_FILE", "")
IPX_BACKUP_KEEP_HOURLY_HOURS = int(os.environ.get("IPX_BACKUP_KEEP_HOURLY_HOURS", "24"))
IPX_BACKUP_KEEP_DAILY_DAYS = int(os.environ.get("IPX_BACKUP_KEEP_DAILY_DAYS", "31"))
# Platform fee on each escrow release, in percent of the amount released (fixed per deal when made).
IPX_PLATFORM_FEE_PERCENT = Decimal(os.environ.get("IPX_PLATFORM_FEE_PERCENT", "2.00"))
# Auctions: days a winner has to pay (or forfeit its deposit), days a runner-up offered the lot
# has to answer, the seller's share of a forfeited deposit (the exchange keeps the rest).
IPX_AUCTION_PAYMENT_DAYS = int(os.environ.get("IPX_AUCTION_PAYMENT_DAYS", "7"))
IPX_AUCTION_OFFER_DAYS = int(os.environ.get("IPX_AUCTION_OFFER_DAYS", "3"))
IPX_AUCTION_FORFEIT_SELLER_PERCENT = Decimal(os.environ.get("IPX_AUCTION_FORFEIT_SELLER_PERCENT", "50"))
# Who moves the real money for deposits and payouts: a dotted path to a class with the
# methods of ipx.ledger.providers.PaymentProvider. The simulated one moves none.
IPX_PAYMENT_PROVIDER = os.environ.get("IPX_PAYMENT_PROVIDER", "ipx.ledger.providers.SimulatedProvider")
# Matching ranks by meaning (the embedding model) as well as by words and facts; off only
# where the model's cost is not wanted (the test suite, apart from the model's own tests).
IPX_MATCHING_DENSE = True
# Files attached to negotiation messages and listing documents (PDF and images only).
IPX_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
IPX_ATTACHMENT_MAX_FILES = 5

# --- Security -------------------------------------------------------------------------------
# Django's database sessions, read through a prepared query (ipx.accounts.sessions.store).
SESSION_ENGINE = "ipx.accounts.sessions.store"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) and Permissions-Policy (django-permissions-policy):
# this site's own resources only, no feature a page does not need (ipx.core.security_policies).
CONTENT_SECURITY_POLICY = content_security_policy(upgrade_insecure_requests=PRODUCTION)
PERMISSIONS_POLICY = permissions_policy()
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = logging_config(os.environ.get("LOG_LEVEL", "WARNING"))
