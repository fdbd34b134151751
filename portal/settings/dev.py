"""Local development and `make run`: production-like (DEBUG off, the portal's own error
pages, tracebacks in the log), a throwaway secret unless one is given. A developer who
wants Django's debug pages sets DEBUG=true in the environment."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-secret-key-not-for-production")

from portal.settings.base import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# WhiteNoise serves static files with DEBUG off too, from the source folders as well as
# from collectstatic's copy (a new script needs no collectstatic); with DEBUG on it also
# picks up files changed while the server runs.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
