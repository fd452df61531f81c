"""Settings from the environment (twelve-factor).  SQLite by default; PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

django_stubs_ext.monkeypatch()  # lets admin classes be typed as ModelAdmin[Model] at run time

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("JUZHU_DEBUG", False)
# A development key only; production sets JUZHU_SECRET_KEY.
SECRET_KEY = os.environ.get("JUZHU_SECRET_KEY", "dev-insecure-juzhu-key-change-me")
ALLOWED_HOSTS = os.environ.get("JUZHU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "juzhu.vault",
    "juzhu.audit",
    "juzhu.workcal",
    "juzhu.accounts",
    "juzhu.registry",
    "juzhu.epermit",
    "juzhu.employers",
    "juzhu.entitlements",
    "juzhu.enforcement",
    "juzhu.sharing",
    "juzhu.operations",
    "juzhu.notifications",
    "juzhu.applicants",
    "juzhu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Juzhu serves its own styles, scripts and htmx (district intranets have no internet or CDN).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Public verification (/api/v1/verify/…, /api/v1/epermit/verify, /v/…): requests per address and
    # minute, one cache round trip; after LocaleMiddleware so its 429 speaks the request's language.
    "juzhu.web.throttle.VerifyRateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "juzhu.web.context.nav",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'juzhu.sqlite3'}"),
        conn_max_age=int(os.environ.get("JUZHU_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Serialise writers instead of failing with "database is locked" under the dev server.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20

elif env_bool("JUZHU_PG_PREPARED", True):
    # Server-side binding lets psycopg prepare a statement after 5 uses on a connection: planning
    # was most of the cost of a verification (bench/README.md).  Set JUZHU_PG_PREPARED=0 behind a
    # transaction-mode connection pooler (PgBouncer without prepared-statement support).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"  # T-zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("JUZHU_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # `collectstatic` fills it; WhiteNoise wants it to exist
# Without `collectstatic`, WhiteNoise finds the files in the apps (small deployments, tests).
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# A language chosen with the switch is kept in a cookie for a year; Accept-Language decides otherwise.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# Applicants' uploaded documents: outside the web root and never served as static files; only
# the applicant (with the application number and identity number) and staff can open them.
JUZHU_UPLOAD_ROOT = Path(os.environ.get("JUZHU_UPLOAD_ROOT", str(BASE_DIR / "var" / "uploads")))
JUZHU_UPLOAD_MAX_BYTES = int(os.environ.get("JUZHU_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = JUZHU_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Notifications (reminders to holders): the outbox is sent by `manage.py run_daily` through
# this backend.  "console" prints; "email" uses Django's e-mail settings; an SMS gateway is a
# dotted path to a class with the same interface (juzhu.notifications.backends).
JUZHU_NOTIFY_BACKEND = os.environ.get("JUZHU_NOTIFY_BACKEND", "console")
EMAIL_BACKEND = os.environ.get("JUZHU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("JUZHU_FROM_EMAIL", "juzhu@linhe.example.gov.cn")
# One-time codes to applicants go by SMS only (juzhu.applicants): "console" (prints them; the default
# with DEBUG on), or the dotted path of a gateway class.  Unset with DEBUG off, the reminders' gateway
# is used when JUZHU_NOTIFY_BACKEND is one; otherwise the portal says SMS is unavailable.
JUZHU_SMS_BACKEND = os.environ.get("JUZHU_SMS_BACKEND", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JUZHU_LOG_LEVEL", "INFO")},
}

# A cache shared by every worker (the public lookups' failure counts, juzhu.web.throttle):
# JUZHU_CACHE_URL=redis://127.0.0.1:6379/1 in production; per-process memory otherwise.
if os.environ.get("JUZHU_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["JUZHU_CACHE_URL"],
            "KEY_PREFIX": "juzhu",
        }
    }

# Client addresses for the public pages' limits (juzhu.web.throttle): behind N reverse proxies that
# each append to X-Forwarded-For, set JUZHU_TRUSTED_PROXIES=N; 0 (default) takes REMOTE_ADDR as is.
JUZHU_TRUSTED_PROXIES = int(os.environ.get("JUZHU_TRUSTED_PROXIES", "0"))
# Public verifications per client address and minute (juzhu.policy.proof.VerifyPolicy, 30 unless set).
JUZHU_VERIFY_PER_MINUTE = int(os.environ.get("JUZHU_VERIFY_PER_MINUTE", "0")) or None

# The public address of this deployment, printed in the QR of cards made outside a request
# (a request's own address is used when there is one).
JUZHU_PUBLIC_BASE_URL = os.environ.get("JUZHU_PUBLIC_BASE_URL", "")

# Master keys of the key service (juzhu.vault.keys): "kid:base64" entries, newest first, in the
# environment or in a file readable by its owner only.  Required when DEBUG is off.
JUZHU_MASTER_KEYS = os.environ.get("JUZHU_MASTER_KEYS", "")
JUZHU_MASTER_KEYS_FILE = os.environ.get("JUZHU_MASTER_KEYS_FILE", "")
JUZHU_CIPHER = os.environ.get("JUZHU_CIPHER", "sm4-gcm")  # or aes-256-gcm

# The bulk-reading alert (juzhu.policy.reads.READ_ALERT_RECORDS_PER_DAY, 100 by default): an account
# that opens the records of more distinct people than this in one day is flagged on the audit
# administrator's report and by the daily run.  Unset: the default.
JUZHU_READ_ALERT_PER_DAY = (
    int(os.environ["JUZHU_READ_ALERT_PER_DAY"]) if os.environ.get("JUZHU_READ_ALERT_PER_DAY") else None
)

# The deploying jurisdiction (juzhu.policy.parameters); Linhe District by default.
JUZHU_JURISDICTION = os.environ.get("JUZHU_JURISDICTION", "linhe")
