"""The arithmetic of the audit chain and of its anchors, with no database.

Two schemes of record hash exist. ``sha256`` is the chain as it was first written: a
plain SHA-256 over the previous hash and the record's content, which anyone who can
write to the table can recompute. ``hmac-sha256`` keys the same input (and the scheme's
name) with a secret held outside the database, so a rewritten record cannot be given a
hash that verifies without the key. New records are always keyed; unkeyed ones may only
come first, from before the key existed.

An anchor is a signed statement of the chain's head at a moment (last record, its hash,
how many records), appended to a file outside the database. Anchors make the removal of
the newest records, or of all of them, visible: a record that was anchored must still
be there with the hash it had.
"""

import hashlib
import hmac
import json
from typing import Any, TypedDict, cast

from django.core.exceptions import ImproperlyConfigured

GENESIS_HASH = "0" * 64
SCHEME_UNKEYED = "sha256"
SCHEME_KEYED = "hmac-sha256"
ANCHOR_FORMAT = 1


class AuditKeyMissing(ImproperlyConfigured):
    """The keyed chain can be neither written nor verified without its key."""

    def __init__(self) -> None:
        super().__init__(
            "No audit key: set AUDIT_HMAC_KEY, or AUDIT_HMAC_KEY_FILE to a file holding it. "
            "The audit chain is keyed (HMAC-SHA256) and cannot be written or verified "
            "without the key."
        )


class Anchor(TypedDict):
    """One line of the anchor file (JSON), ``signature`` over all the other fields."""

    format: int
    database: str
    anchored_at: str
    record_id: int
    record_hash: str
    count: int
    first_keyed_id: int | None
    prev_signature: str
    signature: str


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def unkeyed_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """The original scheme, unchanged so that records written with it still verify."""
    return hashlib.sha256(f"{prev_hash}|{canonical_json(content)}".encode()).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, content: dict[str, Any]) -> str:
    # The scheme's name is part of the message: a keyed hash can never pass for another
    # scheme's, whatever the content.
    message = f"{SCHEME_KEYED}|{prev_hash}|{canonical_json(content)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def anchor_signature(key: bytes, anchor: dict[str, Any]) -> str:
    signed = {name: value for name, value in anchor.items() if name != "signature"}
    message = f"audit-anchor|{canonical_json(signed)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def anchor_signature_valid(key: bytes, anchor: dict[str, Any]) -> bool:
    return hmac.compare_digest(str(anchor.get("signature", "")), anchor_signature(key, anchor))


def anchor_parse(text: str) -> Anchor | None:
    """One line of the anchor file, or None when it is not an anchor at all."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) != set(Anchor.__annotations__):
        return None
    return cast(Anchor, value)
