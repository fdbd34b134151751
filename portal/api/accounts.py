"""API tokens: issued for a password (and the one-time code where 2FA applies)."""

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from portal.api.authentication import PASSWORD_CHANGE_REQUIRED_DETAIL
from portal.api.errors import ErrorSerializer
from portal.api.permissions import Public
from portal.middleware import client_ip
from portal.services.accounts import (
    API_CLIENT_DEFAULT_NAME,
    account_login_failed,
    account_second_factor_failed,
    api_token_issue,
)
from portal.two_factor import totp_verify, two_factor_required

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


# --- Throttles ------------------------------------------------------------------------
class _TokenThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read at each request rather than once at import (DRF's default), so that the
        # rates follow the settings, including a test's override.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)


class TokenAccountThrottle(_TokenThrottle):
    """Token requests per account named in the body: guessing one account's password is
    slowed down wherever the guesses come from, and other accounts are not held up."""

    scope = "token_account"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # nothing to count per account; the input serializer refuses it
        # A digest: the name as typed may hold anything (spaces, control characters,
        # 100,000 characters) and a cache key should not.
        account = username.strip().casefold().encode("utf-8", "replace")
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(account).hexdigest(),
        }


class TokenAddressThrottle(_TokenThrottle):
    """Token requests per client address, looser than per account: many clients (a
    station's tablets) may sign in from behind one address."""

    scope = "token_address"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        # The address the audit trail records: a forwarded header only when configured
        # (DRF's get_ident would believe any X-Forwarded-For a client sends).
        address = client_ip(request._request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": address}


# --- Tokens ---------------------------------------------------------------------------
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"})
    otp_code = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text=_(
            "The current code of the authenticator app, for roles that sign in with two factors."
        ),
    )
    client = serializers.CharField(
        max_length=100,
        required=False,
        default=API_CLIENT_DEFAULT_NAME,
        help_text=_(
            "A name for the device or program asking, e.g. patrol-tablet-3. Each client of "
            "an account has its own token; asking again replaces only that client's token."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    client = serializers.CharField()
    expires = serializers.DateTimeField()
    expires_in_hours = serializers.IntegerField()


def _credentials_refused() -> serializers.ValidationError:
    return serializers.ValidationError(
        {"non_field_errors": [_("Unable to sign in with these credentials.")]}
    )


class TokenView(APIView):
    permission_classes = [Public]
    authentication_classes: list[type] = []
    throttle_classes = [TokenAccountThrottle, TokenAddressThrottle]

    @extend_schema(
        request=TokenRequestSerializer, responses={200: TokenResponseSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(
            request._request, username=username, password=data.validated_data["password"]
        )
        # One answer for a wrong password, a missing code and a wrong code: a different
        # answer for the code would tell an attacker that the password was right.
        if user is None or not user.is_active:
            # Audited like a failed sign-in on the login page: the API is another door.
            # authenticate() has already counted the failure towards the lockout.
            account_login_failed(username=username)
            raise _credentials_refused()
        if (
            two_factor_required(user)
            and totp_verify(user, data.validated_data.get("otp_code", "")) is None
        ):
            account_second_factor_failed(request=request._request, username=username)
            raise _credentials_refused()
        if user.password_change_required:
            # The password was right (and the code): the person is told what to do.
            raise exceptions.PermissionDenied(PASSWORD_CHANGE_REQUIRED_DETAIL)
        token, key = api_token_issue(
            user=user, client=data.validated_data.get("client", API_CLIENT_DEFAULT_NAME)
        )
        body = {
            "token": key,
            "client": token.name,
            "expires": token.expires,
            "expires_in_hours": settings.API_TOKEN_TTL_HOURS,
        }
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_200_OK)
