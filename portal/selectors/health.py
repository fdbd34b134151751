"""State of the parts the portal needs: database, Redis, at least one Celery worker."""

from typing import TypedDict

import redis
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app


class ComponentState(TypedDict):
    ok: bool
    detail: str


class HealthReport(TypedDict):
    ok: bool
    database: ComponentState
    redis: ComponentState
    worker: ComponentState


def _database() -> ComponentState:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            version = cursor.fetchone()
        return {"ok": True, "detail": f"PostGIS {version[0] if version else '?'}"}
    except Exception as error:
        return {"ok": False, "detail": type(error).__name__}


def _redis() -> ComponentState:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
        return {"ok": True, "detail": "PONG"}
    except Exception as error:
        return {"ok": False, "detail": type(error).__name__}


def _worker(timeout: float) -> ComponentState:
    try:
        replies = celery_app.control.ping(timeout=timeout)
    except Exception as error:
        return {"ok": False, "detail": type(error).__name__}
    if not replies:
        return {"ok": False, "detail": "no worker answered"}
    return {"ok": True, "detail": f"{len(replies)} worker(s)"}


def health_report(*, worker_timeout: float = 1.0) -> HealthReport:
    database, cache = _database(), _redis()
    worker = _worker(worker_timeout) if cache["ok"] else {"ok": False, "detail": "broker down"}
    return {
        "ok": database["ok"] and cache["ok"] and worker["ok"],
        "database": database,
        "redis": cache,
        "worker": worker,
    }
