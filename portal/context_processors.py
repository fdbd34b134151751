from django.conf import settings
from django.http import HttpRequest

from portal.navigation import navigation_for
from portal.roles import role_labels
from portal.two_factor import session_verified, two_factor_required


def map_settings(request: HttpRequest) -> dict[str, object]:
    return {"map_tile_url": settings.MAP_TILE_URL}


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role_labels": []}
    if two_factor_required(user) and not session_verified(user):
        return {"nav_items": [], "user_role_labels": []}
    roles = role_labels(user.role_names())
    return {"nav_items": navigation_for(user, request.path), "user_role_labels": roles}
