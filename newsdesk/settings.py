"""Newsdesk settings, read from the environment.

Defaults are safe to run locally: SQLite in the project folder, DEBUG off unless asked for
(``DEBUG=1``), this machine's own host names only. A process that answers for any other host
is production: start-up refuses to go on without a real SECRET_KEY, and cookies, HTTPS and
static files are set up for it.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ",".join(LOCAL_HOSTS))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Serving any host beyond this machine's own is production.
PRODUCTION = any(host not in LOCAL_HOSTS for host in ALLOWED_HOSTS)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Serving hosts beyond localhost (ALLOWED_HOSTS), Newsdesk "
            "needs a real secret: "
            "export SECRET_KEY to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = _DEV_SECRET
elif PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a request that writes holds SQLite's one writer's place throughout.
    "annotations.middleware.SQLiteWriteQueueMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "annotations.middleware.RefuseBadParametersMiddleware",
    "annotations.middleware.DatabaseErrorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers for sign-ins that it locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"
ASGI_APPLICATION = "newsdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # The job worker writes while pages read: with a write-ahead log readers do not wait
    # for it, and a commit (one per imported article) costs no more than it must.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "annotations.User"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:article-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Largest article body accepted, in characters, and largest upload, in bytes.
NEWSDESK_MAX_BODY_CHARS = int(os.environ.get("NEWSDESK_MAX_BODY_CHARS", "500000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 2**20)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Longest value of one query parameter (a search term, an id), in characters.
NEWSDESK_MAX_QUERY_CHARS = env_int("NEWSDESK_MAX_QUERY_CHARS", 2000)
NEWSDESK_MAX_IMPORT_BYTES = int(os.environ.get("NEWSDESK_MAX_IMPORT_BYTES", str(20 * 2**20)))

# Background jobs: Django's tasks framework (the django-tasks backport) with its database
# backend, so the queue lives in the project's own database. `manage.py worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The longest the suggester may spend on one article before it is stopped and skipped.
NEWSDESK_SUGGEST_SECONDS = float(os.environ.get("NEWSDESK_SUGGEST_SECONDS", "10"))
# Lines of a JSON Lines import stored in one transaction: more is faster, and a cancel
# or a worker's stop waits for the batch in hand.
NEWSDESK_IMPORT_BATCH = env_int("NEWSDESK_IMPORT_BATCH", 200)
# A running job whose worker has given no sign of life for this long is marked failed.
NEWSDESK_JOB_STALE_SECONDS = float(os.environ.get("NEWSDESK_JOB_STALE_SECONDS", "60"))
# Files written by jobs (exports), served only through access-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Proxies in front of Newsdesk that add the client's address to X-Forwarded-For; 0 when
# clients connect directly. Throttling counts per client address with it.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.throttling.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["annotations.permissions.ReadAnyRoleWriteEditors"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only (anything else is a 415); the import endpoint also takes multipart uploads.
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.JSONParser"],
    # Validation errors: 400, or 409/422 for refusals that depend on stored rows.
    "EXCEPTION_HANDLER": "annotations.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["annotations.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        # API calls per signed-in user (token or session); "off" for no limit.
        "user": os.environ.get("API_USER_RATE", "600/minute"),
        # Failed token sign-ins per client address, after which tokens from it are refused.
        "token_failures": os.environ.get("API_TOKEN_FAILURE_RATE", "20/hour"),
    },
    # Proxies in front of Newsdesk that append to X-Forwarded-For (0: use the peer address).
    "NUM_PROXIES": NUM_PROXIES,
}

# Sign-in throttling (django-axes): after SIGNIN_FAILURE_LIMIT wrong passwords for one account
# or from one address, sign-in is refused (429) for SIGNIN_COOLOFF_MINUTES, each further try
# starting the wait again.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "annotations.errors.signin_locked_out"
AXES_IPWARE_PROXY_ORDER = "right-most"  # the address our own proxies saw, not one a client made up
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if NUM_PROXIES else ["REMOTE_ADDR"]
)

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsdesk API",
    "DESCRIPTION": "Attributed statements in news: quotes, speakers, outlets and articles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's button (nested controls, small targets).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    # Request bodies get components of their own (OutletRequest, ...), so that they can say
    # what writes require (non-blank names, no NUL, http(s) URLs) apart from what reads show.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.exact_strings",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QuoteKindEnum": "annotations.models.Quote.Kind",
        "QuoteStatusEnum": "annotations.models.Quote.Status",
        "ArticleStatusEnum": "annotations.models.Article.Status",
        "OutletKindEnum": "annotations.models.Outlet.Kind",
        "SpeakerKindEnum": "annotations.models.Speaker.Kind",
        "JobKindEnum": "annotations.models.Job.Kind",
        "JobStateEnum": "annotations.models.Job.State",
    },
}

# Content-Security-Policy: no inline script, no eval, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Error reports (mail to ADMINS, the DEBUG page) hide database URLs and passwords too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "annotations.errors.ReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
