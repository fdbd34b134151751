"""Periodic work of dispatch, on Celery. Thin: the logic lives in services and selectors."""

import logging
from datetime import date
from typing import TypedDict

from celery import shared_task

from dispatch.services.stats import rollup_days_due, unit_day_stats_compute_days

logger = logging.getLogger(__name__)


class RollupReport(TypedDict):
    days: list[str]
    rows: int


@shared_task(name="dispatch.unit_day_stats_rollup")
def unit_day_stats_rollup_task(days: list[str] | None = None) -> RollupReport:
    """Roll up the units' days (nightly, see CELERY_BEAT_SCHEDULE): yesterday and the
    days before it that late reports can still reach; or the given ISO days. Each day is
    replaced whole, so a retry is harmless."""
    chosen = [date.fromisoformat(day) for day in days] if days else rollup_days_due()
    rows = unit_day_stats_compute_days(chosen)
    logger.info("Unit day statistics: %d rows for %s to %s", rows, min(chosen), max(chosen))
    return {"days": [day.isoformat() for day in sorted(set(chosen))], "rows": rows}
