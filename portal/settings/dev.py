"""Local development and `make run`: debug on, a throwaway secret unless one is given."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "true")
# The audit key that .ci/setup.sh generates for `make run` (issue 9), unless one is given.
_SETUP_AUDIT_KEY = Path(__file__).resolve().parents[2] / ".run" / "audit-key"
if _SETUP_AUDIT_KEY.exists():
    os.environ.setdefault("AUDIT_HMAC_KEY_FILE", str(_SETUP_AUDIT_KEY))

from portal.settings.base import *  # noqa: F403, E402  (after the defaults above)

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
