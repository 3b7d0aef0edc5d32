"""LeadCRM settings.

Every knob is an environment variable with a safe development default, so that
`make run` needs no servers at all (SQLite, a file-system broker, console mail),
while production sets DATABASE_URL, CELERY_BROKER_URL, REDIS_URL and an anymail ESP.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from leadcrm import logging_config, queues, sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
TESTING = env.bool("TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DEBUG=False requires SECRET_KEY and ALLOWED_HOSTS to be set.")
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in mails and notifications (digest, DOI) when there is no request.
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "django_htmx",
    "django_filters",
    "template_partials",
    "django_celery_beat",
    "simple_history",
    "anymail",
    "csp",
    "axes",
    "phonenumber_field",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # LeadCRM apps, bottom layer first: each may import only the ones above it in this list
    # (the contract in pyproject.toml [tool.importlinter] enforces it)
    "ui",
    "accounts",
    "jobs",
    "notifications",
    "contacts",
    "activities",
    "leads",
    "opportunities",
    "capture",
    "conversion",
    "processes",
    "sequences",
    "sla",
    "agenda",
    "engagement",
    "inbound",
    "boards",
    "search",
    "merge",
    "privacy",
    "api",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole stack
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ui.middleware.StripNulMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leadcrm.logging_context.RequestContextMiddleware",  # request_id/user_id in every log line
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ui.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # axes must be last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leadcrm.urls"
WSGI_APPLICATION = "leadcrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "leadcrm.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # The planner's cost of a random page read. PostgreSQL's default (4) models spinning
    # disks; on SSDs it makes the planner walk the time-ordered index and filter instead of
    # using the status index, e.g. board columns right after a large import into one
    # status (45 ms → 1 ms per column at a million leads, bench/results/NOTES.md).
    # Set DB_RANDOM_PAGE_COST=4 on spinning disks; empty to keep the server's setting.
    _rpc = env.str("DB_RANDOM_PAGE_COST", default="1.1")
    if _rpc:
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"]["options"] = f"-c random_page_cost={float(_rpc)}"
if not IS_POSTGRES:
    # SQLite: wait for the writer lock instead of failing while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
if IS_POSTGRES:
    # Behind PgBouncer in transaction mode: no server-side cursors (a named cursor would
    # outlive the transaction's server connection). `.iterator()` then fetches client-side.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
    # Django's psycopg pool (psycopg-pool) per process instead of persistent connections.
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # required by Django with a pool
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
# Optional streaming read replica: lag-tolerant reads (views marked with
# ui.replica.reads_from_replica) go there, everything else to "default" (leadcrm/db_router).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url_config(DATABASE_REPLICA_URL),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # tests: the replica alias is the primary's test database unless a test points it
        # at a real replica (tests/db)
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["leadcrm.db_router.ReplicaRouter"]

# widgets built in Python (same markup as Django's templates, a fraction of the time)
FORM_RENDERER = "ui.forms_rendering.FastRenderer"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "leadcrm",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth and sessions -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleModelBackend",
    "leads.backends.LeadObjectPermissionBackend",  # has_perm("leads.change_lead", lead)
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind N reverse proxies (TLS terminator, load balancer) REMOTE_ADDR is the proxy: then
# the client is the N-th address from the right of X-Forwarded-For (set by those proxies).
# Without this, lockout and the web form's rate limit would count all visitors as one.
# The lockout asks the same helper as the app (django-ipware is not installed, so axes
# would otherwise key on REMOTE_ADDR, the proxy, and lock a user out for everybody).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ui.client_ip.client_ip"
if TRUSTED_PROXY_COUNT:
    RATELIMIT_IP_META_KEY = "ui.client_ip.client_ip"

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# dd.mm.yyyy HH:MM for German readers, mm/dd/yyyy for English ones (ui/display.py)
FORMAT_MODULE_PATH = ["ui.locale_formats"]
PHONENUMBER_DEFAULT_REGION = "DE"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
COUNTRIES_FIRST = ["DE", "AT", "CH"]

# --- static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly; see leads' protected file views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Object storage (django-storages, S3 API: AWS, MinIO, Ceph, …) when S3_BUCKET is set;
# else the local disk above. Objects stay private (no public ACL, no public URL): the
# protected file views check the permission, then redirect to a presigned URL that is
# valid for S3_URL_EXPIRES seconds (ui/private_files.py).
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_URL_EXPIRES = env.int("S3_URL_EXPIRES", default=60)
if S3_BUCKET:
    if not 1 <= S3_URL_EXPIRES <= 3600:
        raise ImproperlyConfigured("S3_URL_EXPIRES must be between 1 and 3600 seconds.")
    _s3_endpoint = env.str("S3_ENDPOINT_URL", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            # "private"; empty sends no ACL (buckets with "bucket owner enforced")
            "default_acl": env.str("S3_DEFAULT_ACL", default="private") or None,
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRES,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": env.str(
                "S3_ADDRESSING_STYLE", default="path" if _s3_endpoint else "virtual"
            ),
        },
    }
# lead list bulk actions on more leads than this run as a background job (leads/bulk/)
LEADCRM_BULK_JOB_THRESHOLD = env.int("LEADCRM_BULK_JOB_THRESHOLD", default=200)
if LEADCRM_BULK_JOB_THRESHOLD < 1:
    raise ImproperlyConfigured("LEADCRM_BULK_JOB_THRESHOLD must be at least 1")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
UPLOAD_IMAGE_MAX_BYTES = env.int("UPLOAD_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# images with more pixels are refused from their header, before decoding (ui.images)
LEADCRM_MAX_IMAGE_PIXELS = env.int("LEADCRM_MAX_IMAGE_PIXELS", default=25_000_000)

# --- e-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LeadCRM <crm@leadcrm.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="dev-webhook:dev-secret"),
    "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
    "SENDGRID_API_KEY": env.str("SENDGRID_API_KEY", default=""),
    "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
}

# --- inbound mail (inbound/): anymail inbound webhooks and/or one polled IMAP mailbox ---
# ESPs whose inbound webhooks are routed (/eingang/webhooks/anymail/<esp>/inbound/).
ANYMAIL_INBOUND_ESPS = env.list("ANYMAIL_INBOUND_ESPS", default=["postmark", "sendgrid", "mailgun"])
# addresses whose mails from unknown senders become new leads (capture channel E-Mail)
LEADCRM_INQUIRY_ADDRESSES = [
    a.strip().lower() for a in env.list("LEADCRM_INQUIRY_ADDRESSES", default=[]) if a.strip()
]
LEADCRM_INBOUND_ATTACHMENT_MAX_BYTES = env.int(
    "LEADCRM_INBOUND_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024
)
IMAP_HOST = env.str("IMAP_HOST", default="")  # empty: the poll job does nothing
IMAP_PORT = env.int("IMAP_PORT", default=993)
IMAP_USER = env.str("IMAP_USER", default="")
IMAP_PASSWORD = env.str("IMAP_PASSWORD", default="")
IMAP_FOLDER = env.str("IMAP_FOLDER", default="INBOX")
IMAP_SSL = env.bool("IMAP_SSL", default=True)

# ESPs whose delivery webhooks are routed (anymail names: postmark, sendgrid, mailgun, …).
ANYMAIL_TRACKING_ESPS = env.list("ANYMAIL_TRACKING_ESPS", default=["postmark", "sendgrid"])

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Tasks are acked late; a task whose worker died is redelivered after this timeout
    # (above every task's hard time limit, leadcrm/queues.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": queues.BROKER_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# queues mail / default / bulk, routes and time limits: leadcrm/queues.py
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_ROUTES = queues.task_routes()
CELERY_TASK_ANNOTATIONS = queues.task_annotations()
CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT = queues.LIMITS[queues.DEFAULT]
# a worker process is replaced after this many tasks (leaks in libraries stay bounded)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- REST API (api/) and outgoing webhooks (webhooks/) ----------------------------------
REST_FRAMEWORK = {
    # personal tokens only: a browser session never authorises an API call (CSRF-free API)
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("LEADCRM_API_RATE", default="600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LeadCRM API",
    "DESCRIPTION": (
        "REST-API von LeadCRM (v1). Authentifizierung: `Authorization: Bearer <Token>` "
        "(Mein Profil → API-Token). Fehler: "
        '`{"error": {"code": "…", "message": "…", "fields": {"feld": ["…"]}}}`, '
        "die Meldung auf Deutsch oder Englisch nach `Accept-Language`. Änderungen an Leads "
        "und Verkaufschancen brauchen `If-Match` mit dem `ETag` (Version): fehlt → 428, "
        "veraltet → 412."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # three choice sets are all called "kind": name each one in the schema
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "activities.models.ActivityKind",
        "OpportunityKindEnum": "opportunities.models.OpportunityKind",
        "NotificationKindEnum": "notifications.kinds.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# consecutive failed deliveries after which a webhook subscription is switched off
WEBHOOK_MAX_FAILURES = env.int("LEADCRM_WEBHOOK_MAX_FAILURES", default=20)
WEBHOOK_TIMEOUT_SECONDS = env.float("LEADCRM_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
if WEBHOOK_MAX_FAILURES < 1:
    raise ImproperlyConfigured("LEADCRM_WEBHOOK_MAX_FAILURES must be 1 or more.")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- business knobs -------------------------------------------------------------------
LEADCRM = {
    "HIGH_SCORE_THRESHOLD": env.int("LEADCRM_HIGH_SCORE_THRESHOLD", default=70),
    "MID_SCORE_THRESHOLD": env.int("LEADCRM_MID_SCORE_THRESHOLD", default=40),
    "STALE_AFTER_DAYS": env.int("LEADCRM_STALE_AFTER_DAYS", default=30),
    "NEW_LEAD_DAYS": env.int("LEADCRM_NEW_LEAD_DAYS", default=7),
    "APPOINTMENT_REMINDER_MINUTES": env.int("LEADCRM_APPOINTMENT_REMINDER_MINUTES", default=30),
    "RETENTION_DAYS": env.int("LEADCRM_RETENTION_DAYS", default=730),
    # days an uploaded import file (and its issues' raw rows) is kept after the import ended
    "IMPORT_FILE_RETENTION_DAYS": env.int("LEADCRM_IMPORT_FILE_RETENTION_DAYS", default=7),
    # days the raw message of an ignored or failed inbound mail is kept (to re-process it)
    "INBOUND_RAW_RETENTION_DAYS": env.int("LEADCRM_INBOUND_RAW_RETENTION_DAYS", default=30),
    "LIST_PAGE_SIZE": env.int("LEADCRM_LIST_PAGE_SIZE", default=50),
    # "Termin bis" of a new appointment when only "Termin von" is given
    "APPOINTMENT_MINUTES": env.int("LEADCRM_APPOINTMENT_MINUTES", default=60),
}
if LEADCRM["APPOINTMENT_MINUTES"] <= 0:
    raise ImproperlyConfigured("LEADCRM_APPOINTMENT_MINUTES must be 1 or more.")
if LEADCRM["IMPORT_FILE_RETENTION_DAYS"] < 0:
    raise ImproperlyConfigured("LEADCRM_IMPORT_FILE_RETENTION_DAYS must be 0 or more.")
if LEADCRM["INBOUND_RAW_RETENTION_DAYS"] < 0:
    raise ImproperlyConfigured("LEADCRM_INBOUND_RAW_RETENTION_DAYS must be 0 or more.")
if not 0 < LEADCRM["MID_SCORE_THRESHOLD"] < LEADCRM["HIGH_SCORE_THRESHOLD"] <= 100:
    raise ImproperlyConfigured(
        "Score bands need 0 < LEADCRM_MID_SCORE_THRESHOLD < LEADCRM_HIGH_SCORE_THRESHOLD <= 100."
    )

# --- security headers -----------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if S3_BUCKET:
    # the business-card thumbnail on the mask follows the redirect to the presigned URL
    _s3_region = STORAGES["default"]["OPTIONS"]["region_name"]
    _s3_default_origin = (
        "{0.scheme}://{0.netloc}".format(urlsplit(_s3_endpoint))
        if _s3_endpoint
        else f"https://{S3_BUCKET}.s3.{_s3_region}.amazonaws.com"
        if _s3_region
        else f"https://{S3_BUCKET}.s3.amazonaws.com"
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        env.str("S3_PUBLIC_ORIGIN", default=_s3_default_origin)
    )
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # X-Forwarded-Proto is honoured only behind a proxy that sets it (TRUSTED_PROXY_COUNT)
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- logs, errors, metrics (leadcrm/logging_config.py, sentry.py, metrics.py) -----------
# one JSON object per line in production, readable lines in development
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in logging_config.LOG_FORMATS:
    raise ImproperlyConfigured("LOG_FORMAT must be json or console.")
LOGGING = logging_config.logging_config(
    log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO")
)
# the worker logs through the same handler (JSON with task_id) instead of Celery's format
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry.init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# bearer token of the Prometheus scraper for /metrics (else staff sessions only)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters long.")
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 default, opted into now
