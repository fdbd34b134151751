"""Local development and `make run`: production-like (DEBUG off, the portal's own error
pages, tracebacks in the log), a throwaway secret unless one is given. A developer who
wants Django's debug pages sets DEBUG=true in the environment."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production")
# The audit key that .ci/setup.sh generates for `make run` (issue 9), unless one is given.
_SETUP_AUDIT_KEY = Path(__file__).resolve().parents[2] / ".run" / "audit-key"
if _SETUP_AUDIT_KEY.exists():
    os.environ.setdefault("AUDIT_HMAC_KEY_FILE", str(_SETUP_AUDIT_KEY))

from portal.settings.base import *  # noqa: F403, E402  (after the defaults above)

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# WhiteNoise serves static files with DEBUG off too, from the source folders as well as
# from collectstatic's copy (a new script needs no collectstatic); with DEBUG on it also
# picks up files changed while the server runs.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
