"""HTML pages of dispatch, namespace ``dispatch``."""

from dispatch.views import live, officer, planning, tracks, units

app_name = "dispatch"

urlpatterns = [*live.routes, *officer.routes, *planning.routes, *tracks.routes, *units.routes]
