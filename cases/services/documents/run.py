"""The extraction job (kind ``cases.document_extract``, on the imports queue): for each
document of the upload, its text read and kept (bounded), its e-mail attachments kept as
documents of their own (linked to the message) and read in turn, what the text holds
offered as suggestions, and the document's search entry refreshed with its text.

Progress is reported per file; a cancel stops the job at the next file. A document whose
text is already extracted is skipped, so that a job picked up again after a lost worker
finishes once and duplicates nothing.
"""

import hashlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseDocument, DocumentText, ExtractionStatus
from cases.selectors.investigations import case_get_for_user
from cases.services.documents import kinds
from cases.services.documents.read import DocumentUnreadableError, document_read
from cases.services.documents.suggest import suggestions_find
from cases.services.documents.upload import document_store
from cases.services.search import search_index_refresh
from portal.job_kinds import JobParameter
from portal.models import JobLogLevel, User
from portal.services.jobs import JobContext, JobFailed

# Attachments of attachments are read this deep (an e-mail forwarded as an attachment).
MAX_DEPTH = 3
KEPT_ATTACHMENT_TYPES = kinds.READABLE | {kinds.JPEG, kinds.PNG}


class DocumentExtractParameters(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Case (its id)"), min_value=1)
    documents = forms.RegexField(
        label=gettext_lazy("Documents (their ids, comma-separated)"),
        regex=r"^[0-9]+(,[0-9]+)*$",
        max_length=4000,
    )


def _ids(given: dict[str, Any]) -> list[int]:
    return [int(part) for part in str(given.get("documents", "")).split(",") if part.isdigit()]


def document_extract_check(user: User, cleaned: dict[str, Any]) -> None:
    """The case is one the person works, and the documents are the case's."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    try:
        case = case_get_for_user(user=user, pk=cleaned["case"], for_work=True)
    except (Http404, PermissionDenied):
        raise ValidationError({"case": _("There is no case of yours with this id.")}) from None
    ids = _ids(cleaned)
    if CaseDocument.objects.filter(case=case, pk__in=ids).count() != len(set(ids)):
        raise ValidationError({"documents": _("These are not all documents of the case.")})


def document_extract_describe(viewer: User, given: dict[str, Any]) -> list[JobParameter]:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.urls import reverse

    try:
        case = case_get_for_user(user=viewer, pk=int(given.get("case") or 0))
    except (Http404, PermissionDenied, ValueError):
        return [JobParameter(label=_("Case"), value=str(given.get("case", "")))]
    described = [JobParameter(label=_("Case"), value=str(case), url=case.get_absolute_url())]
    for document in CaseDocument.objects.filter(case=case, pk__in=_ids(given)).order_by("pk"):
        described.append(
            JobParameter(
                label=_("Document"),
                value=document.original_name,
                url=reverse(
                    "investigations:case-document-detail",
                    kwargs={"pk": case.pk, "document_id": document.pk},
                ),
            )
        )
    return described


def _attachments_keep(
    context: JobContext, document: CaseDocument, found: list[tuple[str, bytes]]
) -> list[CaseDocument]:
    """The attachments of ``document`` kept as documents of its case, each checked by
    content and size as an upload is; the same file already in the case is not kept
    twice."""
    kept: list[CaseDocument] = []
    for raw_name, data in found[: kinds.max_attachments()]:
        content_type = kinds.content_type_of(data)
        name = kinds.safe_name(raw_name, content_type or "")
        if content_type not in KEPT_ATTACHMENT_TYPES or len(data) > kinds.max_file_bytes():
            context.log(
                _(
                    "The attachment %(name)s of %(parent)s is not kept: not a document type "
                    "the case keeps, or too large."
                )
                % {"name": name, "parent": document.original_name},
                JobLogLevel.WARNING,
            )
            continue
        digest = hashlib.sha256(data).hexdigest()
        existing = CaseDocument.objects.filter(case_id=document.case_id, sha256=digest).first()
        if existing is not None:
            context.log(
                _("The attachment %(name)s is already in the case, as %(existing)s.")
                % {"name": name, "existing": existing.original_name}
            )
            continue
        attachment = document_store(
            actor=document.uploaded_by,
            case=document.case,
            name=name,
            content=data,
            content_type=content_type,
            description=_("Attached to %(parent)s") % {"parent": document.original_name},
            parent=document,
        )
        search_index_refresh(kind="case_document", ids=[attachment.pk])
        kept.append(attachment)
    if len(found) > kinds.max_attachments():
        context.log(
            _("%(parent)s has %(count)d attachments; the first %(limit)d were kept.")
            % {
                "parent": document.original_name,
                "count": len(found),
                "limit": kinds.max_attachments(),
            },
            JobLogLevel.WARNING,
        )
    return kept


def _extract_one(
    context: JobContext, document: CaseDocument, *, keep_attachments: bool
) -> list[CaseDocument]:
    """Read one document; returns the attachments it brought, to be read next."""
    record, _created = DocumentText.objects.get_or_create(document=document)
    if record.status == ExtractionStatus.DONE:
        return []
    with document.file.open("rb") as stream:
        content = stream.read()
    try:
        result = document_read(content, document.content_type)
    except DocumentUnreadableError as error:
        DocumentText.objects.filter(pk=record.pk).update(
            status=ExtractionStatus.FAILED, message=str(error)[:500], extracted_at=timezone.now()
        )
        context.log(f"{document.original_name}: {error}", JobLogLevel.WARNING)
        return []
    limit = kinds.max_text_chars()
    text = result.text.replace("\x00", "")
    with transaction.atomic():
        found = result.attachments if keep_attachments else []
        attachments = _attachments_keep(context, document, found)
        DocumentText.objects.filter(pk=record.pk).update(
            status=ExtractionStatus.DONE,
            text=text[:limit],
            truncated=len(text) > limit,
            message="",
            job_id=context.job_id,
            extracted_at=timezone.now(),
        )
        offered = suggestions_find(document=document, text=text[:limit])
        search_index_refresh(kind="case_document", ids=[document.pk])
    context.log(
        _(
            "%(name)s: %(chars)d characters of text, %(offered)d suggestions, "
            "%(attached)d attachments."
        )
        % {
            "name": document.original_name,
            "chars": min(len(text), limit),
            "offered": offered,
            "attached": len(attachments),
        }
    )
    return attachments


def _owner_still_works_case(context: JobContext, case_id: int) -> bool:
    """Whether the job's owner may still work the case now: the team, the role in it and
    the account's permissions are read afresh (``has_perm`` caches on the user object),
    so that someone taken off the team while the job runs stops reading its documents."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    owner = User.objects.filter(pk=context.owner.pk).first()
    if owner is None:
        return False
    try:
        case_get_for_user(user=owner, pk=case_id, for_work=True)
    except (Http404, PermissionDenied):
        return False
    return True


def document_extract_job(context: JobContext) -> None:
    case_id = int(context.parameters["case"])
    queue: list[tuple[CaseDocument, int]] = [
        (document, 0)
        for document in CaseDocument.objects.filter(
            case_id=case_id, pk__in=_ids(context.parameters)
        )
        .select_related("case", "uploaded_by")
        .order_by("pk")
    ]
    total = len(queue)
    done = 0
    while queue:
        document, depth = queue.pop(0)
        # Once per file (not per page): the start checked the owner's access, but the
        # owner may leave the team, or lose the role, while the job runs.
        if not _owner_still_works_case(context, case_id):
            reason = _(
                "Stopped: %(owner)s may no longer work on this case (taken off its "
                "team or no longer in a working role); %(done)d of %(total)d "
                "documents were read."
            ) % {"owner": context.owner.get_username(), "done": done, "total": total}
            # The files not read are marked so, not left waiting: a team member may then
            # start reading them again (case_document_read_start reads failed ones).
            unread = [document.pk, *(queued.pk for queued, _depth in queue)]
            DocumentText.objects.filter(
                document_id__in=unread, status=ExtractionStatus.PENDING
            ).update(status=ExtractionStatus.FAILED, message=reason[:500])
            raise JobFailed(reason)
        context.items(done, total, _("Reading %(name)s") % {"name": document.original_name})
        attachments = _extract_one(context, document, keep_attachments=depth < MAX_DEPTH)
        queue.extend((attachment, depth + 1) for attachment in attachments)
        total += len(attachments)
        done += 1
    context.items(done, total, _("Text extracted from %(count)d documents.") % {"count": done})
