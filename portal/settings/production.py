"""Production: SECRET_KEY and ALLOWED_HOSTS must come from the environment; HTTPS only."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Audit trail integrity (issue 9) ----------------------------------------------------
# No audit key, no start: a chain written without one could be rewritten undetected.
if not AUDIT_HMAC_KEY or len(AUDIT_HMAC_KEY) < 32:  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Production needs an audit key of at least 32 characters: set AUDIT_HMAC_KEY or "
        "AUDIT_HMAC_KEY_FILE (docs/operations.md, Audit trail integrity)."
    )
# No default under the project folder: the anchors must live outside the database host.
AUDIT_ANCHOR_FILE = Path(env.str("AUDIT_ANCHOR_FILE"))  # noqa: F405
