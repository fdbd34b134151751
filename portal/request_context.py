"""Who is acting and from where, for the audit trail, without passing the request around.

The middleware fills it for web requests; Celery tasks and commands leave it empty
(their audit records then carry no address).
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


EMPTY_CONTEXT = RequestContext()
current_request_context: ContextVar[RequestContext] = ContextVar(
    "current_request_context", default=EMPTY_CONTEXT
)
