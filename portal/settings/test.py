"""Test settings: real PostGIS and Redis, fast password hashing, no debug."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from portal.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "portal-test"  # noqa: F405
# Tests should not slow each other down by sharing the throttle counters in Redis.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "token_account": "1000/min",
    "token_address": "1000/min",
}

# The test worker listens on its own Redis database, so that a `make run` worker on the
# same machine never takes the tests' tasks (and the health check sees only ours).
CELERY_BROKER_URL = env.str(  # noqa: F405
    "TEST_CELERY_BROKER_URL",
    default=urlunsplit(urlsplit(REDIS_URL)._replace(path="/15")),  # noqa: F405
)

# --- Audit trail integrity (issue 9) ----------------------------------------------------
# A fixed key, and anchors in a file of this process only (tests point it at their own
# temporary folder), never the anchors of a `make run` on the same machine.
AUDIT_HMAC_KEY = b"test-only-audit-key-0123456789abcdef"
AUDIT_ANCHOR_FILE = Path(
    env.str(  # noqa: F405
        "TEST_AUDIT_ANCHOR_FILE",
        default=str(Path(tempfile.gettempdir()) / f"portal-test-anchors-{os.getpid()}.jsonl"),
    )
)
# The test database is created by the owner role, which may not install PostGIS: it is
# copied from a template that has it (.ci/db_roles.py makes one) when one is named.
if _template := env.str("DATABASE_TEST_TEMPLATE", default=""):  # noqa: F405
    DATABASES["default"]["TEST"] = {"TEMPLATE": _template}  # noqa: F405

# --- Jobs -------------------------------------------------------------------------------
# Kinds that only tests start (one that waits at a gate the test opens, one that fails,
# one that crashes), registered beside the apps' own in this process and the test worker.
JOB_KINDS_EXTRA = "tests.portal.job_kinds"
# Fast beats, staleness and retries, for the tests' real worker and the reaper they run.
JOB_HEARTBEAT_S = env.float("JOB_HEARTBEAT_S", default=0.25)  # noqa: F405
JOB_STALE_AFTER_S = env.float("JOB_STALE_AFTER_S", default=3.0)  # noqa: F405
JOB_RETRY_BASE_S = env.float("JOB_RETRY_BASE_S", default=0.5)  # noqa: F405
JOB_RETRY_MAX_S = env.float("JOB_RETRY_MAX_S", default=2.0)  # noqa: F405

# Browser tests wait for the live server's last request before the tables are emptied
# (tests/e2e/in_flight.py); first, so that it counts the whole request.
MIDDLEWARE = ["tests.e2e.in_flight.CountRequestsInFlight", *MIDDLEWARE]  # noqa: F405

# --- Parallel test processes (pytest-xdist) ----------------------------------------------
# `make test` runs the suite in two processes, each with its own test database (pytest-django
# adds the suffix). Each also needs Redis databases of its own: the cache is emptied by some
# tests (flushdb), and a test worker must never take the other process's tasks. The Celery
# worker a test starts inherits PYTEST_XDIST_WORKER, so it listens where its process sends.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _redis_for_xdist_worker(url: str) -> str:
    """``url`` with its database number moved by 8 per process after the first (gw1:
    0 -> 8, 15 -> 7), so two processes use four distinct databases of the 16."""
    index = int(_XDIST_WORKER.removeprefix("gw") or 0)
    if index == 0:
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database + 8 * index) % 16}"))


CACHES["default"]["LOCATION"] = _redis_for_xdist_worker(CACHES["default"]["LOCATION"])  # noqa: F405
CELERY_BROKER_URL = _redis_for_xdist_worker(CELERY_BROKER_URL)
