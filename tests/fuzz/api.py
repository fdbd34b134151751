"""The API as schemathesis sees it: the portal's WSGI application in this process, on
the test database, and the schema it serves."""

from collections.abc import Callable
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def in_test_transaction(app: WSGIHandler) -> Callable[..., list[bytes]]:
    """The WSGI application as Django's test client runs it: without closing the
    database connection at the start and end of each request (which would end the
    test's transaction), and with the body read whole before the request ends."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return application


def api_schema_load(authorization: str, *, config: Any = None) -> Any:
    """The schema /api/schema/ serves (to a signed-in caller), bound to the application."""
    app = in_test_transaction(WSGIHandler())
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", app, headers={"Authorization": authorization}, config=config
    )
