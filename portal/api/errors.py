"""One error shape for every API failure:

    {"type": "validation_error", "detail": "...", "errors": {"field": ["message", ...]}}

``errors`` is present for validation failures only; ``non_field_errors`` carries
messages that concern the whole input. A field inside another (an item of a list, a key
of an object) is named by its dotted path: ``unit.0`` for the first item of ``unit``,
``details.packs`` for a category's fact, ``reports.3.latitude`` for a field of the
fourth report; every value is a flat list of messages, whatever the input's nesting.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.selectors.gate import RoleNotInForce


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is larger than the server accepts.")
    default_code = "payload_too_large"


class ServerError(exceptions.APIException):
    """A failure of ours (an exception no view handled), answered without details:
    the traceback is in the log."""

    default_code = "server_error"


class BadRequest(exceptions.APIException):
    """A request Django refused before any view (e.g. a suspicious operation)."""

    status_code = 400
    default_detail = gettext_lazy("The request is not valid.")
    default_code = "bad_request"


class GateRefused(exceptions.PermissionDenied):
    """A refusal because the training gate took the role that would allow it
    (portal.selectors.gate): ``detail`` says which course is missing or expired and the
    next session with places; ``training`` gives the same per role, for a program."""

    default_code = "role_not_in_force"

    def __init__(self, missing: list[Any]) -> None:
        self.training = [_missing_as_data(item) for item in missing]
        super().__init__(" ".join(item.detail for item in missing))


def _missing_as_data(item: Any) -> dict[str, Any]:
    session = item.next_session
    lapsed = item.lapsed
    return {
        "role": item.role,
        "reason": item.reason,
        "courses": [{"code": c.code, "title": c.title} for c in item.courses],
        "certificate": None
        if lapsed is None
        else {
            "code": lapsed.code,
            "expires_on": lapsed.expires_on.isoformat(),
            "revoked": lapsed.revoked_at is not None,
        },
        "next_session": None
        if session is None
        else {
            "id": session.pk,
            "course": session.course.code,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
            "place": session.place,
        },
    }


ERROR_TYPES: dict[type[exceptions.APIException], str] = {
    # Before PermissionDenied, of which it is a kind: the first match names the type.
    GateRefused: "role_not_in_force",
    PayloadTooLarge: "payload_too_large",
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    ServerError: "server_error",
    BadRequest: "bad_request",
}


def _error_type(exc: Exception) -> str:
    for cls, name in ERROR_TYPES.items():
        if isinstance(exc, cls):
            return name
    return "error"


def flat_errors(data: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's validation errors, nested as the input was (a dict per nested serializer,
    a list per ListField or ``many=True``, with empty entries for the valid items), as
    one level of dotted paths to lists of messages."""
    name = path or "non_field_errors"
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            key_path = f"{path}.{key}" if path else str(key)
            for field, messages in flat_errors(value, key_path).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {name: [str(item) for item in data]} if data else {}
        flat = {}
        for index, item in enumerate(data):
            item_path = f"{path}.{index}" if path else str(index)
            if isinstance(item, dict | list):
                nested = flat_errors(item, item_path)
            else:
                nested = {name: [str(item)]}
            for field, messages in nested.items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {name: [str(data)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RecursionError) and "decoding a JSON" in str(exc):
        # A body of "[[[[…" nested past Python's recursion limit: bad input, not a
        # server error (DRF's JSON parser turns only ValueError into ParseError).
        exc = exceptions.ParseError(_("The JSON body is nested too deeply."))
    if isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML "Bad Request" page: the API's shape instead.
        exc = PayloadTooLarge()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RoleNotInForce):
        exc = GateRefused(exc.missing)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"type": _error_type(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("The input is not valid; see the messages per field.")
        data = response.data
        body["errors"] = flat_errors(data)
    else:
        data = response.data
        body["detail"] = data.get("detail", str(exc)) if isinstance(data, dict) else str(exc)
    if isinstance(exc, GateRefused):
        body["training"] = exc.training
    response.data = body
    return response


def error_response(error: exceptions.APIException) -> JsonResponse:
    """``error`` in the one error shape, for an answer given outside a DRF view (a
    middleware, or Django's error handlers for a path no API view matched)."""
    body: dict[str, Any] = {"type": _error_type(error), "detail": str(error.detail)}
    if isinstance(error, GateRefused):
        body["training"] = error.training
    return JsonResponse(body, status=error.status_code)


def payload_too_large_response() -> JsonResponse:
    """The API's answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE met outside a DRF
    view (a middleware that reads a posted form), in the one error shape."""
    return error_response(PayloadTooLarge())


# The shape of every error answer, for the OpenAPI schema. Built inline because a
# Serializer class cannot declare a field called "errors".
ErrorSerializer = inline_serializer(
    name="ErrorResponse",
    fields={
        "type": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Validation errors only: the messages by field. A field inside another "
            'is named by its dotted path ("unit.0", "details.packs", "reports.3.latitude"); '
            '"non_field_errors" holds those about the whole input.',
        ),
        "training": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text='"role_not_in_force" only: per role the training gate took, the '
            "reason, the qualifying courses, the person's last certificate of one (expired "
            "or revoked) and the next session with free places.",
        ),
    },
)
