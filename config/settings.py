"""Django settings for the Third Sector Strategy Tracker.

Every value that differs between machines comes from the environment through
one ``environ.Env()`` (and an optional ``.env`` file beside ``manage.py``).
``.env.example`` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# An optional .env file (ENV_FILE names another); the environment wins over it.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

# --- Core -------------------------------------------------------------------
# Secure by default: DEBUG is off unless the environment turns it on
# (`make run` and `make test` do).
DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-development-only-never-use-in-production"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Applications -------------------------------------------------------------
INSTALLED_APPS = [
    "config.admin_apps.TrackerAdminConfig",  # Django's admin, behind the product's own sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_filters",
    "simple_history",
    # Project apps
    "strategy",
    "accounts",
    "themes",
    "actions",
    "evidence",
    "monitoring",
    "discussion",
    "indicators",
    "duties",  # the council's duties: equality and social value (issue 15)
    "risks",  # the risk register (issue 15)
    "reports",
    "demo",
    "django.contrib.sitemaps",  # the public site's sitemap (issue 14)
    "publication",  # the public progress site and open data (issue 14)
    "imports",
    "backups",  # manage.py backup and restore (issue 16)
    "privacy",  # data protection: the privacy notice, subject access, erasure (issue 15)
]
# The API (issue 14): Django REST framework, personal tokens stored hashed (django-rest-knox),
# the OpenAPI schema (drf-spectacular) and Swagger UI's files served from here (the sidecar).
INSTALLED_APPS += ["rest_framework", "knox", "drf_spectacular", "drf_spectacular_sidecar", "api"]
if DEBUG:
    # The benchmark harness (seed_synthetic, bench) never ships to production.
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    # First, outside everything: a database outage met anywhere answers 503 with the
    # "Sorry, the service is unavailable" page and Retry-After, never 500 (issue 16).
    "config.outage.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages (issue 14): the same for everyone, shared-cacheable, never setting a cookie
    # or varying on one. Outside the session, CSRF and messages middleware so it has the last
    # word on their cookies and headers.
    "publication.middleware.PublicPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records who made each change, including changes made in the admin.
    "simple_history.middleware.HistoryRequestMiddleware",
    # request.plan_generation: the key of rendered parts kept until the plan changes.
    "config.middleware.PlanGenerationMiddleware",
    # Axes last but one: it turns a throttled sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so its 400 page passes back through every header above (CSP, frames, caching).
    "config.middleware.QueryLimitsMiddleware",
]

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
                "config.context_processors.service",
                "config.context_processors.plan_generation",
                "config.context_processors.demo_progress",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# Default: a SQLite file in the project folder. Production: PostgreSQL, e.g.
# DATABASE_URL=postgres://user:password@host:5432/dbname
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# While the database does not answer, pages answer 503 and ask to be tried again after this
# many seconds (config/outage.py). CONN_HEALTH_CHECKS: a connection lost in the outage is
# replaced on the first request after it, which then succeeds.
SERVICE_UNAVAILABLE_RETRY_AFTER = env.int("SERVICE_UNAVAILABLE_RETRY_AFTER", default=30)

# --- Cache and email --------------------------------------------------------------
# The default, an in-process cache per worker, is correct with many workers: cached pages are
# keyed by a counter kept in the database (reports/freshness.py). Redis shares one cache
# between workers: CACHE_URL=redis://127.0.0.1:6379/1 (django-redis). If Redis goes down
# the site carries on uncached and logs it, rather than failing.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].startswith("django_redis."):
    CACHES["default"].setdefault("OPTIONS", {}).update(
        IGNORE_EXCEPTIONS=True, SOCKET_CONNECT_TIMEOUT=1, SOCKET_TIMEOUT=1
    )
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Third Sector Strategy Tracker <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a throttled sign-in never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # Email address or username; administrators hold every permission.
    "accounts.backends.TrackerBackend",
]

# Failed sign-ins are throttled per username *and* address together, with a
# cool-off (never a permanent lock-out): 5 failures lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.backends.throttle_key"
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
# The proxies in front of the app (addresses or networks, e.g. 10.0.0.2,10.1.0.0/24): behind
# them the client's address is read from X-Forwarded-For, and only from them.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # We log sign-ins ourselves, without passwords (accounts.signals).

# Sessions end after SESSION_IDLE_MINUTES without a request, and in any case
# SESSION_MAX_HOURS after signing in (accounts.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_SAVE_EVERY_REQUEST = True  # Each request pushes the idle deadline back.
SESSION_MAX_AGE = 3600 * env.int("SESSION_MAX_HOURS", default=10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
# Sessions live in the database, never only in the cache: Redis going down signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Links in emails sent outside a request (invitations from the command line).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation or reset link lasts three days

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
# Sources live in static/ (the Sass and the CSS that `npm run build` writes to
# static/dist/); WhiteNoise serves the collected files in production.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files people upload (evidence) and files the service makes (downloads, Cabinet report PDFs)
# go to the default storage: the local filesystem under MEDIA_ROOT, or, with
# AWS_STORAGE_BUCKET_NAME set, an S3-compatible bucket (django-storages) that every server
# shares. Objects are private and their URLs unsigned and unused: every file is streamed
# through a view that checks who may have it.
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty keys leave boto3 to find credentials itself (an instance role).
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Files made by background jobs (downloads) are kept here until they expire. With more than
# one server, this must be storage they all share (a network disk, or object storage
# through django-storages).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"  # never served directly: downloads go through a view that checks access

# Evidence files (evidence/validation.py): the largest file kept, and how many one progress
# update or council input may carry.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)

# Spreadsheet imports (imports/reading.py): the largest file read (checked before reading it)
# and the most rows in any one sheet. Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (Django's
# 2.5 MB) are streamed to a temporary file, never held in memory whole.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# Files up to this size are read in the request; larger ones by a background job.
IMPORT_INLINE_BYTES = env.int("IMPORT_INLINE_BYTES", default=512 * 1024)
# A confirmation writing more rows than this is applied by a background job.
IMPORT_INLINE_CHANGES = env.int("IMPORT_INLINE_CHANGES", default=200)
# No upload is kept past the largest any form reads (config/uploads.py): a larger one is
# refused by its form's size check, and never fills the disk.
FILE_UPLOAD_MAX_BYTES = max(IMPORT_MAX_BYTES, EVIDENCE_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Background jobs (Celery) ----------------------------------------------------------
# With CELERY_BROKER_URL set (production: Redis), jobs go to a queue that `celery -A config
# worker` serves. Without it (development, `make run`), they run in-process when asked for.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False  # a failed job is recorded, not a 500 for the page
CELERY_TASK_IGNORE_RESULT = True  # the database records each job (reports.Download)
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is given to another, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: one at a time per process
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# A worker process that has grown past this (in KiB) is replaced after its job.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Asking for a job never hangs on a broker that does not answer (issue 16): connecting gives up
# after a couple of seconds and publishing is tried three times in all; the page then says
# the job could not be queued (strategy/jobs.py), and nothing is lost.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 5,
    "max_retries": 2,
}

# --- Forms ------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A load balancer's health check often speaks plain HTTP to the app: answer it there.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Council domains under gov.uk are already on the HSTS preload list.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that sets this header and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): everything from this site only; no inline script or
# style anywhere, no framing, no plug-ins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # it logs every layout step at INFO
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # we log sign-ins ourselves (accounts.signals)
    },
}

# --- The service --------------------------------------------------------------------
SERVICE_NAME = "Third Sector Strategy Tracker"
COUNCIL_NAME = "Harrow Council"

# --- Data protection (issue 15) ---------------------------------------------------------
# Who people write to about their data (a role address, never a person's), and how long the
# personal logs are kept before `manage.py apply_retention` deletes them (privacy/retention.py).
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="data.protection@example.org")
RETENTION_SIGN_IN_DAYS = env.int("RETENTION_SIGN_IN_DAYS", default=365)
RETENTION_REMINDER_LOG_DAYS = env.int("RETENTION_REMINDER_LOG_DAYS", default=365)
RETENTION_IMPORT_DAYS = env.int("RETENTION_IMPORT_DAYS", default=90)

# --- The API (issue 14) -------------------------------------------------------------
# JSON only (the browsable API's pages carry inline scripts the CSP refuses); session sign-in
# for the browser (with CSRF) or a personal token (`Authorization: Token …`); errors as JSON
# with field messages (api/errors.py); cursor pagination; throttled per token or person and per
# address, at rates read on each request (api/throttling.py).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.PlanAccess"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.CallerThrottle",
        "api.throttling.AddressThrottle",
        "api.throttling.WriteThrottle",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "api.schema.TrackerSchema",
    "EXCEPTION_HANDLER": "api.errors.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATES = {
    # Per token (or per signed-in person using the browser's session).
    "caller": env.str("API_RATE_PER_TOKEN", default="600/minute"),
    # Per address, whoever calls: anonymous callers and many tokens from one machine alike.
    "address": env.str("API_RATE_PER_ADDRESS", default="300/minute"),
    # Writes (POST) per token or person, on top of the above.
    "writes": env.str("API_RATE_WRITES", default="60/minute"),
}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # knox's own, not swapped (api/models.py says why)
REST_KNOX = {
    # Personal tokens last until revoked or API_TOKEN_DAYS pass (0: until revoked).
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=365)) or None,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "tst_",  # recognisable in logs and secret scanners
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Third Sector Strategy Tracker API",
    "DESCRIPTION": (
        "Read the action plan and its progress, and post progress updates, council input and "
        "indicator values. Anonymous callers see what the public site shows; signed-in callers "
        "what their role may read."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "actions.status.Status",
        "ReviewStateEnum": "actions.models.ReviewState",
    },
}
