"""System checks that fail loudly on a configuration the portal cannot run with."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register()
def portal_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
        problems.append(Error("The portal needs PostgreSQL with PostGIS.", id="portal.E001"))
    if settings.SESSION_IDLE_TIMEOUT_MINUTES < 1:
        problems.append(Error("SESSION_IDLE_TIMEOUT_MINUTES must be at least 1.", id="portal.E002"))
    if not settings.CELERY_BROKER_URL:
        problems.append(Error("CELERY_BROKER_URL (or REDIS_URL) is not set.", id="portal.E003"))
    unknown_roles = set(settings.TWO_FACTOR_REQUIRED_ROLES) - {
        "officer",
        "dispatcher",
        "analyst",
        "administrator",
    }
    if unknown_roles:
        problems.append(
            Warning(
                f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {sorted(unknown_roles)}",
                id="portal.W001",
            )
        )
    return problems
