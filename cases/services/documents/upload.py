"""Upload of documents to a case for their text: one file, or a zip of many.

Everything is checked before anything is written: the size, the type of each file by
its content, and for a zip the number of members, their unpacked size and compression
ratio (a zip bomb), encrypted or nested archives, and the same file twice. A refused
upload writes nothing (no file, no document, no job). An accepted one keeps each file
as a CaseDocument (unaltered, under its SHA-256), and starts the extraction job.
"""

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseDocument, DocumentText, ExtractionStatus
from cases.services.case_content import DESCRIPTION_MAX, case_document_write
from cases.services.documents import kinds
from cases.services.search import search_index_refresh
from portal.lib.text import lengths_check
from portal.models import AuditAction, Job, User
from portal.services.audit import audit_record
from portal.services.jobs import job_start

CHUNK = 2**20


@dataclass(frozen=True)
class Checked:
    """A file that passed every check, named as it will be kept."""

    name: str
    content_type: str
    size: int
    sha256: str
    member: str = ""  # its name in the zip; empty for a file uploaded alone


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _mb(limit: int) -> str:
    return f"{limit / 2**20:g}"


def _read_upload(upload: UploadedFile) -> bytes:
    limit = kinds.max_upload_bytes()
    name = kinds.safe_name(upload.name or "")
    too_large = _("%(name)s is larger than %(limit)s MB, the most one upload may be.") % {
        "name": name,
        "limit": _mb(limit),
    }
    if upload.size is not None and upload.size > limit:
        raise _refuse(too_large)
    buffer = io.BytesIO()
    for chunk in upload.chunks(CHUNK):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise _refuse(too_large)
    if not buffer.tell():
        raise _refuse(_("%(name)s is empty.") % {"name": name})
    return buffer.getvalue()


def _check_one(name: str, content: bytes, *, member: str = "") -> Checked:
    limit = kinds.max_file_bytes()
    if len(content) > limit:
        raise _refuse(
            _("%(name)s is larger than %(limit)s MB, the most one document may be.")
            % {"name": name, "limit": _mb(limit)}
        )
    if not content:
        raise _refuse(_("%(name)s is empty.") % {"name": name})
    content_type = kinds.content_type_of(content)
    if content_type == kinds.ZIP:
        raise _refuse(
            _("%(name)s is a zip inside the zip; unpack it and upload its files.") % {"name": name}
        )
    if content_type not in kinds.READABLE:
        raise _refuse(
            _(
                "%(name)s is not a PDF, a Word document (DOCX), an e-mail (EML or MSG) "
                "or plain text."
            )
            % {"name": name}
        )
    return Checked(
        name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        member=member,
    )


