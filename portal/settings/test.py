"""Test settings: real PostGIS and Redis, fast password hashing, no debug."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from portal.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "portal-test"  # noqa: F405
# Tests should not slow each other down by sharing the throttle counters in Redis.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"token": "1000/min"}  # noqa: F405
