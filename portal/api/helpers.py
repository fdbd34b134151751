"""Small pieces every API module uses: the signed-in user of a request, the error
answers for the schema, and a service's ValidationError in the API's error shape."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.request import Request

from portal.api.errors import ErrorSerializer
from portal.models import User

# The error answers an endpoint may give, for drf-spectacular: ``responses={200: ...,
# **ERRORS}``. All share the one shape of portal.api.errors.
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def request_user(request: Request) -> User:
    """The signed-in user of a request that passed an authenticated permission class
    (``require_perms`` and the like), typed as our User."""
    return request.user  # type: ignore[return-value]  # behind an authenticated permission


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as the API's validation error: messages by field,
    or under ``non_field_errors`` when the service named no field."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})
