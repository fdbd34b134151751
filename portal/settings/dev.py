"""Local development and `make run`: debug on, a throwaway secret unless one is given."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "true")

from portal.settings.base import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