def _zip_members(
    archive: zipfile.ZipFile, zip_name: str, packed_size: int
) -> list[zipfile.ZipInfo]:
    """The files of the archive, after the checks that need no unpacking."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if not members:
        raise _refuse(_("%(name)s holds no file.") % {"name": zip_name})
    if len(members) > kinds.max_zip_members():
        raise _refuse(
            _("%(name)s holds %(count)d files; a zip may hold at most %(limit)d.")
            % {"name": zip_name, "count": len(members), "limit": kinds.max_zip_members()}
        )
    if any(info.flag_bits & 0x1 for info in members):
        raise _refuse(
            _("%(name)s is encrypted; upload the files without a password.") % {"name": zip_name}
        )
    declared = sum(info.file_size for info in members)
    bomb = _(
        "%(name)s unpacks to more than %(limit)s MB or %(ratio)d times its size; "
        "it is refused as a zip bomb."
    ) % {"name": zip_name, "limit": _mb(kinds.max_unpacked_bytes()), "ratio": kinds.max_ratio()}
    if declared > kinds.max_unpacked_bytes() or declared > kinds.max_ratio() * max(packed_size, 1):
        raise _refuse(bomb)
    for info in members:
        if (
            info.file_size > kinds.max_ratio() * max(info.compress_size, 1)
            and info.file_size > CHUNK
        ):
            raise _refuse(bomb)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_name: str) -> bytes:
    """The member's bytes, read no further than its declared size allows: a header that
    lies about the size is caught here, not after filling the memory."""
    limit = min(info.file_size, kinds.max_file_bytes())
    with archive.open(info) as stream:
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise _refuse(
            _("%(member)s in %(name)s is larger than it says or than a document may be.")
            % {"member": kinds.safe_name(info.filename), "name": zip_name}
        )
    return content


def _unique_names(checked: list[Checked]) -> list[Checked]:
    seen: dict[str, int] = {}
    named: list[Checked] = []
    for item in checked:
        stem, dot, suffix = item.name.rpartition(".")
        count = seen.get(item.name.lower(), 0)
        seen[item.name.lower()] = count + 1
        name = (
            item.name
            if not count
            else f"{stem or suffix} ({count + 1}){dot}{suffix if stem else ''}"
        )
        named.append(Checked(name, item.content_type, item.size, item.sha256, item.member))
    return named


def documents_check(*, case: Case, upload: UploadedFile) -> tuple[bytes, list[Checked]]:
    """The upload read and every file in it checked; raises ValidationError("file")
    with what is wrong. Writes nothing."""
    content = _read_upload(upload)
    upload_name = kinds.safe_name(upload.name or "")
    if kinds.content_type_of(content) != kinds.ZIP:
        checked = [_check_one(upload_name, content)]
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                checked = []
                for info in _zip_members(archive, upload_name, len(content)):
                    name = kinds.safe_name(info.filename)
                    member = _read_member(archive, info, upload_name)
                    checked.append(_check_one(name, member, member=info.filename))
                    total = sum(item.size for item in checked)
                    if total > kinds.max_unpacked_bytes():
                        raise _refuse(_("%(name)s unpacks to too much.") % {"name": upload_name})
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
            raise _refuse(
                _("%(name)s is not a zip that can be read: %(reason)s")
                % {"name": upload_name, "reason": str(error)[:200]}
            ) from error
    _check_duplicates(case, checked)
    return content, _unique_names(checked)


def _check_duplicates(case: Case, checked: list[Checked]) -> None:
    seen: dict[str, str] = {}
    for item in checked:
        if item.sha256 in seen:
            raise _refuse(
                _("%(first)s and %(second)s are the same file; upload it once.")
                % {"first": seen[item.sha256], "second": item.name}
            )
        seen[item.sha256] = item.name
    existing = CaseDocument.objects.filter(case=case, sha256__in=list(seen)).first()
    if existing is not None:
        raise _refuse(
            _("%(name)s is already in the case, as %(existing)s.")
            % {"name": seen[existing.sha256], "existing": existing.original_name}
        )


def _contents(content: bytes, checked: list[Checked]) -> Iterator[tuple[Checked, bytes]]:
    if len(checked) == 1 and not checked[0].member:
        yield checked[0], content
        return
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for item in checked:
            data = archive.read(item.member)
            if hashlib.sha256(data).hexdigest() != item.sha256:  # the zip changed under us
                raise _refuse(_("The zip could not be read the same way twice."))
            yield item, data


def document_store(
    *,
    actor: User,
    case: Case,
    name: str,
    content: bytes,
    content_type: str,
    description: str = "",
    parent: CaseDocument | None = None,
) -> CaseDocument:
    """Keep one file as a document of ``case`` (under its SHA-256, never modified), with
    its text waiting to be extracted. The caller has checked it and holds a transaction."""
    document = case_document_write(
        actor=actor,
        case=case,
        name=name,
        content=content,
        content_type=content_type,
        description=description,
    )
    DocumentText.objects.create(document=document, parent=parent, status=ExtractionStatus.PENDING)
    return document


@transaction.atomic
def case_documents_upload(
    *, actor: User, case: Case, upload: UploadedFile, description: str = ""
) -> tuple[list[CaseDocument], Job]:
    """Keep the uploaded file (or each file of the uploaded zip) as documents of ``case``
    and start the job that extracts their text. All or nothing: any refused file
    refuses the upload (ValidationError by field) and nothing is kept."""
    description = description.strip()
    lengths_check({"description": (description, DESCRIPTION_MAX)})
    content, checked = documents_check(case=case, upload=upload)
    documents = [
        document_store(
            actor=actor,
            case=case,
            name=item.name,
            content=data,
            content_type=item.content_type,
            description=description,
        )
        for item, data in _contents(content, checked)
    ]
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={
            "documents_added": [
                {"name": d.original_name, "sha256": d.sha256, "size": d.size} for d in documents
            ],
            "from": kinds.safe_name(upload.name or ""),
        },
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    search_index_refresh(kind="case_document", ids=[d.pk for d in documents])
    job = job_start(
        actor=actor,
        kind_name="cases.document_extract",
        parameters={"case": case.pk, "documents": ",".join(str(d.pk) for d in documents)},
    )
    DocumentText.objects.filter(document__in=documents).update(job=job)
    return documents, job


@transaction.atomic
def case_document_read_start(*, actor: User, document: CaseDocument) -> Job:
    """Start reading the text of a document the case already held (one added before its
    text was read, through the plain upload). Raises ValidationError when its type has
    no text to read or its text is already read or being read."""
    if document.content_type not in kinds.READABLE:
        raise ValidationError(_("Text is not extracted from this type of file."))
    record, _created = DocumentText.objects.get_or_create(document=document)
    if record.status != ExtractionStatus.FAILED and not _created:
        raise ValidationError(_("The text of this document is already read or being read."))
    job = job_start(
        actor=actor,
        kind_name="cases.document_extract",
        parameters={"case": document.case_id, "documents": str(document.pk)},
    )
    DocumentText.objects.filter(pk=record.pk).update(
        job=job, status=ExtractionStatus.PENDING, message=""
    )
    return job
