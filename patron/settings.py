"""Patron's settings: one file, every value read from the environment.

A fresh data directory gets its own secret key on first use, so nothing secret is
ever committed and `make run` works with no environment at all.
"""

import os
import secrets
import stat
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _


def envbool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    return int(os.environ.get(name, default))


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PATRON_DATA_DIR", "var")).resolve()


def _private_data_dir():
    """The data directory (database, secret key, job queue, uploads: personal data) is its owner's
    only: every file a Patron process makes is made 0600 (umask 077), the directory 0700, and at
    every start the directory and the files in it are put back so (an older release's 0644)."""
    os.umask(0o077)
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if DATA_DIR.stat().st_uid != os.getuid():
        return  # a directory someone else gave us: theirs to set
    DATA_DIR.chmod(0o700)
    for path in DATA_DIR.iterdir():
        status = path.lstat()
        if stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid() and status.st_mode & 0o077:
            path.chmod(0o600)


_private_data_dir()
TESTING = "pytest" in sys.modules


def _secret_key():
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "patron.web.admin_config.PatronAdminConfig",
    # Before django.contrib.auth, so its changepassword command (recording the change) is the one run.
    "patron.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    # django-ninja's own Swagger UI files (its static folder), so /api/docs needs no CDN.
    "ninja",
    "patron.workspace",
    "patron.customers",
    "patron.sales",
    "patron.interactions",
    "patron.organisations",
    "patron.imports",
    "patron.duplicates",
    "patron.scoring",
    "patron.loyalty",
    "patron.outbox",
    "patron.tasks",
    "patron.feedback",
    "patron.ladder",
    "patron.relationships",
    "patron.home",
    "patron.help",
    "patron.jobs",
    "patron.web",
    "patron.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "patron.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "patron.accounts.middleware.UserPreferencesMiddleware",
    "patron.web.body_limit.BodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "patron.urls"
WSGI_APPLICATION = "patron.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' folders, so that the admin's base_site.html there wins over Django's
        # own (the admin app comes first in INSTALLED_APPS): the admin in Patron's fonts.
        "DIRS": [BASE_DIR / "web" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "patron.web.context_processors.patron",
            ],
        },
    },
]

# Each web thread (and worker thread) keeps its connection for up to ten minutes, checked before
# each request reuses it: on PostgreSQL a new connection a request cost 14.5 ms of the server's
# CPU a redemption (4.5 ms on a kept one: benchmarks/bench_loyalty_redeem.py); on SQLite opening
# one and setting its pragmas took 2 of a page's 26 ms of CPU, and a new one starts with an empty
# cache.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'patron.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web server reads; the timeout rides out
    # short write locks instead of failing with "database is locked". secure_delete overwrites
    # what is deleted, so an erased person's data does not linger in the file's free pages.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests measure; Argon2 stays the production default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one user name from one address lock that name out from
