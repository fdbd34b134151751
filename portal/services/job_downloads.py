"""Downloads of a job's result files: audited, and a result kept ``once`` (secrets,
such as the one-time passwords of people created from a file) only by the job's owner
and only once."""

import io

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.models import AuditAction, JobResult, User
from portal.services.audit import audit_record


class JobResultGoneError(Exception):
    """A result downloadable once was downloaded already: its file is deleted."""


def job_result_open(*, actor: User, result: JobResult) -> File:
    """Open a result file for ``actor`` (who reached it through the job's accessor) and
    write the download to the audit trail. A result kept ``once`` opens only for the
    job's owner (PermissionDenied for anyone else) and only once (JobResultGoneError
    after): its file is read, deleted and marked downloaded."""
    if result.once:
        return _job_result_take(actor=actor, result=result)
    audit_record(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=result,
        object_repr=result.name,
        changes={"job": result.job_id, "sha256": result.sha256, "size": result.size},
    )
    return result.file.open("rb")


def job_result_downloaded_text(result: JobResult) -> str:
    """What a page says of a result downloadable once that was downloaded."""
    taker = result.downloaded_by
    return _(
        "This file could be downloaded once: %(name)s downloaded it on %(when)s, and it is "
        "no longer kept."
    ) % {
        "name": (taker.get_full_name() or taker.username) if taker else "?",
        "when": date_format(timezone.localtime(result.downloaded_at), "DATETIME_FORMAT"),
    }


def _job_result_take(*, actor: User, result: JobResult) -> File:
    if result.job.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who started this job may download this file."))
    with transaction.atomic():
        # Two clicks at once: the row lock lets one of them take the file.
        locked = JobResult.objects.select_for_update().get(pk=result.pk)
        if locked.downloaded_at is not None:
            raise JobResultGoneError(job_result_downloaded_text(locked))
        with locked.file.open("rb") as stream:
            content = stream.read()
        locked.downloaded_at = timezone.now()
        locked.downloaded_by = actor
        locked.save(update_fields=["downloaded_at", "downloaded_by"])
        audit_record(
            actor=actor,
            action=AuditAction.DOWNLOAD,
            obj=locked,
            object_repr=locked.name,
            changes={
                "job": locked.job_id,
                "sha256": locked.sha256,
                "size": locked.size,
                "once": True,
            },
        )
        stored = locked.file.name
        # The secrets leave the disk only once the download is on the record.
        transaction.on_commit(lambda: locked.file.storage.delete(stored))
    return File(io.BytesIO(content), name=locked.name)
