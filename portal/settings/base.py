"""Settings shared by every environment, read from the environment through typed readers.

Secrets have no default here: ``dev`` and ``test`` supply throwaway ones, ``production``
refuses to start without them.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from portal.lib.csp import tile_server_source

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_celery_results",
    "django_celery_beat",
    "portal",
    "cases",
    "dispatch",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.IdleSessionTimeoutMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.InputCleaningMiddleware",
    "portal.middleware.TwoFactorEnforcementMiddleware",
    "portal.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must be last: it turns a lockout into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
                "portal.context_processors.layout_partials",
                "portal.context_processors.map_settings",
            ],
        },
    },
]

# --- Data stores ----------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="postgis://postgres@127.0.0.1:5432/portal",
        engine="django.contrib.gis.db.backends.postgis",
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
    }
}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues (docs/operations.md): a job goes to its kind's queue; the other tasks by name.
# Alerts have a queue of their own so that a long import never delays them.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "cases.case_reminders_send": {"queue": "alerts"},
    "portal.training_reminders_send": {"queue": "alerts"},
    "dispatch.unit_day_stats_rollup": {"queue": "analytics"},
    "portal.audit_activity_rollup": {"queue": "analytics"},
    # Short control tasks of the jobs: on the alerts worker, never behind a long job.
    "portal.jobs_reap": {"queue": "alerts"},
    "portal.job_schedule_run": {"queue": "alerts"},
}
# Every queue a worker started without -Q consumes (the tests' worker); `make run` starts
# one worker for alerts alone, one for the rest (.ci/serve.sh).
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name)
    for name in ("alerts", "default", "reports", "analytics", "imports")
]
# An unacknowledged message (acks late: acknowledged when its task ends) goes back to the
# queue this long after it was taken: longer than any job runs, since a redelivered job
# that is still running is only skipped; a worker killed mid-job is found sooner by the
# reaper below through the job's heartbeat. Also the longest countdown of a retry.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_S", default=6 * 3600)
}
# A worker that loses a task to a crash does not requeue it at once (the job's claim
# would refuse it while its heartbeat is fresh); the reaper takes it up.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# Jobs that survive (portal/services/jobs.py): the running worker beats the job every
# JOB_HEARTBEAT_S; a running job without a beat for JOB_STALE_AFTER_S lost its worker and
# is queued again by the reaper (every JOB_REAP_EVERY_S). Transient failures are retried
# after JOB_RETRY_BASE_S, doubling each time up to JOB_RETRY_MAX_S, JOB_MAX_ATTEMPTS in all.
JOB_HEARTBEAT_S = env.float("JOB_HEARTBEAT_S", default=10.0)
JOB_STALE_AFTER_S = env.float("JOB_STALE_AFTER_S", default=60.0)
# A module of extra job kinds (its JOB_KINDS): the tests' kinds, the benchmarks' trivial one.
JOB_KINDS_EXTRA = env.str("JOB_KINDS_EXTRA", default="")
JOB_REAP_EVERY_S = env.int("JOB_REAP_EVERY_S", default=60)
JOB_RETRY_BASE_S = env.float("JOB_RETRY_BASE_S", default=10.0)
JOB_RETRY_MAX_S = env.float("JOB_RETRY_MAX_S", default=600.0)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=5)
# A queued job whose message may have been lost (the broker restarted empty) is sent
# again after this long; a second message of a job is harmless (the claim refuses it).
JOB_QUEUED_RESEND_AFTER_S = env.int("JOB_QUEUED_RESEND_AFTER_S", default=3 * 3600)
# Periodic jobs are declared here; django-celery-beat's scheduler loads them into the
# database, where administrators can see and pause them.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "audit-chain-verify-nightly": {
        "task": "portal.audit_chain_verify",
        "schedule": crontab(hour=2, minute=30),
    },
    # Units' distance and hours per local day, for the monthly figures: at 22:15 UTC,
    # which is after local midnight in winter (00:15) and summer (01:15).
    "dispatch-unit-day-stats-nightly": {
        "task": "dispatch.unit_day_stats_rollup",
        "schedule": crontab(hour=22, minute=15),
    },
    # Reminders of case tasks and mutual-assistance requests due soon, each sent once.
    "cases-reminders-hourly": {
        "task": "cases.case_reminders_send",
        "schedule": crontab(minute=5),
    },
    # Running jobs whose worker is gone go back to the queue (docs/operations.md).
    "jobs-reap": {
        "task": "portal.jobs_reap",
        "schedule": timedelta(seconds=JOB_REAP_EVERY_S),
    },
}

# Training reminders by e-mail, each sent once: before a certificate expires (to the
# holder and the head of their unit) and before a session starts (to those enrolled),
# these many days ahead. At 05:00 UTC, the start of the working day in Vilnius.
TRAINING_EXPIRY_REMIND_DAYS: tuple[int, ...] = tuple(
    env.list("TRAINING_EXPIRY_REMIND_DAYS", cast=int, default=[60, 7])
)
TRAINING_SESSION_REMIND_DAYS: tuple[int, ...] = tuple(
    env.list("TRAINING_SESSION_REMIND_DAYS", cast=int, default=[2])
)
CELERY_BEAT_SCHEDULE["training-reminders-daily"] = {
    "task": "portal.training_reminders_send",
    "schedule": crontab(hour=5, minute=0),
}

# --- E-mail -----------------------------------------------------------------------------
# Reminders go by e-mail; the demo prints them on the worker's console (EMAIL_BACKEND in
# the environment points production at its SMTP relay, configured by EMAIL_HOST etc.).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@customs.example")
# Links in e-mails point here, e.g. https://portal.customs.example
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://localhost:8000")
# An invitation link (a new person sets their first password on it) works this long, once.
INVITATION_TTL_HOURS = env.int("INVITATION_TTL_HOURS", default=72)
# Bulk creation of users from a file: the largest file and the most rows accepted.
USER_IMPORT_MAX_BYTES = env.int("USER_IMPORT_MAX_BYTES", default=2 * 2**20)
USER_IMPORT_MAX_ROWS = env.int("USER_IMPORT_MAX_ROWS", default=500)
# One-time passwords are hashed as they are created (about 0.3 s each with Django's
# PBKDF2 on one core): fewer per file, so that the confirmation answers in seconds.
USER_IMPORT_MAX_ONE_TIME_PASSWORDS = env.int("USER_IMPORT_MAX_ONE_TIME_PASSWORDS", default=50)
# A checked upload waits in private storage for its job, which deletes it; one never
# confirmed (or whose job was cancelled while queued) is deleted after this long.
USER_IMPORT_UPLOAD_TTL_HOURS = env.int("USER_IMPORT_UPLOAD_TTL_HOURS", default=24)
# Case documents: the largest file accepted.
CASE_DOCUMENT_MAX_BYTES = env.int("CASE_DOCUMENT_MAX_BYTES", default=25 * 2**20)
# Case documents uploaded for their text (docs/imports.md, "Documents"): the largest
# upload (one file or a zip), the most files in a zip, the most it may unpack to and its
# ratio to the packed size (a zip bomb), the most attachments kept of one e-mail, and
# the most characters of text kept per document.
DOCUMENT_UPLOAD_MAX_BYTES = env.int("DOCUMENT_UPLOAD_MAX_BYTES", default=100 * 2**20)
DOCUMENT_ZIP_MAX_MEMBERS = env.int("DOCUMENT_ZIP_MAX_MEMBERS", default=200)
DOCUMENT_ZIP_MAX_UNPACKED_BYTES = env.int("DOCUMENT_ZIP_MAX_UNPACKED_BYTES", default=250 * 2**20)
DOCUMENT_ZIP_MAX_RATIO = env.int("DOCUMENT_ZIP_MAX_RATIO", default=100)
DOCUMENT_MAX_ATTACHMENTS = env.int("DOCUMENT_MAX_ATTACHMENTS", default=50)
DOCUMENT_TEXT_MAX_CHARS = env.int("DOCUMENT_TEXT_MAX_CHARS", default=200_000)
# Imports into the entity registry (docs/imports.md): the largest file, the most rows and
# columns, the longest cell; an XLSX whose parts unpack to more than the limit, or more
# than RATIO times their packed size, is refused as a zip bomb before it is opened.
ENTITY_IMPORT_MAX_BYTES = env.int("ENTITY_IMPORT_MAX_BYTES", default=2 * 2**30)
ENTITY_IMPORT_MAX_ROWS = env.int("ENTITY_IMPORT_MAX_ROWS", default=10_000_000)
# Rows written per transaction (and per checkpoint: what a killed worker's import does again).
ENTITY_IMPORT_BATCH_ROWS = env.int("ENTITY_IMPORT_BATCH_ROWS", default=500)
# The write pass refreshes the registry's statistics each time it has created as many
# entities as the registry held at the last refresh, and at least this many
# (cases/services/imports/write.py RegistryGrowth).
ENTITY_IMPORT_ANALYZE_MIN_ROWS = env.int("ENTITY_IMPORT_ANALYZE_MIN_ROWS", default=10_000)
ENTITY_IMPORT_MAX_COLUMNS = env.int("ENTITY_IMPORT_MAX_COLUMNS", default=500)
ENTITY_IMPORT_MAX_CELL_CHARS = env.int("ENTITY_IMPORT_MAX_CELL_CHARS", default=10_000)
ENTITY_IMPORT_XLSX_MAX_UNPACKED_BYTES = env.int(
    "ENTITY_IMPORT_XLSX_MAX_UNPACKED_BYTES", default=4 * 2**30
)
ENTITY_IMPORT_XLSX_MAX_RATIO = env.int("ENTITY_IMPORT_XLSX_MAX_RATIO", default=100)

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "portal.backends.PortalModelBackend",
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

AUTH_PASSWORD_VALIDATORS = [
    # Django's rules, with help texts in our catalogue (portal/lib/passwords.py).
    {"NAME": "portal.lib.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "portal.lib.passwords.CommonPasswordValidator"},
    {"NAME": "portal.lib.passwords.NumericPasswordValidator"},
]

# Idle sessions end after this many minutes without a request. The session is renewed
# when it changes, and the idle check (portal.middleware) records the last activity once
# a minute, so its age slides with use. Not saved on every request: two requests at once
# (a page and the service worker's fetches) would each write back the whole session as
# they read it, and one would lose what the other stored (a dossier's purpose).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Repeated failed logins lock the username out (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_VERBOSE = False

SILENCED_SYSTEM_CHECKS = [
    # Lockout is per username on purpose: officers of one post share an address behind
    # NAT, and locking the address would lock the whole post out. Per-address throttling
    # belongs to the reverse proxy (docs/operations.md).
    "axes.W006",
    # Debian 12 ships GDAL 3.6; the portal never opens spatial references or files from
    # untrusted input through GDAL (imports are parsed by our own code), see docs.
    "gis.W001",
]

# Roles whose members must log in with a second factor (TOTP).
TWO_FACTOR_REQUIRED_ROLES: list[str] = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["analyst", "administrator"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Customs Enforcement Portal")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("lt", _("Lithuanian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ExpiringTokenAuthentication",
        "portal.api.authentication.SessionAuthentication",
    ],
    # Deny by default: an endpoint that forgets to state its permission is closed.
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.DenyAll"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    # Token requests: per account named in the body, and (looser) per client address.
    "DEFAULT_THROTTLE_RATES": {
        "token_account": env.str("API_TOKEN_RATE_PER_ACCOUNT", default="10/min"),
        "token_address": env.str("API_TOKEN_RATE_PER_ADDRESS", default="60/min"),
    },
    "DEFAULT_METADATA_CLASS": "portal.api.metadata.PortalMetadata",
    # DRF's parsers with every string cleaned of NUL and lone surrogates.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "portal.api.parsers.FormParser",
        "portal.api.parsers.MultiPartParser",
    ],
}
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

SPECTACULAR_SETTINGS = {
    "TITLE": "Customs Enforcement Portal API",
    "DESCRIPTION": "REST API of the Customs Enforcement Portal. Every endpoint states the "
    "permission it needs; errors share one shape (see ErrorResponse).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "portal.models.jobs.JobStatus.choices",
        "JobLogLevelEnum": "portal.models.jobs.JobLogLevel.choices",
        "EntityKindEnum": "cases.models.entities.EntityKind.choices",
        "OrgUnitKindEnum": "portal.models.org.OrgUnitKind.choices",
        "TaskStatusEnum": "dispatch.models.TaskStatus.choices",
        "TaskKindEnum": "dispatch.models.TaskKind.choices",
        "TaskPriorityEnum": "dispatch.models.TaskPriority.choices",
        "UnitStatusEnum": "dispatch.models.UnitStatus.choices",
        "ViolationStatusEnum": "cases.models.violations.ViolationStatus.choices",
        "CaseStatusEnum": "cases.models.investigations.CaseStatus.choices",
        "CaseRoleEnum": "cases.models.investigations.CaseRole.choices",
        "AssistanceStatusEnum": "cases.models.case_work.AssistanceStatus.choices",
        "AssistanceDirectionEnum": "cases.models.case_work.AssistanceDirection.choices",
        "AgencyEnum": "cases.models.case_work.Agency.choices",
    },
}

# --- Maps -----------------------------------------------------------------------------
# Closed networks have no internet tiles: leave MAP_TILE_URL empty and the map still
# shows our own layers.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (55.17, 23.88),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [
        (_("Map"), MAP_TILE_URL, {"attribution": env.str("MAP_TILE_ATTRIBUTION", default="")})
    ]
    if MAP_TILE_URL
    else [],
    "RESET_VIEW": False,
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# Set to the META key of the header our reverse proxy overwrites with the client's
# address (e.g. HTTP_X_REAL_IP) when, and only when, such a proxy stands in front.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    [CLIENT_IP_HEADER, "REMOTE_ADDR"] if CLIENT_IP_HEADER else ["REMOTE_ADDR"]
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Everything to stderr (gunicorn's terminal under `make run`, the journal in production).
# A request that fails with a 500 is logged by "django.request" with its traceback;
# the browser sees only the portal's error page.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Evidence -------------------------------------------------------------------------
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=25) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Audit trail integrity (issue 9; docs/operations.md "Audit trail integrity") ------
# Kept in one block of its own. The key that signs the audit chain and its anchors lives
# outside the database: AUDIT_HMAC_KEY, or AUDIT_HMAC_KEY_FILE naming a file that holds
# it. Without one the portal cannot write audit records (dev and test supply one;
# production refuses to start).


def _audit_hmac_key() -> bytes | None:
    from django.core.exceptions import ImproperlyConfigured

    if key := env.str("AUDIT_HMAC_KEY", default=""):
        return key.encode()
    if path := env.str("AUDIT_HMAC_KEY_FILE", default=""):
        try:
            return Path(path).read_text().strip().encode() or None
        except OSError as error:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_FILE cannot be read: {error}") from error
    return None


AUDIT_HMAC_KEY: bytes | None = _audit_hmac_key()
# Signed chain heads are appended here, never rewritten. In production a path on storage
# the database's administrators cannot write (docs/operations.md).
AUDIT_ANCHOR_FILE = Path(
    env.str("AUDIT_ANCHOR_FILE", default=str(BASE_DIR / ".run" / "audit-anchors.jsonl"))
)
AUDIT_ANCHOR_EVERY_MINUTES = env.int("AUDIT_ANCHOR_EVERY_MINUTES", default=5)
CELERY_BEAT_SCHEDULE["audit-chain-anchor"] = {
    "task": "portal.audit_chain_anchor",
    "schedule": timedelta(minutes=AUDIT_ANCHOR_EVERY_MINUTES),
}
# The auditor's page (issue 13): working hours in local time (Europe/Vilnius), by ISO
# weekday (1 = Monday); records outside them are flagged as out-of-hours use.
AUDIT_WORKING_HOURS = (
    env.int("AUDIT_WORKING_HOUR_START", default=7),
    env.int("AUDIT_WORKING_HOUR_END", default=19),
)
AUDIT_WORKING_DAYS = tuple(env.list("AUDIT_WORKING_DAYS", cast=int, default=[1, 2, 3, 4, 5]))
# A day's volume is flagged when it is at least FACTOR times the person's median day and
# MIN_EXCESS records above it; the median is over the person's active days among the
# BASELINE_DAYS before, and only once they had MIN_BASELINE_DAYS of them.
AUDIT_VOLUME_BASELINE_DAYS = env.int("AUDIT_VOLUME_BASELINE_DAYS", default=28)
AUDIT_VOLUME_MIN_BASELINE_DAYS = env.int("AUDIT_VOLUME_MIN_BASELINE_DAYS", default=5)
AUDIT_VOLUME_FACTOR = env.float("AUDIT_VOLUME_FACTOR", default=3.0)
AUDIT_VOLUME_MIN_EXCESS = env.int("AUDIT_VOLUME_MIN_EXCESS", default=30)
# The per-person, per-hour activity summary the flags and the chart read is brought up to
# date by beat (and by each visit of the page, for the newest records).
CELERY_BEAT_SCHEDULE["audit-activity-rollup"] = {
    "task": "portal.audit_activity_rollup",
    "schedule": timedelta(minutes=5),
}
CELERY_BEAT_SCHEDULE["user-import-uploads-sweep"] = {
    "task": "portal.user_import_uploads_sweep",
    "schedule": timedelta(hours=1),
}
# The role the portal runs as (web, worker, beat). After every migrate, the owner role
# that ran it grants this role ordinary DML on the portal's tables but only INSERT and
# SELECT on the audit table (portal/services/database_grants.py). Empty: no grants made.
DATABASE_RUNTIME_ROLE = env.str("DATABASE_RUNTIME_ROLE", default="")


# --- Browser security policy ----------------------------------------------------------
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests from
# our own origin only. No inline script and no inline style: pages pass data to their
# scripts in data-* attributes and json_script, and computed styles (a shift bar's
# position, a zone's colour) are set by static/portal/styles.js through the CSSOM,
# which CSP allows. The one page that needs more is the API docs' Swagger UI (see
# portal/urls.py).
_TILE_SOURCE = tile_server_source(MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Leaflet blanks a tile it stops loading with a data: GIF: allowed only when
        # there are tiles at all.
        "img-src": [SELF, _TILE_SOURCE, "data:"] if _TILE_SOURCE else [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features: the camera (evidence photos) and the position (My unit, a
# violation's place) for our own pages; everything else off. Features not named keep
# the browser's default for our own origin (clipboard-write: the device token's copy
# button).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": ["self"],
    "geolocation": ["self"],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "fullscreen": [],
    "browsing-topics": [],
}
