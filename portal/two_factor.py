"""Who must use a second factor, and their TOTP devices (django-otp)."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User


def two_factor_required(user: User) -> bool:
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    return bool(required & user.held_role_names()) or user.is_superuser


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def totp_verify(user: User, token: str) -> TOTPDevice | None:
    """The user's confirmed device if ``token`` is its current code (throttled by django-otp)."""
    device = confirmed_totp_device(user)
    token = (token or "").strip().replace(" ", "")
    if device is None or not token.isdigit():
        return None
    return device if device.verify_token(token) else None


def session_verified(user: object) -> bool:
    """Whether this request's user gave a code (OTPMiddleware adds ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
