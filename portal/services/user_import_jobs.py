"""Bulk creation of users as a job: the page checks the uploaded file and keeps it in
private storage; the worker reads it back (its SHA-256 must match), checks every row
again, creates all or none, and keeps the list of new accounts with their invitation
links or one-time passwords as a result downloadable once. The stored upload is deleted
when the job ends, however it ends.

The job's parameters name the stored file, its hash, the name it was uploaded under,
the way people first sign in and the number of rows: never the file itself nor a
secret (they go through the broker and stay on the job's page).
"""

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.job_kinds import JobParameter
from portal.models import JobLogLevel, User
from portal.services.jobs import JobContext, JobFailed
from portal.services.user_import import (
    ImportFileRefusedError,
    ImportRow,
    user_import_check,
    user_import_create,
    user_import_errors,
    user_import_read,
    user_import_result_csv,
    user_import_size_check,
)
from portal.services.users import FirstSignIn, OneTimePassword, one_time_password_prepare

# Under MEDIA_ROOT, which the portal never serves: one folder per administrator.
UPLOAD_FOLDER = "private/user-imports"
UPLOAD_PATH = re.compile(r"^private/user-imports/(?P<owner>\d+)/[0-9a-f]{32}\.(csv|xlsx)$")
FIRST_SIGN_IN_SHORT = {
    FirstSignIn.INVITATION.value: gettext_lazy("Invitation link by e-mail"),
    FirstSignIn.ONE_TIME_PASSWORD.value: gettext_lazy("One-time password"),
}
# The log names this many row errors; the job page says how many there were in all.
LOGGED_ERRORS_MAX = 100


@dataclass(frozen=True)
class StoredUpload:
    path: str
    sha256: str


def user_import_store(*, actor: User, data: bytes, name: str) -> StoredUpload:
    """Keep a checked upload in private storage until its job reads it."""
    extension = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    path = default_storage.save(
        f"{UPLOAD_FOLDER}/{actor.pk}/{uuid.uuid4().hex}.{extension}", ContentFile(data)
    )
    return StoredUpload(path=path, sha256=hashlib.sha256(data).hexdigest())


def user_import_discard(*, path: str) -> None:
    """Delete a stored upload (its job is over, or it was never started)."""
    if UPLOAD_PATH.match(path) and default_storage.exists(path):
        default_storage.delete(path)


def user_import_uploads_sweep(*, older_than: timedelta) -> int:
    """Delete kept uploads older than ``older_than``: previews never confirmed, jobs
    cancelled before a worker took them. Returns how many were deleted."""
    if not default_storage.exists(UPLOAD_FOLDER):
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    owners, _files = default_storage.listdir(UPLOAD_FOLDER)
    for owner in owners:
        _folders, names = default_storage.listdir(f"{UPLOAD_FOLDER}/{owner}")
        for name in names:
            path = f"{UPLOAD_FOLDER}/{owner}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


def _stored_bytes(path: str, sha256: str) -> bytes | None:
    """The stored upload, or None when it is gone or no longer the file that was checked."""
    if not UPLOAD_PATH.match(path) or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as stream:
        data = stream.read()
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def user_import_job_check(actor: User, parameters: dict[str, Any]) -> None:
    """The stored upload is the starter's own and still the file that was checked."""
    match = UPLOAD_PATH.match(parameters["file"])
    if match is None or int(match["owner"]) != actor.pk:
        raise ValidationError({"file": _("This upload is not yours: upload the file again.")})
    if _stored_bytes(parameters["file"], parameters["sha256"]) is None:
        raise ValidationError({"file": _("The uploaded file is no longer kept: upload it again.")})


def user_import_job_describe(viewer: User, parameters: dict[str, Any]) -> list[JobParameter]:
    first_sign_in = parameters.get("first_sign_in", "")
    return [
        JobParameter(label=_("File"), value=str(parameters.get("file_name", ""))),
        JobParameter(label=_("Rows"), value=str(parameters.get("rows", ""))),
        JobParameter(
            label=_("First sign-in"),
            value=str(FIRST_SIGN_IN_SHORT.get(first_sign_in, first_sign_in)),
        ),
    ]


