"""Helpers shared by the violation pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

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
