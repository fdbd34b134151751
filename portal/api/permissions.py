"""API permissions. The default is DenyAll: an endpoint opens only by stating a rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import BasePermission

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


class DenyAll(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return False


class Authenticated(BasePermission):
    """Any signed-in user (their own profile, the schema)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)


class Public(BasePermission):
    """Anyone: only the token endpoint, which checks credentials itself."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return True


def _raise_if_gated(user: Any, perms: tuple[str, ...]) -> None:
    """Refuse with the training gate's reason (the course, the next session) when the
    gate took the role that would allow this; a plain refusal follows otherwise."""
    from portal.api.errors import GateRefused
    from portal.selectors.gate import RoleNotInForce, refusal_for

    refusal = refusal_for(user, perms)
    if isinstance(refusal, RoleNotInForce):
        raise GateRefused(refusal.missing)


def require_perms(*perms: str) -> type[BasePermission]:
    """A permission class that lets through signed-in users holding every one of ``perms``."""

    class HasPermissions(BasePermission):
        required = perms

        def has_permission(self, request: Request, view: APIView) -> bool:
            user: Any = request.user
            if user and user.is_authenticated and user.has_perms(perms):
                return True
            _raise_if_gated(user, perms)
            return False

    HasPermissions.__name__ = "Requires_" + "_".join(p.replace(".", "__") for p in perms)
    return HasPermissions


def require_perms_or(*perms: str, alternative: Any) -> type[BasePermission]:
    """Signed-in users holding every one of ``perms``, or for whom ``alternative(user)``
    holds (a head of unit); the endpoint's accessor narrows what the latter reach."""

    class HasPermissionsOr(BasePermission):
        required = perms

        def has_permission(self, request: Request, view: APIView) -> bool:
            user: Any = request.user
            if not (user and user.is_authenticated):
                return False
            if user.has_perms(perms) or alternative(user):
                return True
            _raise_if_gated(user, perms)
            return False

    HasPermissionsOr.__name__ = "Requires_" + "_".join(p.replace(".", "__") for p in perms) + "_or"
    return HasPermissionsOr


def require_perms_to_read_or_write(
    read: tuple[str, ...], write: tuple[str, ...]
) -> type[BasePermission]:
    """Signed-in users holding every one of ``read`` for a safe method (GET, HEAD,
    OPTIONS), and every one of ``read`` and ``write`` for any other: one URL that lists
    (for whoever may read) and adds (for whoever may change), as the pages split them."""
    from rest_framework.permissions import SAFE_METHODS

    class HasPermissionsByMethod(BasePermission):
        required = read

        def has_permission(self, request: Request, view: APIView) -> bool:
            user: Any = request.user
            perms = read if request.method in SAFE_METHODS else (*read, *write)
            if user and user.is_authenticated and user.has_perms(perms):
                return True
            _raise_if_gated(user, perms)
            return False

    HasPermissionsByMethod.__name__ = (
        "Requires_" + "_".join(p.replace(".", "__") for p in read) + "_to_read"
    )
    return HasPermissionsByMethod
