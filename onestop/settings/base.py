"""Settings read from the environment; every variable is documented in docs/configuration.md.

Two profiles share this file. The embedded profile (the default) runs on SQLite under `var/`
and keeps a generated secret key there; the server profile needs everything set explicitly and
refuses to start when something unsafe is left to a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ONESTOP_VAR_DIR", PROJECT_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PROFILE = os.environ.get("ONESTOP_PROFILE", "embedded")
if PROFILE not in {"embedded", "server", "cluster"}:
    raise ImproperlyConfigured(
        f"ONESTOP_PROFILE={PROFILE!r} is not a profile; use embedded, server or cluster."
    )
DEBUG = env_bool("ONESTOP_DEBUG", False)


def _embedded_secret_key() -> str:
    """Generate the key once and keep it in var/, so sessions survive a restart."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("ONESTOP_SECRET_KEY", "")
if not SECRET_KEY:
    if PROFILE != "embedded":
        raise ImproperlyConfigured(
            f"ONESTOP_SECRET_KEY is not set. The {PROFILE} profile needs a secret key: set "
            "ONESTOP_SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))')."
        )
    SECRET_KEY = _embedded_secret_key()

ALLOWED_HOSTS = env_list(
    "ONESTOP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if PROFILE == "embedded" else ""
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ONESTOP_ALLOWED_HOSTS is empty. With debug off Django answers no request: set "
        "ONESTOP_ALLOWED_HOSTS to the comma-separated host names this site is served under."
    )
CSRF_TRUSTED_ORIGINS = env_list("ONESTOP_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin behind the staff sign-in: lockout and, when required, TOTP.
    "onestop.staff.admin_config.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "onestop.core",
    "onestop.packs",
    "onestop.centers",
    "onestop.catalog",
    "onestop.notifications",
    "onestop.integrations",
    "onestop.people",
    "onestop.registries",
    "onestop.staff",
    "onestop.exchange",
    "onestop.accounts",
    "onestop.applications",
    "onestop.portal",
    "onestop.api",
    "onestop.cli",
    "onestop.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

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
            ],
        },
    }
]

