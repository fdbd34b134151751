"""The project's URLs: the one place that wires every app in."""

from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import cases.urls_api
import dispatch.urls_api
import portal.api.urls
from portal.access import public
from portal.api.permissions import Authenticated

# One API namespace ("api:<name>") across apps, under /api/v1/.
api_v1 = [*portal.api.urls.urlpatterns, *cases.urls_api.urlpatterns, *dispatch.urls_api.urlpatterns]

urlpatterns = [
    path("", include("portal.urls_html")),
    path("violations/", include("cases.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
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
