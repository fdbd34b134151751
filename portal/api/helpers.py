"""Small pieces every API module uses: the signed-in user of a request, the error
answers for the schema, and a service's ValidationError in the API's error shape."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from rest_framework import serializers
from rest_framework.request import Request

from portal.api.errors import ErrorSerializer
from portal.models import User


def error_responses(*statuses: int) -> dict[int, Any]:
    """The error answers an endpoint gives, for drf-spectacular: ``responses={200: ...,
    **error_responses(401, 403)}``. All share the one shape of portal.api.errors."""
    return dict.fromkeys(statuses, ErrorSerializer)


# The usual set: bad input, not signed in, not allowed, not found (or out of reach).
ERRORS = error_responses(400, 401, 403, 404)


def request_user(request: Request | HttpRequest) -> User:
    """The signed-in user of a request that passed its access rule (an endpoint's
    authenticated permission class, a view's ``permission_required``), typed as ours."""
    return request.user  # type: ignore[return-value]  # signed in: behind the access rule


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as the API's validation error: messages by field,
    or under ``non_field_errors`` when the service named no field."""
    if hasattr(error, "error_dict"):
        messages = dict(error.message_dict)
        if "__all__" in messages:  # Django's name for "no field"
            messages["non_field_errors"] = messages.pop("__all__")
        return serializers.ValidationError(messages)
    return serializers.ValidationError({"non_field_errors": error.messages})