def _log_row_errors(context: JobContext, rows: list[ImportRow]) -> NoReturn:
    errors = user_import_errors(rows)
    for error in errors[:LOGGED_ERRORS_MAX]:
        context.log(
            _("Row %(row)d, %(column)s “%(value)s”: %(reason)s")
            % {
                "row": error.row,
                "column": error.column_label,
                "value": error.value,
                "reason": error.reason,
            },
            JobLogLevel.ERROR,
        )
    raise JobFailed(
        ngettext(
            "%(count)d error in the file: nothing was created. The log names it.",
            "%(count)d errors in the file: nothing was created. The log names them.",
            len(errors),
        )
        % {"count": len(errors)}
    )


def _prepare_passwords(
    context: JobContext, rows: list[ImportRow], first_sign_in: FirstSignIn
) -> dict[int, OneTimePassword]:
    """Hash each person's one-time password before the transaction (the slow part),
    reporting rows done: inside the transaction no progress would show."""
    total = len(rows)
    passwords: dict[int, OneTimePassword] = {}
    for done, row in enumerate(rows, start=1):
        if first_sign_in == FirstSignIn.ONE_TIME_PASSWORD:
            passwords[row.number] = one_time_password_prepare()
        context.progress(
            5 + 85 * done / total,
            _("%(done)d of %(total)d rows ready") % {"done": done, "total": total},
        )
    return passwords


def user_import_job(context: JobContext) -> None:
    """Create the people of the stored upload, all or none, for the job's owner."""
    parameters = context.parameters
    try:
        _create_from_stored_upload(context, parameters)
    finally:
        # The file holds personal data: it goes however the job ends.
        user_import_discard(path=parameters["file"])


def _create_from_stored_upload(context: JobContext, parameters: dict[str, Any]) -> None:
    data = _stored_bytes(parameters["file"], parameters["sha256"])
    if data is None:
        raise JobFailed(_("The uploaded file is no longer kept: upload it again."))
    file_name = parameters["file_name"]
    first_sign_in = FirstSignIn(parameters["first_sign_in"])
    try:
        rows = user_import_read(upload=io.BytesIO(data), name=file_name, size=len(data))
        user_import_size_check(rows=rows, first_sign_in=first_sign_in)
    except ImportFileRefusedError as error:
        raise JobFailed(str(error)) from error
    total = len(rows)
    context.log(_("Checking %(total)d rows of %(name)s.") % {"total": total, "name": file_name})
    context.progress(2, _("Checking %(total)d rows") % {"total": total})
    # Checked again: people may have been created since the preview.
    user_import_check(rows=rows, first_sign_in=first_sign_in)
    if user_import_errors(rows):
        _log_row_errors(context, rows)
    passwords = _prepare_passwords(context, rows, first_sign_in)
    context.progress(90, _("Creating %(total)d accounts, all or none") % {"total": total})
    try:
        created = user_import_create(
            actor=context.owner,
            rows=rows,
            first_sign_in=first_sign_in,
            file_name=file_name,
            passwords=passwords,
        )
    except ValidationError:
        # user_import_create checked the rows again inside its transaction.
        _log_row_errors(context, rows)
    except IntegrityError as error:
        raise JobFailed(
            _("Someone created one of these people at the same moment: nothing was created.")
        ) from error
    context.add_result(
        name="new-accounts.csv",
        content=user_import_result_csv(created),
        content_type="text/csv; charset=utf-8",
        once=True,
    )
    context.log(
        ngettext("%(count)d account created.", "%(count)d accounts created.", len(created))
        % {"count": len(created)}
    )
    context.progress(
        100,
        _("%(done)d of %(total)d rows: every account created")
        % {"done": len(created), "total": total},
    )
