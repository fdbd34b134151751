"""Bulk creation of users from a file: upload, preview with every row's errors, confirm."""

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import permission_required
from portal.forms.users import UserImportForm
from portal.models import User
from portal.services.user_import import (
    COLUMN_LABELS,
    COLUMNS,
    ImportFileRefusedError,
    ImportRow,
    user_import_check,
    user_import_create,
    user_import_errors,
    user_import_read,
    user_import_result_csv,
    user_import_result_downloaded,
    user_import_size_check,
    user_import_template_csv,
)
from portal.services.users import FirstSignIn

# The rows of the file previewed last, kept in the session until confirmed: the
# confirmation creates exactly what was shown (checked again), without a second upload.
PREVIEW_KEY = "portal_user_import_preview"
# The one-time passwords of the last import, downloadable once.
RESULT_KEY = "portal_user_import_result"


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
            preview_id = secrets.token_urlsafe(12)
            request.session[PREVIEW_KEY] = {
                "id": preview_id,
                "file_name": upload.name,
                "first_sign_in": first_sign_in.value,
                "rows": [[row.number, row.values] for row in rows],
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
    stored: dict[str, Any] | None = request.session.get(PREVIEW_KEY)
    if stored is None or stored.get("id") != request.POST.get("preview", ""):
        messages.error(request, _("That preview is no longer open: upload the file again."))
        return redirect("portal:user-import")
    rows = [ImportRow(number=number, values=values) for number, values in stored["rows"]]
    first_sign_in = FirstSignIn(stored["first_sign_in"])
    try:
        created = user_import_create(
            actor=_actor(request),
            rows=rows,
            first_sign_in=first_sign_in,
            file_name=stored["file_name"],
        )
    except IntegrityError:
        # Another administrator created one of these people in the same instant (the
        # database's unique username caught it after our check): nothing was created.
        messages.error(
            request,
            _("Someone created one of these people at the same moment: nothing was created."),
        )
        user_import_check(rows=rows, first_sign_in=first_sign_in)
        return _preview(
            request,
            rows=rows,
            file_name=stored["file_name"],
            first_sign_in=first_sign_in,
            preview_id=stored["id"],
            status=409,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _preview(
            request,
            rows=rows,
            file_name=stored["file_name"],
            first_sign_in=first_sign_in,
            preview_id=stored["id"],
            status=400,
        )
    del request.session[PREVIEW_KEY]
    if first_sign_in == FirstSignIn.ONE_TIME_PASSWORD:
        request.session[RESULT_KEY] = user_import_result_csv(created)
    messages.success(
        request,
        ngettext("%(count)d user created.", "%(count)d users created.", len(created))
        % {"count": len(created)},
    )
    return render(
        request,
        "portal/users/import_result.html",
        {"created": created, "invitation": first_sign_in == FirstSignIn.INVITATION},
    )


@permission_required("portal.view_user", "portal.add_user")
@never_cache
@require_http_methods(["GET"])
def user_import_result_download(request: HttpRequest) -> HttpResponse:
    """The one-time passwords of the last bulk creation, once: the file leaves the session
    as it is downloaded."""
    content = request.session.pop(RESULT_KEY, None)
    if content is None:
        messages.error(
            request,
            _(
                "The one-time passwords were downloaded already or the import is over. "
                "Send those people an invitation from their page instead."
            ),
        )
        return redirect("portal:user-import")
    user_import_result_downloaded(actor=_actor(request), content=content)
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="one-time-passwords.csv"'
    return response


@permission_required("portal.view_user", "portal.add_user")
@require_http_methods(["GET"])
def user_import_template(request: HttpRequest) -> HttpResponse:
    # With a byte-order mark: Excel then opens the file as UTF-8 (names like Petraitytė).
    response = HttpResponse(
        "\ufeff" + user_import_template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="users-template.csv"'
    return response
