"""Helpers shared by the violation pages."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.models import User


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind permission_required


def add_service_errors(
    form: Any, error: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """A service's refusal on the form: each message on the form field of that name (or
    the one ``fields`` maps the service's field to), else on the form as a whole."""
    for field, messages_ in error.message_dict.items():
        name = (fields or {}).get(field, field)
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def back_to_violation(
    request: HttpRequest, form: Any, violation: Any, *, success: str, anchor: str
) -> HttpResponse:
    """After a small form on the violation page: its errors (or the success) as messages,
    and back to the section it belongs to."""
    if form.errors:
        form_errors_to_messages(request, form)
    else:
        messages.success(request, success)
    return redirect(f"{violation.get_absolute_url()}#{anchor}")


def form_errors_to_messages(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
