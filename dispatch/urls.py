"""HTML pages of dispatch, namespace ``dispatch``."""

from dispatch.views import live, notices, officer, planning, tracks, units

app_name = "dispatch"

urlpatterns = [
    *live.routes,
    *officer.routes,
    *planning.routes,
    *tracks.routes,
    *units.routes,
    *notices.routes,
]
