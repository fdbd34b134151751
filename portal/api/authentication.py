"""API authentication: bearer tokens that expire, and the browser session."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``); tokens expire after
    API_TOKEN_TTL_HOURS."""

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        header = authentication.get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            header[0] = b"Token"
            request.META["HTTP_AUTHORIZATION"] = b" ".join(header).decode()
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS):
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."))
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session; unauthenticated answers carry a WWW-Authenticate header so
    that DRF answers 401 rather than 403 to anonymous callers."""

    def authenticate_header(self, request: Request) -> str:
        return "Session"
