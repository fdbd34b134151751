"""API authentication: bearer tokens that expire, and the browser session."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular import authentication as drf_spectacular_authentication
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from portal.models import ApiToken, User
from portal.selectors.accounts import api_token_get_by_key
from portal.services.accounts import api_token_used


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``): one of the caller's API tokens
    (portal.models.ApiToken, one per client), until its expiry (API_TOKEN_TTL_HOURS after
    issue) or its revocation."""

    KEYWORDS = (b"token", b"bearer")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        # The header is parsed here rather than rewritten for the parent class: DRF reads
        # it from request.headers, which Django caches, so a rewritten META is not seen.
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in self.KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: expected a keyword and one key.")
            )
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: the key has invalid characters.")
            ) from error
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = api_token_get_by_key(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."))
        if token.user.password_change_required:
            raise exceptions.PermissionDenied(PASSWORD_CHANGE_REQUIRED_DETAIL)
        api_token_used(token=token)
        return token.user, token


PASSWORD_CHANGE_REQUIRED_DETAIL = _(
    "You must choose a new password before you go on: sign in on the portal's pages."
)


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session; unauthenticated answers carry a WWW-Authenticate header so
    that DRF answers 401 rather than 403 to anonymous callers."""

    def authenticate_header(self, request: Request) -> str:
        return "Session"


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """Describes our SessionAuthentication subclass in the OpenAPI schema as cookie auth
    (drf-spectacular matches the exact DRF class only and warns otherwise)."""

    target_class = "portal.api.authentication.SessionAuthentication"
