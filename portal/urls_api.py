"""API of the core (in the ``api`` namespace)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from portal.api import accounts, audit, geo, jobs, users

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", users.OrgUnitViewSet, basename="orgunit")
router.register("users", users.UserViewSet, basename="user")
router.register("audit-records", audit.AuditRecordViewSet, basename="auditrecord")

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="auth-token"),
    path("me/", users.MeView.as_view(), name="me"),
    path("reference/layers/", geo.ReferenceLayersView.as_view(), name="reference-layers"),
    path(
        "basemap/<int:z>/<int:x>/<int:y>/",
        geo.BasemapTileView.as_view(),
        name="basemap-tile",
    ),
    path("jobs/", jobs.JobList.as_view(), name="job-list"),
    path("jobs/kinds/", jobs.JobKindList.as_view(), name="job-kind-list"),
    path("jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.JobCancel.as_view(), name="job-cancel"),
    path(
        "jobs/<int:pk>/results/<int:result_id>/",
        jobs.JobResultDownload.as_view(),
        name="job-result-download",
    ),
    *router.urls,
]
