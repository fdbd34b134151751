"""The project package: settings, URLs, the Celery app, accounts, roles and the audit trail."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
