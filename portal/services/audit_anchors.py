"""Anchoring the audit chain outside the database: a signed statement of its head,
appended to a file that is never rewritten (run by beat, CELERY_BEAT_SCHEDULE).

Each anchor also signs the signature of the one before it, so a line removed from the
middle of the file, or moved, shows too. Lines removed from its end do not: keep the
file where the database's administrators cannot write (docs/operations.md).
"""

import fcntl
import os
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.lib.audit_chain import (
    ANCHOR_FORMAT,
    Anchor,
    AuditKeyMissing,
    anchor_parse,
    anchor_signature,
    canonical_json,
)
from portal.selectors.audit import audit_chain_head

# Far more than one anchor line (about 300 bytes): enough to find the last one.
TAIL_BYTES = 8192


def _last_signature(descriptor: int) -> str:
    size = os.lseek(descriptor, 0, os.SEEK_END)
    os.lseek(descriptor, max(0, size - TAIL_BYTES), os.SEEK_SET)
    tail = os.read(descriptor, TAIL_BYTES).decode("utf-8", errors="replace")
    for line in reversed(tail.splitlines()):
        if line.strip():
            anchor = anchor_parse(line)
            return anchor["signature"] if anchor else ""
    return ""


def audit_chain_anchor(*, path: Path | None = None) -> Anchor | None:
    """Append the chain's head, signed with the audit key, to the anchor file; None when
    the chain is empty (nothing to anchor). Safe to run twice at once: the file is
    locked while the previous signature is read and the line appended."""
    key: bytes | None = settings.AUDIT_HMAC_KEY
    if not key:
        raise AuditKeyMissing
    head = audit_chain_head()
    if head is None:
        return None
    target = Path(path or settings.AUDIT_ANCHOR_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the end, whatever else has the file open; the file
    # is never opened for writing in any other way.
    descriptor = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        fields: dict[str, Any] = {
            "format": ANCHOR_FORMAT,
            "database": connection.settings_dict["NAME"],
            "anchored_at": timezone.now().isoformat(),
            "record_id": head.record_id,
            "record_hash": head.record_hash,
            "count": head.count,
            "first_keyed_id": head.first_keyed_id,
            "prev_signature": _last_signature(descriptor),
        }
        fields["signature"] = anchor_signature(key, fields)
        os.write(descriptor, (canonical_json(fields) + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)  # releases the lock
    return cast(Anchor, fields)
