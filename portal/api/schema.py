"""The OpenAPI schema's view of every endpoint: what drf-spectacular infers, plus the
error answers any endpoint can give, all in the one shape of portal.api.errors. An
endpoint that documents an error itself (``error_responses``) keeps its own."""

from typing import Any

from drf_spectacular.openapi import AutoSchema

from portal.api.errors import ErrorSerializer

# Any endpoint: bad input (a query parameter too), not signed in, not allowed, and not
# found (an id outside the caller's reach, or a path the API does not have).
ALWAYS = (400, 401, 403, 404)
# Endpoints that read a body: too large, or in a media type they do not parse.
WITH_BODY = (413, 415)
# A request line longer than the web server takes (gunicorn: 4094 bytes; a proxy may set
# less) is refused by that server before the portal sees it, in the server's own words.
URI_TOO_LONG = {
    "description": "The address is longer than the web server accepts (about 4,000 bytes "
    "with gunicorn): refused by the server in front of the portal, as an HTML page.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        statuses = list(ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.extend(WITH_BODY)
        if getattr(self.view, "throttle_classes", None):
            statuses.append(429)
        for status in statuses:
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    ErrorSerializer, str(status), direction=direction
                )
        responses.setdefault("414", URI_TOO_LONG)
        return dict(sorted(responses.items()))
