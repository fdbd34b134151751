"""Reads of the anchor file, and the whole check of the audit trail: the keyed chain in
the database against the signed heads anchored outside it.

Whoever owns the database can rewrite the table, but not the key and not the anchor
file. A record that was anchored must still exist with its anchored hash; the chain may
never hold fewer records, or end at an older record, than the latest anchor says.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection

from portal.lib.audit_chain import Anchor, AuditKeyMissing, anchor_parse, anchor_signature_valid
from portal.selectors.audit import (
    ChainHead,
    ChainWalk,
    audit_chain_head,
    audit_chain_verify,
    audit_record_hashes,
)

# One missing record is reported once, with the first anchor that names it; a truncated
# table would otherwise give one line per anchor.
MAX_REPORTED = 10


@dataclass
class AnchorRead:
    anchors: list[tuple[int, Anchor]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, line


def audit_anchors_read(*, path: Path, key: bytes) -> AnchorRead:
    """Every anchor whose signature holds, in file order, and a sentence for each line
    that was forged, edited, removed or moved, or that belongs to another database."""
    database = connection.settings_dict["NAME"]
    read = AnchorRead()
    prev_signature = ""
    for number, line in _lines(path):
        anchor = anchor_parse(line)
        if anchor is None:
            read.problems.append(f"Anchor line {number} cannot be read as an anchor.")
            continue
        if not anchor_signature_valid(key, cast(dict[str, Any], anchor)):
            read.problems.append(
                f"Anchor line {number} does not carry a valid signature: it was forged or "
                "edited (or signed with another key)."
            )
            continue
        if anchor["prev_signature"] != prev_signature:
            read.problems.append(
                f"Anchor line {number} does not follow the anchor before it: an anchor line "
                "was removed, inserted or moved."
            )
        prev_signature = anchor["signature"]
        if anchor["database"] != database:
            read.problems.append(
                f"Anchor line {number} anchors database {anchor['database']!r}, not "
                f"{database!r}: check AUDIT_ANCHOR_FILE (one anchor file per database)."
            )
            continue
        read.anchors.append((number, anchor))
    return read


def _where(number: int, anchor: Anchor) -> str:
    return f"anchored at {anchor['anchored_at']} (anchor line {number})"


def _head_problems(
    head: ChainHead | None, walk: ChainWalk, number: int, latest: Anchor
) -> list[str]:
    problems: list[str] = []
    count = head.count if head else 0
    if count < latest["count"]:
        problems.append(
            f"The audit trail holds {count} records, but {latest['count']} were "
            f"{_where(number, latest)}: records were deleted or the table was truncated."
        )
    if head is None or head.record_id < latest["record_id"]:
        newest = head.record_id if head else "none"
        problems.append(
            f"The newest audit record is {newest}, but record {latest['record_id']} was "
            f"{_where(number, latest)}: the newest records were deleted."
        )
    anchored_first = latest["first_keyed_id"]
    if anchored_first is not None and walk.broken is None and walk.first_keyed_id != anchored_first:
        problems.append(_first_keyed_problem(walk, anchored_first, number, latest))
    return problems


def _first_keyed_problem(walk: ChainWalk, anchored_first: int, number: int, latest: Anchor) -> str:
    if anchored_first not in audit_record_hashes(record_ids={anchored_first}):
        return (
            f"Record {anchored_first}, the first keyed record when {_where(number, latest)}, "
            "is missing: records were deleted or the table was truncated."
        )
    current = "none" if walk.first_keyed_id is None else f"record {walk.first_keyed_id}"
    return (
        f"The first keyed record is now {current}, but it was record {anchored_first} "
        f"when {_where(number, latest)}: keyed records were rewritten as unkeyed ones."
    )


def _anchored_record_problems(anchors: list[tuple[int, Anchor]]) -> list[str]:
    first_anchor: dict[int, tuple[int, Anchor]] = {}
    for number, anchor in anchors:
        first_anchor.setdefault(anchor["record_id"], (number, anchor))
    stored = audit_record_hashes(record_ids=set(first_anchor))
    problems: list[str] = []
    for record_id, (number, anchor) in sorted(first_anchor.items()):
        if record_id not in stored:
            problems.append(
                f"Record {record_id}, {_where(number, anchor)}, is missing: records were "
                "deleted or the table was truncated."
            )
        elif stored[record_id] != anchor["record_hash"]:
            problems.append(
                f"Record {record_id} no longer has the hash it had when {_where(number, anchor)}:"
                " it was rewritten."
            )
    if len(problems) > MAX_REPORTED:
        more = len(problems) - MAX_REPORTED
        problems = [*problems[:MAX_REPORTED], f"... and {more} more anchored records."]
    return problems


@dataclass(frozen=True)
class TrailVerification:
    walk: ChainWalk
    anchors: int
    anchor_file_found: bool
    problems: list[str]


def audit_trail_verify(
    *,
    anchor_file: Path | None = None,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> TrailVerification:
    """The chain (keyed hashes and links), then the anchors (signatures, order) and the
    chain against them. Raises ``AuditKeyMissing`` without the key."""
    key: bytes | None = settings.AUDIT_HMAC_KEY
    if not key:
        raise AuditKeyMissing
    path = Path(anchor_file or settings.AUDIT_ANCHOR_FILE)
    walk = audit_chain_verify(batch_size=batch_size, on_batch=on_batch)
    problems: list[str] = []
    if walk.broken is not None:
        problems.append(
            f"Audit chain broken at record {walk.broken.record_id}: {walk.broken.problem} "
            f"({walk.checked} records before it are intact)."
        )
    if not path.exists():
        return TrailVerification(walk, 0, False, problems)
    read = audit_anchors_read(path=path, key=key)
    problems += read.problems
    if read.anchors:
        number, latest = read.anchors[-1]
        problems += _head_problems(audit_chain_head(), walk, number, latest)
        problems += _anchored_record_problems(read.anchors)
    return TrailVerification(walk, len(read.anchors), True, problems)
