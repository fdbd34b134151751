"""Requests the live server is still answering when a browser test ends.

A browser test ends by closing its pages and then emptying every table (a transactional
test's flush). A request the page sent just before (a poll, an outbox re-send) may still
run in a thread of the live server: its writes then race the flush, and PostgreSQL may
end one of them as a deadlock, or the request finds the next test's empty tables. The
browser fixture waits, after closing the pages, until no request is in flight.
Installed first in the test settings' middleware, so it counts the whole request."""

import threading
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_idle = threading.Condition()
_in_flight = 0


class CountRequestsInFlight:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _in_flight
        with _idle:
            _in_flight += 1
        try:
            return self.get_response(request)
        finally:
            with _idle:
                _in_flight -= 1
                _idle.notify_all()


def wait_until_no_request_in_flight(timeout: float = 30.0) -> bool:
    """True once the live server answers no request (False if one still runs after
    ``timeout`` seconds: the test then fails on its own terms, not here)."""
    with _idle:
        return _idle.wait_for(lambda: _in_flight == 0, timeout=timeout)