# there, and twenty from one address across user names lock the whole address, for 15 minutes
# after the last failure; the page says how long is left (patron.accounts.lockout).
AXES_FAILURE_LIMIT = envint("PATRON_LOGIN_FAILURE_LIMIT", 5)
PATRON_LOGIN_ADDRESS_FAILURE_LIMIT = envint("PATRON_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("PATRON_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "patron.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "patron.accounts.lockout.locked_out"

# API throttle: this many requests with a wrong token from one address within the window
# are followed by 429 (with Retry-After) for every token from it until the window frees one.
PATRON_API_FAILURE_LIMIT = envint("PATRON_API_FAILURE_LIMIT", 20)
PATRON_API_FAILURE_WINDOW = timedelta(minutes=envint("PATRON_API_FAILURE_MINUTES", 15))

# Password reset throttle (patron.accounts.throttle): at most this many reset e-mails to one
# account and this many reset requests from one address within the window; past either, the page
# answers as usual but sends nothing, and the refusal is logged.
PATRON_RESET_ACCOUNT_LIMIT = envint("PATRON_RESET_ACCOUNT_LIMIT", 3)
PATRON_RESET_ADDRESS_LIMIT = envint("PATRON_RESET_ADDRESS_LIMIT", 20)
PATRON_RESET_WINDOW = timedelta(minutes=envint("PATRON_RESET_MINUTES", 60))

LANG_INFO["fil"] = {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("tr", _("Turkish")),
    ("fil", _("Filipino")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["patron.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Production behind HTTPS: PATRON_HTTPS=1 turns on secure cookies, the redirect to HTTPS
# and a year of HSTS (each can still be set on its own).
HTTPS = envbool("PATRON_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
if envbool("PATRON_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The job queue: huey on a SQLite file in the data directory (no server to run), or
# on Redis for several workers across machines (PATRON_QUEUE_URL=redis://...).
_queue_url = os.environ.get("PATRON_QUEUE_URL", "")
HUEY = {
    "name": "patron",
    "immediate": envbool("PATRON_QUEUE_IMMEDIATE", TESTING),
    "utc": True,
    "consumer": {"workers": envint("PATRON_WORKERS", 2), "worker_type": "thread"},
}
if _queue_url.startswith("redis"):
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _queue_url})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "queue.sqlite3")})
PATRON_JOB_RETRIES = envint("PATRON_JOB_RETRIES", 3)
# Customer value: the monthly discount rate of lifetime value, and the hour of the nightly scoring
# in the workspace's time zone.
PATRON_CLV_DISCOUNT = float(os.environ.get("PATRON_CLV_DISCOUNT", "0.01"))
PATRON_SCORING_HOUR = envint("PATRON_SCORING_HOUR", 2)
# Loyalty: the hour of the nightly expiry of points, in the workspace's time zone.
PATRON_LOYALTY_EXPIRY_HOUR = envint("PATRON_LOYALTY_EXPIRY_HOUR", 1)
PATRON_JOB_RETRY_DELAY = envint("PATRON_JOB_RETRY_DELAY", 0 if TESTING else 60)

# Files uploaded on the import page; larger ones go through `patron import` on the server.
PATRON_IMPORT_MAX_BYTES = envint("PATRON_IMPORT_MAX_MB", 200) * 2**20
# Uploads too large to hold in memory are spooled inside the data directory, not in /tmp.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "uploads"
FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Every request body: the largest upload plus a form's other fields, refused (413) by its
# Content-Length before it is read; a body sent in chunks without a length, at most as much
# as Django keeps in memory (patron.web.body_limit).
PATRON_REQUEST_MAX_BYTES = PATRON_IMPORT_MAX_BYTES + 2**20
PATRON_CHUNKED_MAX_BYTES = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# Seconds a web import's job may go without a heartbeat before its worker is taken for dead
# and the import is marked failed, with Retry and Discard on its page.
PATRON_IMPORT_HEARTBEAT = envint("PATRON_IMPORT_HEARTBEAT", 60)

# First-run defaults for the workspace; an Admin edits them afterwards.
PATRON_COUNTRY = os.environ.get("PATRON_COUNTRY", "TH")
PATRON_CURRENCY = os.environ.get("PATRON_CURRENCY", "")

NINJA_PAGINATION_PER_PAGE = 50


def email_settings(url, sender):
    """Django's EMAIL_* settings from PATRON_EMAIL_URL and PATRON_EMAIL_FROM.

    ``smtp://user:pass@host:587`` sends with STARTTLS, ``smtps://user:pass@host:465`` over TLS
    from the start; the user and password are URL-encoded (``%40`` for an @). Without a URL no
    mail is sent (PATRON_MAIL_CONFIGURED is false) and the pages say so where mail would go.
    """
    from urllib.parse import unquote, urlsplit

    from django.core.exceptions import ImproperlyConfigured

    if not url:
        return {"PATRON_MAIL_CONFIGURED": False, "DEFAULT_FROM_EMAIL": sender or "patron@localhost"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            "PATRON_EMAIL_URL must look like smtp://user:pass@host:587 (STARTTLS) "
            "or smtps://user:pass@host:465 (TLS)."
        )
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if not (user + password).isascii():
        raise ImproperlyConfigured("PATRON_EMAIL_URL: SMTP sends the user and password as ASCII only.")
    sender = sender or (user if "@" in user else "")
    if not sender:
        raise ImproperlyConfigured("Set PATRON_EMAIL_FROM to the address Patron's mail comes from.")
    implicit_tls = parts.scheme == "smtps"
    return {
        "PATRON_MAIL_CONFIGURED": True,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if implicit_tls else 587),
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_SSL": implicit_tls,
        "EMAIL_USE_TLS": not implicit_tls,
        "EMAIL_TIMEOUT": 30,
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
    }


# PATRON_MAIL_CONFIGURED, DEFAULT_FROM_EMAIL and, with a URL, the EMAIL_* settings.
globals().update(
    email_settings(os.environ.get("PATRON_EMAIL_URL", ""), os.environ.get("PATRON_EMAIL_FROM", ""))
)


def base_url(url):
    """PATRON_BASE_URL: where staff and customers reach Patron, for the links of e-mails sent
    without a request (reminders, surveys, playbooks); http(s), a host, no query; no final /."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            "PATRON_BASE_URL must look like https://crm.example.com (or http://host:port)."
        )
    return url.rstrip("/")


# How long a worker's claim on a queued e-mail lasts while it sends it (patron.outbox.services).
PATRON_MAIL_CLAIM_SECONDS = envint("PATRON_MAIL_CLAIM_SECONDS", 120)

# The default is where `make run` serves.
PATRON_BASE_URL = base_url(os.environ.get("PATRON_BASE_URL", "http://127.0.0.1:8000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Refused requests (4xx) in one line, without the traceback Django logs them with.
    "filters": {"refusals_in_one_line": {"()": "patron.web.security.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}
PATRON_CLOCK_SKEW = timedelta(minutes=5)
