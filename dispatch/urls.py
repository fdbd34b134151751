"""HTML pages of dispatch, namespace ``dispatch``."""

from dispatch.views import live, officer, planning, tracks

app_name = "dispatch"

urlpatterns = [*live.routes, *officer.routes, *planning.routes, *tracks.routes]
