"""The state of the audit trail at a glance, for the administrator's home page: the
result of the latest scheduled verification and how far the latest anchor lags behind
the chain. Cheap enough for every page view: no walk of the chain (that is the nightly
verification's work, ``portal.audit_chain_verify``), one short read of the anchor file's
end and two small queries."""

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_celery_results.models import TaskResult

from portal.lib.audit_chain import Anchor, anchor_parse
from portal.selectors.audit import audit_chain_head

VERIFY_TASK = "portal.audit_chain_verify"
# The verification runs nightly: older than two days, it has missed a night.
VERIFICATION_STALE_AFTER = timedelta(days=2)
# How much of the file's end is read to find its last line (an anchor is ~400 bytes).
TAIL_BYTES = 4096


@dataclass(frozen=True)
class AuditTrailState:
    # The latest verification: when, whether it found the trail intact, its problems.
    verified_at: datetime | None
    verified_intact: bool | None
    records_checked: int | None
    problem_count: int
    # The latest anchor: when, and how many records were written after it.
    anchored_at: datetime | None
    records_since_anchor: int | None
    records: int

    @property
    def level(self) -> str:
        """ "bad" when the verification found a problem, "warn" when nothing proves the
        trail intact lately (no verification, an old one, no anchor, a late anchor),
        "ok" otherwise."""
        if self.verified_intact is False:
            return "bad"
        now = timezone.now()
        late_anchor = timedelta(minutes=3 * settings.AUDIT_ANCHOR_EVERY_MINUTES)
        if (
            self.verified_at is None
            or now - self.verified_at > VERIFICATION_STALE_AFTER
            or (self.records and self.anchored_at is None)
            or (self.anchored_at is not None and now - self.anchored_at > late_anchor)
        ):
            return "warn"
        return "ok"


def _last_anchor(path: Path) -> Anchor | None:
    try:
        with path.open("rb") as anchors:
            anchors.seek(0, os.SEEK_END)
            anchors.seek(max(0, anchors.tell() - TAIL_BYTES))
            tail = anchors.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    lines = [line for line in tail.splitlines() if line.strip()]
    return anchor_parse(lines[-1]) if lines else None


def audit_trail_state() -> AuditTrailState:
    latest = (
        TaskResult.objects.filter(task_name=VERIFY_TASK, status__in=("SUCCESS", "FAILURE"))
        .order_by("-date_done")
        .only("date_done", "status", "result")
        .first()
    )
    verified_at, intact, checked, problem_count = None, None, None, 0
    if latest is not None:
        verified_at = latest.date_done
        report: dict[str, Any] = {}
        if latest.status == "SUCCESS":
            try:
                report = json.loads(latest.result or "{}") or {}
            except ValueError:
                report = {}
        intact = bool(report.get("intact")) if latest.status == "SUCCESS" else False
        checked = report.get("checked")
        # A verification that failed to run proves nothing: counted as one problem.
        problem_count = len(report.get("problems", [])) if latest.status == "SUCCESS" else 1
    head = audit_chain_head()
    records = head.count if head else 0
    anchor = _last_anchor(Path(settings.AUDIT_ANCHOR_FILE))
    anchored_at = parse_datetime(anchor["anchored_at"]) if anchor else None
    return AuditTrailState(
        verified_at=verified_at,
        verified_intact=intact,
        records_checked=checked,
        problem_count=problem_count,
        anchored_at=anchored_at,
        records_since_anchor=max(0, records - anchor["count"]) if anchor else None,
        records=records,
    )
