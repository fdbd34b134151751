"""Device writes done once: the key a device gives each write to a violation (a goods
line, a person, a photo, a submission, a correction) is recorded with what it made, and a
re-send with the same key returns that instead of acting twice (cases.models.writes)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import ClientWrite, Violation
from portal.models import User


def client_write_claim(
    *, actor: User, violation: Violation, kind: str, client_key: uuid.UUID | None
) -> tuple[ClientWrite | None, bool]:
    """Reserve ``client_key`` for a write of ``kind`` to ``violation``. Returns (record,
    True) when this is the first request with the key: the caller acts, then calls
    client_write_done. Returns (record, False) for a re-send: the caller returns what
    record.result_id names and acts no further. (None, True) without a key.

    Must run inside the caller's transaction: a write that is refused afterwards rolls
    the reservation back with it, so the officer's corrected re-send is still a first.
    Two requests with the same key at once: the second waits on the unique index until
    the first commits, then finds its record."""
    if client_key is None:
        return None, True
    try:
        with transaction.atomic():
            record = ClientWrite.objects.create(
                violation=violation, kind=kind, client_key=client_key, actor=actor
            )
    except IntegrityError:
        record = ClientWrite.objects.get(violation=violation, kind=kind, client_key=client_key)
        if record.actor_id != actor.pk:
            raise ValidationError(
                {"client_key": _("This key belongs to another user's entry.")}
            ) from None
        return record, False
    return record, True


def client_write_done(record: ClientWrite | None, result_id: int) -> None:
    if record is not None:
        record.result_id = result_id
        record.save(update_fields=["result_id"])


def already_removed(message: str) -> ValidationError:
    """A re-send of a write whose result was removed since: nothing is added again, and
    the device is told so (``message`` names what it was)."""
    return ValidationError({"__all__": message})
