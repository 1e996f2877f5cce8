"""Comity settings, all driven by the environment so one build serves a laptop and production.

COMITY_SECRET_KEY, COMITY_DEBUG, COMITY_ALLOWED_HOSTS, DATABASE_URL (default: the SQLite file
var/comity.sqlite3), COMITY_DATA_DIR (or COMITY_VAR_DIR), COMITY_DEPLOYMENT_NAME,
COMITY_TARGET_DAYS (JSON: request type -> days), COMITY_URGENT_TARGET_DAYS.
"""

import datetime
import hashlib
import json
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The data folder: everything a deployment keeps on disk (its SQLite file by default, uploads and
# exports, the cache, the secret, ledger and federation keys). Named by COMITY_DATA_DIR (or its
# older name COMITY_VAR_DIR), else the folder of the SQLite file DATABASE_URL names, else var/:
# two deployments then run from one checkout with only DATABASE_URL and PORT differing.
_NAMED_DIR = os.environ.get("COMITY_DATA_DIR") or os.environ.get("COMITY_VAR_DIR")
VAR_DIR = Path(_NAMED_DIR or Path.cwd() / "var")


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("COMITY_DEBUG", True)
# A development key only works while DEBUG is on; production sets its own, in the environment or in
# a file of its own (COMITY_SECRET_KEY_FILE; `comity serve` makes one under var/ and keeps it).
SECRET_KEY = os.environ.get("COMITY_SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("COMITY_SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["COMITY_SECRET_KEY_FILE"]).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("COMITY_SECRET_KEY must be set when COMITY_DEBUG is off")
    SECRET_KEY = "comity-development-only-key-never-use-in-production-0123456789"
ALLOWED_HOSTS = [h for h in os.environ.get("COMITY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    # Comity's apps first: an app listed earlier wins for a message both translate (the admin's
    # "Filter", "All", "Your password was changed.") and for a template both provide.
    "comity.core",
    "comity.reference",
    "comity.accounts",
    "comity.cooperation",
    "comity.assets",
    "comity.ledger",
    "comity.network",
    "comity.guidance",
    "comity.drafting",
    "comity.federation",
    "comity.statistics",
    "comity.backup",
    "comity.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    # Its API documentation served from the package's own files, never a CDN.
    "ninja",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "comity.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "comity.accounts.middleware.IdleTimeoutMiddleware",
    "comity.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comity.config.urls"
WSGI_APPLICATION = "comity.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "comity.network.context_processors.network",
            ],
            "builtins": ["comity.core.templatetags.dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'comity.sqlite3'}"),
        conn_max_age=int(os.environ.get("COMITY_DB_CONN_MAX_AGE", "60")),
    )
}
_SQLITE_NAME = DATABASES["default"]["NAME"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else ""
if not _NAMED_DIR and _SQLITE_NAME and _SQLITE_NAME != ":memory:" and not _SQLITE_NAME.startswith("file:"):
    VAR_DIR = Path(_SQLITE_NAME).resolve().parent
COMITY_DATA_DIR = VAR_DIR
# One browser may hold sessions of two deployments on one host (cookies do not tell ports apart):
# the session and CSRF cookies carry the deployment's name (COMITY_DEPLOYMENT_NAME, else the name
# `comity federation init` gave it, which it writes beside its keys since settings are read before
# the database is, else its data folder's) and a digest of its data folder, so that one's cookies
# never replace the other's.
COMITY_DEPLOYMENT_NAME_FILE = COMITY_DATA_DIR / "federation" / "name"
COMITY_DEPLOYMENT_NAME = (
    os.environ.get("COMITY_DEPLOYMENT_NAME")
    or (
        COMITY_DEPLOYMENT_NAME_FILE.read_text().strip()[:100] if COMITY_DEPLOYMENT_NAME_FILE.is_file() else ""
    )
    or VAR_DIR.name
)
_COOKIE_TAG = "-".join(
    (
        re.sub(r"[^A-Za-z0-9]+", "-", COMITY_DEPLOYMENT_NAME).strip("-")[:40] or "comity",
        hashlib.sha256(str(VAR_DIR.resolve()).encode()).hexdigest()[:8],
    )
)
SESSION_COOKIE_NAME = f"comity-{_COOKIE_TAG}-session"
CSRF_COOKIE_NAME = f"comity-{_COOKIE_TAG}-csrf"
# How long a write waits on SQLite for another to finish before failing with "database is locked".
# SQLite lets one write at a time: a burst of a small office's users queues behind an import
# writing its rows, or a command-line load, for tens of seconds. Waiting is better than failing.
COMITY_SQLITE_BUSY_TIMEOUT = float(os.environ.get("COMITY_SQLITE_BUSY_TIMEOUT", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a write is in progress; IMMEDIATE avoids lock upgrades failing.
    # `threads` lets a large sort use helper threads (SQLite's default is none): the statistics'
    # GROUP BY over a long register sorts every request, which helpers shorten.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": COMITY_SQLITE_BUSY_TIMEOUT,  # set as the connection opens, before the pragmas run
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA threads={int(os.environ.get('COMITY_SQLITE_THREADS', os.cpu_count() or 1))};",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the statistics' CASE and FILTER expressions anew for every query,
    # and at a long register compiling cost as much as the work it sped up. Off unless asked for.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = "-c jit=" + os.environ.get("COMITY_PG_JIT", "off")
    # Statements the server plans once per connection, not at every execution: with persistent
    # connections the pages' few hot statements are prepared after their fifth use (psycopg's
    # prepare_threshold), which took half of PostgreSQL's work off each page of the network (the
    # top bar's statement cost more to plan than to run; ADR 12). Parameters are then bound by the
    # server, never spliced into the text. COMITY_PG_PREPARE_THRESHOLD= (empty) turns it off, for a
    # pooler in transaction mode that cannot keep a session's prepared statements.
    _prepare = os.environ.get("COMITY_PG_PREPARE_THRESHOLD", "5")
    if _prepare:
        _pg_options["server_side_binding"] = True
        _pg_options["prepare_threshold"] = int(_prepare)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login to an account, or from an address, locked out after failures.
    "comity.accounts.backends.LockoutBackend",
    "comity.accounts.backends.AuthorityModelBackend",
]
# OWASP ASVS 2.7: these roles give a second factor (an authenticator app's code, or a recovery
# code) after their password, enrolling an app at their first login; anyone may enrol. Empty for none.
COMITY_MFA_REQUIRED_ROLES = frozenset(
    role.strip()
    for role in os.environ.get("COMITY_MFA_REQUIRED_ROLES", "head,admin,secretariat").split(",")
    if role.strip()
)
OTP_TOTP_ISSUER = os.environ.get("COMITY_MFA_ISSUER", "Comity")
# No one reads another user's second factor: the admin shows no TOTP key, QR code or recovery code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Security keys and passkeys (WebAuthn, django-otp-webauthn) as a second factor, never instead of
# the password. The relying party is the host the user browses (a domain name: browsers refuse
# WebAuthn on a bare IP address such as 127.0.0.1, so use http://localhost:8000 under make run),
# and the expected origin that host's, as checked by ALLOWED_HOSTS (accounts.auth.WebAuthnHelper).
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID_CALLABLE = "comity.accounts.auth.webauthn_rp_id"
OTP_WEBAUTHN_HELPER_CLASS = "comity.accounts.auth.WebAuthnHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Only what django-otp-webauthn's start-up check reads; the origin of each request is the one expected.
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost"]
# OWASP ASVS 2.2: after COMITY_LOCKOUT_FAILURES failed logins to one account, or from one address,
# that account or address is locked out for COMITY_LOCKOUT_MINUTES; every attempt is logged
# (django-axes' AccessAttempt and AccessLog); administrators unlock (the user admin's action).
AXES_FAILURE_LIMIT = int(os.environ.get("COMITY_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("COMITY_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "comity.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 2.1: at least 12 characters, not like the user's name or e-mail, not a common
# password, not a character or two repeated, not the demo data's published password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "comity.accounts.passwords.VariedCharactersValidator"},
    {"NAME": "comity.accounts.passwords.NotTheDemoPasswordValidator"},
]
# Days an API token works, unless another duration is asked for (`comity token add --days`).
COMITY_TOKEN_DAYS = int(os.environ.get("COMITY_TOKEN_DAYS", "90"))
# A password reset link works once, for an hour.
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions are read from the cache and written through to the database: one file read per page
# instead of a query, and nothing lost when the cache is cleared.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# OWASP ASVS 3.3: a session ends after COMITY_IDLE_MINUTES without activity, and after
# COMITY_SESSION_HOURS whatever happens; activity is recorded at most once a minute.
COMITY_IDLE_MINUTES = int(os.environ.get("COMITY_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("COMITY_SESSION_HOURS", "12")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind TLS (COMITY_TLS=true, as in production): HTTPS only, HSTS for a year, cookies sent over
# HTTPS only. Off, Comity serves plain HTTP, as a small office does on loopback (`make run`).
TLS = _env_bool("COMITY_TLS", False)
SECURE_SSL_REDIRECT = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_HSTS_PRELOAD = TLS
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
if _env_bool("COMITY_BEHIND_PROXY", False):
    # A TLS-terminating proxy in front says the scheme the browser used.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# OWASP ASVS 14.4: no script but Comity's own files (htmx, the log's verifier), no eval; inline
# styles are still allowed (htmx and Pico set a few); nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en"
# The six UN languages; English first, every string marked for translation.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Large figures grouped in every language (see comity.config.formats).
FORMAT_MODULE_PATH = ["comity.config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Background work (imports, exports): a database queue worked by `comity worker`; tests run tasks inline.
TASKS = {"default": {"BACKEND": os.environ.get("COMITY_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Progress of long work, shared by the web and worker processes, outside any database transaction.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    },
    # Fragments of pages made from a few values each ({% cache %} varying on all of them), kept in
    # each web worker's memory: the top bar's links, which every page showed anew.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "comity-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# The application serves its own style sheets and scripts (WhiteNoise), with debug off as under
# gunicorn, from where the package keeps them: no collectstatic step, no web server to configure.
WHITENOISE_USE_FINDERS = True
# Only for a web server in front that serves them itself, after `comity collectstatic`.
STATIC_ROOT = os.environ.get("COMITY_STATIC_ROOT") or None

# Days allowed to execute a request, counted from receipt (or sending while not yet received).
COMITY_TARGET_DAYS: dict[str, int] = {
    "mla": 120,
    "extradition": 180,
    "law-enforcement": 60,
    "spontaneous-information": 30,
    "transfer-of-proceedings": 180,
    "joint-investigation": 365,
    **json.loads(os.environ.get("COMITY_TARGET_DAYS", "{}")),
}
COMITY_URGENT_TARGET_DAYS = int(os.environ.get("COMITY_URGENT_TARGET_DAYS", "15"))
COMITY_PAGE_SIZE = 50
# Memory each statistics query may use to group on PostgreSQL (SET LOCAL work_mem).
COMITY_STATISTICS_WORK_MEM = os.environ.get("COMITY_STATISTICS_WORK_MEM", "64MB")
# Counts from 1 to this number minus one are suppressed in statistical submissions.
COMITY_SUBMISSION_THRESHOLD = int(os.environ.get("COMITY_SUBMISSION_THRESHOLD", "5"))
# A running import or export renews its lease every quarter of this; a job whose lease lapsed
# lost its worker, and is failed by the worker's sweeps (COMITY_WORKER_SWEEPS) or its own page.
COMITY_JOB_LEASE_SECONDS = float(os.environ.get("COMITY_JOB_LEASE_SECONDS", "60"))
# What `comity worker` runs every half lease, besides the queue: dotted paths of functions.
COMITY_WORKER_SWEEPS = [
    "comity.core.jobs.reclaim_abandoned",
    "comity.network.services.alerts_escalate",
    "comity.network.services.action_items_remind",
    "comity.network.services.directory_confirmations_remind",
    "comity.network.services.notifications_digest_daily",
]
# The daily digest of notifications (#22 item 7) goes out at this hour (0-23, in TIME_ZONE).
COMITY_DIGEST_HOUR = min(max(int(os.environ.get("COMITY_DIGEST_HOUR", "6")), 0), 23)
# What `comity worker` runs in a loop of its own: again at once while it returns a count of things
# done, else after the worker's interval (1 s): the federation outbox, delivered as it fills.
COMITY_WORKER_LOOPS = ["comity.federation.delivery.outbox_loop"]
# An urgent freezing alert not acknowledged within this many hours is escalated (#22 item 6).
COMITY_ALERT_ACK_HOURS = float(os.environ.get("COMITY_ALERT_ACK_HOURS", "2"))
COMITY_IMPORT_MAX_BYTES = int(os.environ.get("COMITY_IMPORT_MAX_BYTES", str(100 * 2**20)))
# A consultation's draft attachments (#22 item 4): each at most this large, a few per message. The
# API takes them in the JSON body (base64, a third larger), which Django caps at
# DATA_UPLOAD_MAX_MEMORY_SIZE: that cap is raised to hold a message's worth, and no more.
COMITY_ATTACHMENT_MAX_BYTES = int(os.environ.get("COMITY_ATTACHMENT_MAX_BYTES", str(2 * 2**20)))
COMITY_ATTACHMENTS_PER_MESSAGE = int(os.environ.get("COMITY_ATTACHMENTS_PER_MESSAGE", "3"))
# A document of the guidance library (a law, a guide) may be larger than a draft attachment.
COMITY_LIBRARY_MAX_BYTES = int(os.environ.get("COMITY_LIBRARY_MAX_BYTES", str(5 * 2**20)))
DATA_UPLOAD_MAX_MEMORY_SIZE = max(
    2_621_440,
    COMITY_ATTACHMENTS_PER_MESSAGE * COMITY_ATTACHMENT_MAX_BYTES * 4 // 3 + 2**18,
    COMITY_LIBRARY_MAX_BYTES * 4 // 3 + 2**18,
)
# The transparency log's signing key (made by `comity ledger init`) and the origin line of its
# checkpoints, which is also the key's name.
COMITY_LEDGER_KEY_FILE = Path(os.environ.get("COMITY_LEDGER_KEY_FILE", VAR_DIR / "ledger.key"))
COMITY_LEDGER_ORIGIN = os.environ.get("COMITY_LEDGER_ORIGIN", "comity.local/returned-assets")
# Federation (#25, ADR 11): this deployment's private keys, in files and never in the database.
COMITY_FEDERATION_SIGNING_KEY_FILE = Path(
    os.environ.get("COMITY_FEDERATION_SIGNING_KEY_FILE", COMITY_DATA_DIR / "federation" / "signing.pem")
)
COMITY_FEDERATION_ENCRYPTION_KEY_FILE = Path(
    os.environ.get("COMITY_FEDERATION_ENCRYPTION_KEY_FILE", COMITY_DATA_DIR / "federation" / "encryption.pem")
)
# The largest package an inbox reads, and how old a package may be (seconds) before it is refused.
COMITY_FEDERATION_MAX_PACKAGE_BYTES = int(
    os.environ.get("COMITY_FEDERATION_MAX_PACKAGE_BYTES", str(24 * 2**20))
)
# Posts to one peer in flight at once: its web workers answer them side by side (ADR 11).
COMITY_FEDERATION_POSTS_PER_PEER = int(os.environ.get("COMITY_FEDERATION_POSTS_PER_PEER", "4"))
COMITY_FEDERATION_MAX_AGE = int(os.environ.get("COMITY_FEDERATION_MAX_AGE", str(7 * 24 * 3600)))
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("Any")

# Logs carry ids and codes only: no request bodies, summaries or subjects' names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COMITY_LOG_LEVEL", "WARNING")},
}

# Asset recovery follow-up: warn this many days before a freezing order expires or is reviewed,
# and when nothing happened on an asset frozen abroad for this many days (000 §42).
COMITY_ORDER_EXPIRY_WARNING_DAYS = int(os.environ.get("COMITY_ORDER_EXPIRY_WARNING_DAYS", "30"))
COMITY_FOLLOW_UP_DAYS = int(os.environ.get("COMITY_FOLLOW_UP_DAYS", "90"))
# A seized asset whose latest valuation fell this many percent below its first raises an alert.
COMITY_DEPRECIATION_ALERT_PERCENT = int(os.environ.get("COMITY_DEPRECIATION_ALERT_PERCENT", "20"))
# Where `comity rates update` fetches the ECB's euro reference rates (the last 90 days).
COMITY_ECB_RATES_URL = os.environ.get(
    "COMITY_ECB_RATES_URL", "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"
)
# Where users reach Comity, for links in e-mails (reminders).
COMITY_BASE_URL = os.environ.get("COMITY_BASE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get("COMITY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("COMITY_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("COMITY_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("COMITY_EMAIL_FROM", "comity@localhost")
