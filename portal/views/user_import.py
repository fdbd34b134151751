"""Bulk creation of users from a file: upload, preview with every row's errors, confirm,
which starts the job that creates them (followed on the job's page)."""

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import permission_required
from portal.forms.users import UserImportForm
from portal.models import User
from portal.services.jobs import job_start
from portal.services.user_import import (
    COLUMN_LABELS,
    COLUMNS,
    ImportFileRefusedError,
    ImportRow,
    user_import_check,
    user_import_errors,
    user_import_read,
    user_import_size_check,
    user_import_template_csv,
)
from portal.services.user_import_jobs import user_import_discard, user_import_store
from portal.services.users import FirstSignIn

# The file previewed last without an error, kept in private storage and named in the
# session until confirmed: the job creates exactly what was shown (checked again),
# without a second upload.
PREVIEW_KEY = "portal_user_import_preview"
USER_IMPORT_KIND = "portal.user_import"


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind permission_required


def _preview(
    request: HttpRequest,
    *,
    rows: list[ImportRow],
    file_name: str,
    first_sign_in: FirstSignIn,
    preview_id: str,
    status: int = 200,
) -> HttpResponse:
    errors = user_import_errors(rows)
    return render(
        request,
        "portal/users/import_preview.html",
        {
            "rows": rows,
            "errors": errors,
            "columns": [(column, COLUMN_LABELS[column]) for column in COLUMNS],
            "file_name": file_name,
            "first_sign_in": first_sign_in,
            "preview_id": preview_id,
            "invitation": first_sign_in == FirstSignIn.INVITATION,
        },
        status=status,
    )


def _forget_preview(request: HttpRequest) -> None:
    """Drop the open preview and the file it kept (an upload replaced or abandoned)."""
    stored: dict[str, Any] | None = request.session.pop(PREVIEW_KEY, None)
    if stored and stored.get("file"):
        user_import_discard(path=stored["file"])


@permission_required("portal.view_user", "portal.add_user")
@never_cache
@require_http_methods(["GET", "POST"])
def user_import(request: HttpRequest) -> HttpResponse:
    form = UserImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        first_sign_in = form.chosen_first_sign_in()
        try:
            rows = user_import_read(upload=upload, name=upload.name, size=upload.size)
            user_import_size_check(rows=rows, first_sign_in=first_sign_in)
        except ImportFileRefusedError as error:
            form.add_error("file", str(error))
        else:
            user_import_check(rows=rows, first_sign_in=first_sign_in)
            _forget_preview(request)
            preview_id = secrets.token_urlsafe(12)
            if not user_import_errors(rows):
                # Kept in private storage for the job; the session names it only.
                upload.seek(0)
                stored = user_import_store(
                    actor=_actor(request), data=upload.read(), name=upload.name
                )
                request.session[PREVIEW_KEY] = {
                    "id": preview_id,
                    "file": stored.path,
                    "sha256": stored.sha256,
                    "file_name": upload.name[:200],
                    "first_sign_in": first_sign_in.value,
                    "rows": len(rows),
                }
            return _preview(
                request,
                rows=rows,
                file_name=upload.name,
                first_sign_in=first_sign_in,
                preview_id=preview_id,
            )
    return render(
        request,
        "portal/users/import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@permission_required("portal.view_user", "portal.add_user")
@never_cache
@require_POST
def user_import_confirm(request: HttpRequest) -> HttpResponse:
    """Start the job that creates the previewed people; its page follows it."""
    stored: dict[str, Any] | None = request.session.get(PREVIEW_KEY)
    if stored is None or stored.get("id") != request.POST.get("preview", ""):
        messages.error(request, _("That preview is no longer open: upload the file again."))
        return redirect("portal:user-import")
    del request.session[PREVIEW_KEY]
    parameters = {
        key: stored[key] for key in ("file", "sha256", "file_name", "first_sign_in", "rows")
    }
    try:
        job = job_start(actor=_actor(request), kind_name=USER_IMPORT_KIND, parameters=parameters)
    except ValidationError as error:
        user_import_discard(path=stored["file"])
        messages.error(request, " ".join(error.messages))
        return redirect("portal:user-import")
    messages.success(
        request,
        ngettext(
            "Creating %(count)d user: this page follows the job.",
            "Creating %(count)d users: this page follows the job.",
            stored["rows"],
        )
        % {"count": stored["rows"]},
    )
    return redirect("portal:job-detail", pk=job.pk)


@permission_required("portal.view_user", "portal.add_user")
@require_http_methods(["GET"])
def user_import_template(request: HttpRequest) -> HttpResponse:
    # With a byte-order mark: Excel then opens the file as UTF-8 (names like Petraitytė).
    response = HttpResponse(
        "\ufeff" + user_import_template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="users-template.csv"'
    return response
