"""What a case holds: documents (kept exactly as received, with their SHA-256), notes
and events. Every addition is audited with the acting user."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseDocument, CaseEvent, CaseNote
from cases.services.search import search_index_refresh
from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record

NOTE_MAX = 20_000
DESCRIPTION_MAX = 300
EVENT_TITLE_MAX = 200
PLACE_MAX = 300

# Content signatures of the accepted types: the first bytes decide, not the file name.
# Office documents are ZIP containers: accepted with a matching name only.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}


def case_document_max_bytes() -> int:
    return int(getattr(settings, "CASE_DOCUMENT_MAX_BYTES", 25 * 2**20))


def _document_type(head: bytes, name: str) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04"):
        suffix = name.lower()[name.rfind(".") :] if "." in name else ""
        return OFFICE_TYPES.get(suffix)
    return None


def _read_checked(upload: UploadedFile) -> tuple[bytes, str]:
    limit = case_document_max_bytes()
    name = upload.name or "file"
    too_large = _("%(name)s is larger than %(limit)d MB.") % {
        "name": name,
        "limit": limit // 2**20,
    }
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": too_large})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": too_large})
    if not content:
        raise ValidationError({"file": _("%(name)s is empty.") % {"name": name}})
    content_type = _document_type(content[:16], name)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "%(name)s is not a PDF, JPEG or PNG file or a Word, Excel or "
                    "OpenDocument text document."
                )
                % {"name": name}
            }
        )
    return content, content_type


def case_document_write(
    *,
    actor: User,
    case: Case,
    name: str,
    content: bytes,
    content_type: str,
    description: str = "",
) -> CaseDocument:
    """The one place a case document's file is written: under its SHA-256, never
    modified. The caller has checked the file and holds a transaction."""
    digest = hashlib.sha256(content).hexdigest()
    document = CaseDocument(
        case=case,
        original_name=name[:255],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        description=description,
        uploaded_by=actor,
    )
    document.file.save(digest, ContentFile(content), save=False)
    document.save()
    return document


@transaction.atomic
def case_document_add(
    *, actor: User, case: Case, upload: UploadedFile, description: str = ""
) -> CaseDocument:
    """A file of the case, stored under its SHA-256 and never modified. The same file
    twice on one case is refused with a message naming the earlier one."""
    description = description.strip()
    lengths_check({"description": (description, DESCRIPTION_MAX)})
    content, content_type = _read_checked(upload)
    digest = hashlib.sha256(content).hexdigest()
    existing = CaseDocument.objects.filter(case=case, sha256=digest).first()
    if existing is not None:
        raise ValidationError(
            {
                "file": _("This file is already in the case, as %(name)s.")
                % {"name": existing.original_name}
            }
        )
    document = case_document_write(
        actor=actor,
        case=case,
        name=upload.name or "file",
        content=content,
        content_type=content_type,
        description=description,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={
            "document_added": {
                "name": document.original_name,
                "sha256": digest,
                "size": document.size,
            }
        },
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    search_index_refresh(kind="case_document", ids=[document.pk])
    return document


@transaction.atomic
def case_note_add(*, actor: User, case: Case, body: str) -> CaseNote:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    lengths_check({"body": (body, NOTE_MAX)})
    note = CaseNote.objects.create(case=case, body=body, author=actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={"note_added": {"note": note.pk, "length": len(body)}},
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    search_index_refresh(kind="case_note", ids=[note.pk])
    return note


@transaction.atomic
def case_event_add(
    *,
    actor: User,
    case: Case,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: Point | None = None,
    place_description: str = "",
) -> CaseEvent:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Say what happened.")})
    lengths_check(
        {"title": (title, EVENT_TITLE_MAX), "place_description": (place_description, PLACE_MAX)}
    )
    hidden_characters_check({"title": title})
    if ends_at is not None and ends_at < starts_at:
        raise ValidationError({"ends_at": _("The end is before the start.")})
    event = CaseEvent(
        case=case,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        place_description=place_description.strip(),
        created_by=actor,
    )
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={"event_added": {"event": event.pk, "title": title}},
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    search_index_refresh(kind="case_event", ids=[event.pk])
    return event
