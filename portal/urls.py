"""The project's URLs: the one place that wires every app in."""

from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.access import public
from portal.api.permissions import Authenticated

urlpatterns = [
    path("", include("portal.urls_html")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include(("portal.api.urls", "api"), namespace="api")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[Authenticated]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[Authenticated]),
        name="api-docs",
    ),
]