DATABASE_URL = os.environ.get("ONESTOP_DATABASE_URL", f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}")
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and changed passwords are hashed with it; older hashes are upgraded at the
# next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages a deployment serves come from its country pack; this is the set the UI is
# translated into, and ONESTOP_LANGUAGES narrows it.
ALL_LANGUAGES = [("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("ar", "العربية")]
_enabled = env_list("ONESTOP_LANGUAGES", "en,fr,ru,ar")
_unknown = sorted(set(_enabled) - {code for code, _ in ALL_LANGUAGES})
if _unknown:
    raise ImproperlyConfigured(
        f"ONESTOP_LANGUAGES names {', '.join(_unknown)}, which have no interface translation; "
        f"choose among {', '.join(code for code, _ in ALL_LANGUAGES)}."
    )
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in _enabled]
LANGUAGE_CODE = os.environ.get("ONESTOP_DEFAULT_LANGUAGE", LANGUAGES[0][0])
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("ONESTOP_TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True
if PROFILE == "embedded":
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
# A working day at most, and never beyond the browser's life (docs/staff.md).
SESSION_COOKIE_AGE = int(os.environ.get("ONESTOP_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PROFILE != "embedded" and not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("ONESTOP_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "onestop",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONESTOP_LOG_LEVEL", "INFO")},
    # httpx logs every request's full URL at INFO; a registry query's URL holds a national ID.
    "loggers": {"httpx": {"level": "WARNING"}},
}

ONESTOP_PACK_DIR = Path(os.environ.get("ONESTOP_PACK", PROJECT_DIR / "packs" / "demo"))

# The portal's address as citizens reach it: links in messages (an application's tracking page).
ONESTOP_PUBLIC_URL = os.environ.get("ONESTOP_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Tasks the SLA job warns or escalates per batch (docs/applications.md).
ONESTOP_SLA_BATCH = int(os.environ.get("ONESTOP_SLA_BATCH", "200"))

# Applying (docs/applications.md): drafts' lifetime, uploads, the public lookup's limits and the
# retry of evidence a registry did not give at submission.
ONESTOP_SLA_WARNING_SHARE = float(os.environ.get("ONESTOP_SLA_WARNING_SHARE", "0.75"))
ONESTOP_DRAFT_DAYS = int(os.environ.get("ONESTOP_DRAFT_DAYS", "30"))
ONESTOP_UPLOAD_MAX_BYTES = int(os.environ.get("ONESTOP_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
ONESTOP_UPLOAD_TYPES = env_list("ONESTOP_UPLOAD_TYPES", "application/pdf,image/jpeg,image/png")
ONESTOP_UPLOAD_SCANNER = os.environ.get(
    "ONESTOP_UPLOAD_SCANNER", "onestop.applications.attachments.scanner_accept_all"
)
ONESTOP_LOOKUP_MAX_FAILURES = int(os.environ.get("ONESTOP_LOOKUP_MAX_FAILURES", "5"))
ONESTOP_LOOKUP_MAX_CLIENT_FAILURES = int(os.environ.get("ONESTOP_LOOKUP_MAX_CLIENT_FAILURES", "30"))
ONESTOP_LOOKUP_WINDOW_MINUTES = int(os.environ.get("ONESTOP_LOOKUP_WINDOW_MINUTES", "15"))
ONESTOP_EVIDENCE_RETRY_MAX_ATTEMPTS = int(
    os.environ.get("ONESTOP_EVIDENCE_RETRY_MAX_ATTEMPTS", "8")
)
ONESTOP_EVIDENCE_RETRY_BASE_SECONDS = float(
    os.environ.get("ONESTOP_EVIDENCE_RETRY_BASE_SECONDS", "300")
)

# Where the catalog's CPSV-AP identifiers live (IRIs of services, agencies, evidence …).
ONESTOP_CPSV_BASE_IRI = os.environ.get("ONESTOP_CPSV_BASE_IRI", "https://onestop.example/id/")

# How the data exchange reaches each registry: one transport for all, or `registry=transport`
# pairs (see docs/exchange.md).
ONESTOP_EXCHANGE_TRANSPORT = os.environ.get("ONESTOP_EXCHANGE_TRANSPORT", "inprocess")
# The HTTP transport: where the registries' servers are (one base URL, or `registry=URL` pairs),
# the whole time budget of one query in seconds (retries included), how many retries, and the
# circuit breaker per registry (consecutive failures to open it, seconds before a trial call).
ONESTOP_EXCHANGE_REGISTRY_URLS = os.environ.get("ONESTOP_EXCHANGE_REGISTRY_URLS", "")
ONESTOP_EXCHANGE_TIMEOUT = float(os.environ.get("ONESTOP_EXCHANGE_TIMEOUT", "3.0"))
ONESTOP_EXCHANGE_RETRIES = int(os.environ.get("ONESTOP_EXCHANGE_RETRIES", "2"))
ONESTOP_EXCHANGE_BREAKER_FAILURES = int(os.environ.get("ONESTOP_EXCHANGE_BREAKER_FAILURES", "5"))
ONESTOP_EXCHANGE_BREAKER_RESET = float(os.environ.get("ONESTOP_EXCHANGE_BREAKER_RESET", "30"))

# Staff sign-in (docs/staff.md): a TOTP second factor for the admin. Off by default only in the
# embedded profile, whose demo sign-ins have no authenticator.
ONESTOP_STAFF_REQUIRE_TOTP = env_bool("ONESTOP_STAFF_REQUIRE_TOTP", PROFILE != "embedded")
OTP_TOTP_ISSUER = os.environ.get("ONESTOP_TOTP_ISSUER", "onestop")

# Background work: Django's Tasks API (the django-tasks backport) on the database, so a task
# enqueued inside a transaction commits or rolls back with it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "events", "notifications", "periodic"],
    }
}

# Notifications (docs/notifications.md). The development providers keep what would be sent in
# the database, for a demo or a pilot; a deployment chooses real ones.
ONESTOP_SMS_PROVIDER = os.environ.get("ONESTOP_SMS_PROVIDER", "development")
ONESTOP_EMAIL_PROVIDER = os.environ.get("ONESTOP_EMAIL_PROVIDER", "development")
ONESTOP_EMAIL_FROM = os.environ.get("ONESTOP_EMAIL_FROM", "onestop@localhost")
ONESTOP_SMTP_HOST = os.environ.get("ONESTOP_SMTP_HOST", "localhost")
ONESTOP_SMTP_PORT = int(os.environ.get("ONESTOP_SMTP_PORT", "25"))
ONESTOP_SMTP_USER = os.environ.get("ONESTOP_SMTP_USER", "")
ONESTOP_SMTP_PASSWORD = os.environ.get("ONESTOP_SMTP_PASSWORD", "")
ONESTOP_SMTP_STARTTLS = env_bool("ONESTOP_SMTP_STARTTLS", False)
ONESTOP_SMTP_TIMEOUT = float(os.environ.get("ONESTOP_SMTP_TIMEOUT", "10"))
ONESTOP_SMS_GATEWAY_URL = os.environ.get("ONESTOP_SMS_GATEWAY_URL", "")
ONESTOP_SMS_GATEWAY_SECRET = os.environ.get("ONESTOP_SMS_GATEWAY_SECRET", "")
ONESTOP_SMS_CALLBACK_SECRET = os.environ.get("ONESTOP_SMS_CALLBACK_SECRET", "")
ONESTOP_SMS_SENDER = os.environ.get("ONESTOP_SMS_SENDER", "onestop")
ONESTOP_SMS_GATEWAY_TIMEOUT = float(os.environ.get("ONESTOP_SMS_GATEWAY_TIMEOUT", "10"))
ONESTOP_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("ONESTOP_NOTIFICATION_MAX_ATTEMPTS", "6"))
ONESTOP_NOTIFICATION_RETRY_BASE_SECONDS = float(
    os.environ.get("ONESTOP_NOTIFICATION_RETRY_BASE_SECONDS", "30")
)
ONESTOP_NOTIFICATION_RETRY_MAX_SECONDS = float(
    os.environ.get("ONESTOP_NOTIFICATION_RETRY_MAX_SECONDS", "3600")
)
ONESTOP_NOTIFICATION_SEND_LEASE_SECONDS = float(
    os.environ.get("ONESTOP_NOTIFICATION_SEND_LEASE_SECONDS", "120")
)
if ONESTOP_SMS_PROVIDER not in {"development", "http_sms"}:
    raise ImproperlyConfigured(
        f"ONESTOP_SMS_PROVIDER={ONESTOP_SMS_PROVIDER!r} is not a provider; use development or "
        "http_sms."
    )
if ONESTOP_EMAIL_PROVIDER not in {"development", "smtp"}:
    raise ImproperlyConfigured(
        f"ONESTOP_EMAIL_PROVIDER={ONESTOP_EMAIL_PROVIDER!r} is not a provider; use development "
        "or smtp."
    )
if ONESTOP_SMS_PROVIDER == "http_sms" and not (
    ONESTOP_SMS_GATEWAY_URL and ONESTOP_SMS_GATEWAY_SECRET
):
    raise ImproperlyConfigured(
        "The http_sms provider needs ONESTOP_SMS_GATEWAY_URL and ONESTOP_SMS_GATEWAY_SECRET "
        "(the shared secret that signs requests and delivery reports)."
    )

# Background work (docs/background.md).
ONESTOP_EVENT_MAX_ATTEMPTS = int(os.environ.get("ONESTOP_EVENT_MAX_ATTEMPTS", "10"))
ONESTOP_EVENT_RETRY_BASE_SECONDS = float(os.environ.get("ONESTOP_EVENT_RETRY_BASE_SECONDS", "2"))
ONESTOP_EVENT_RETRY_MAX_SECONDS = float(os.environ.get("ONESTOP_EVENT_RETRY_MAX_SECONDS", "3600"))
ONESTOP_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("ONESTOP_WORKER_HEARTBEAT_SECONDS", "5"))
ONESTOP_WORKER_STALE_SECONDS = float(os.environ.get("ONESTOP_WORKER_STALE_SECONDS", "15"))
ONESTOP_SCHEDULER_TICK_SECONDS = float(os.environ.get("ONESTOP_SCHEDULER_TICK_SECONDS", "1"))
ONESTOP_TASK_RESULTS_KEEP_DAYS = int(os.environ.get("ONESTOP_TASK_RESULTS_KEEP_DAYS", "7"))
ONESTOP_NOTIFICATION_BATCH_SIZE = int(os.environ.get("ONESTOP_NOTIFICATION_BATCH_SIZE", "500"))

# Citizen sign-in with a national e-ID over OpenID Connect (docs/sign-in.md). Off, and its
# pages answer 404, unless the issuer, the client id and the client secret are all set.
ONESTOP_OIDC_ISSUER = os.environ.get("ONESTOP_OIDC_ISSUER", "").strip()
ONESTOP_OIDC_CLIENT_ID = os.environ.get("ONESTOP_OIDC_CLIENT_ID", "").strip()
ONESTOP_OIDC_CLIENT_SECRET = os.environ.get("ONESTOP_OIDC_CLIENT_SECRET", "")
ONESTOP_OIDC_SCOPES = os.environ.get("ONESTOP_OIDC_SCOPES", "openid").split()
ONESTOP_OIDC_NATIONAL_ID_CLAIM = os.environ.get("ONESTOP_OIDC_NATIONAL_ID_CLAIM", "national_id")
ONESTOP_OIDC_REDIRECT_URI = os.environ.get("ONESTOP_OIDC_REDIRECT_URI", "").strip()
ONESTOP_OIDC_TIMEOUT = float(os.environ.get("ONESTOP_OIDC_TIMEOUT", "10"))
_oidc_settings = {
    "ONESTOP_OIDC_ISSUER": ONESTOP_OIDC_ISSUER,
    "ONESTOP_OIDC_CLIENT_ID": ONESTOP_OIDC_CLIENT_ID,
    "ONESTOP_OIDC_CLIENT_SECRET": ONESTOP_OIDC_CLIENT_SECRET,
}
if any(_oidc_settings.values()) and not all(_oidc_settings.values()):
    raise ImproperlyConfigured(
        "The e-ID sign-in needs ONESTOP_OIDC_ISSUER, ONESTOP_OIDC_CLIENT_ID and "
        "ONESTOP_OIDC_CLIENT_SECRET together; set "
        + ", ".join(name for name, value in _oidc_settings.items() if not value)
        + " or unset the others."
    )
if ONESTOP_OIDC_ISSUER and "openid" not in ONESTOP_OIDC_SCOPES:
    raise ImproperlyConfigured(
        f"ONESTOP_OIDC_SCOPES={' '.join(ONESTOP_OIDC_SCOPES)!r} lacks `openid`, without which "
        "the provider sends no ID token; add it (space-separated, e.g. 'openid national_id')."
    )
if ONESTOP_OIDC_ISSUER.startswith("http://") and PROFILE != "embedded":
    raise ImproperlyConfigured(
        f"ONESTOP_OIDC_ISSUER={ONESTOP_OIDC_ISSUER!r} is not HTTPS; the {PROFILE} profile "
        "accepts an e-ID provider only over https://."
    )

# Webhooks to agencies' case systems (docs/api.md): attempts, backoff, timeout; plain HTTP only
# to this machine and only when asked (tests, a local trial).
ONESTOP_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("ONESTOP_WEBHOOK_MAX_ATTEMPTS", "8"))
ONESTOP_WEBHOOK_RETRY_BASE_SECONDS = float(
    os.environ.get("ONESTOP_WEBHOOK_RETRY_BASE_SECONDS", "30")
)
ONESTOP_WEBHOOK_RETRY_MAX_SECONDS = float(
    os.environ.get("ONESTOP_WEBHOOK_RETRY_MAX_SECONDS", "21600")
)
ONESTOP_WEBHOOK_TIMEOUT = float(os.environ.get("ONESTOP_WEBHOOK_TIMEOUT", "10"))
ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK = env_bool("ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK", False)
