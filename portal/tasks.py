"""Periodic work of the core, on Celery. Thin: the logic lives in selectors and services."""

import logging
from typing import TypedDict

from celery import shared_task

from portal.selectors.audit import audit_chain_verify

logger = logging.getLogger(__name__)


class ChainReport(TypedDict):
    checked: int
    intact: bool
    broken_at: int | None
    problem: str


@shared_task(name="portal.audit_chain_verify")
def audit_chain_verify_task() -> ChainReport:
    """Walk the audit chain (nightly, see CELERY_BEAT_SCHEDULE); an error in the log and in
    the stored result when a link is broken. Read-only, so a retry is harmless."""
    checked, broken = audit_chain_verify()
    if broken is not None:
        logger.error("Audit chain broken at record %s: %s", broken.record_id, broken.problem)
    return {
        "checked": checked,
        "intact": broken is None,
        "broken_at": broken.record_id if broken else None,
        "problem": broken.problem if broken else "",
    }
