from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from portal.models import User
from portal.navigation import navigation_for
from portal.roles import role_labels
from portal.two_factor import session_verified, two_factor_required


def map_settings(request: HttpRequest) -> dict[str, object]:
    """The agency's tile server, else the address of the portal's own base map's tiles
    (with its version, which makes them cacheable for good): base.html hands it to
    static/portal/map.js."""
    return {"map_tile_url": settings.MAP_TILE_URL, "map_basemap_url": _basemap_url}


def _basemap_url() -> str:
    # Called by the template only where it is used (a callable in the context).
    from portal.services.basemap import basemap_files_version

    tile = reverse("api:basemap-tile", kwargs={"z": 0, "x": 0, "y": 0})
    template = tile.replace("/0/0/0/", "/{z}/{x}/{y}/")
    return f"{template}?v={basemap_files_version()}"


def _layout_user(request: HttpRequest) -> User | None:
    """The user the signed-in layout (menu, app partials) is for: signed in, past the
    second factor when one is required; None for the bare layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if two_factor_required(user) and not session_verified(user):
        return None
    return user


def navigation(request: HttpRequest) -> dict[str, object]:
    user = _layout_user(request)
    if user is None:
        return {"nav_items": [], "user_role_labels": []}
    roles = role_labels(user.role_names())
    return {"nav_items": navigation_for(user, request.path), "user_role_labels": roles}


def layout_partials(request: HttpRequest) -> dict[str, object]:
    """The templates apps add to every signed-in page, in the order of INSTALLED_APPS.

    An app names them in ``layout_partials`` on its AppConfig (e.g. cases' offline
    outbox banner); base.html includes each, so the core layout names no app.
    Likewise ``topbar_partials``: tools in the top bar (cases' search box), each
    partial deciding for itself who sees it.
    """
    if _layout_user(request) is None:
        return {"layout_partials": [], "topbar_partials": []}
    partials: list[str] = []
    topbar: list[str] = []
    for app_config in apps.get_app_configs():
        partials.extend(getattr(app_config, "layout_partials", []))
        topbar.extend(getattr(app_config, "topbar_partials", []))
    return {"layout_partials": partials, "topbar_partials": topbar}
