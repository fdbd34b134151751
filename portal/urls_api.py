"""API of the core (in the ``api`` namespace)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from portal.api import accounts, audit, geo, job_schedules, jobs, training, users

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
    path("job-schedules/", job_schedules.JobScheduleList.as_view(), name="job-schedule-list"),
    path(
        "job-schedules/<int:pk>/",
        job_schedules.JobScheduleDetail.as_view(),
        name="job-schedule-detail",
    ),
    path("training/courses/", training.CourseList.as_view(), name="training-course-list"),
    path(
        "training/courses/<int:pk>/", training.CourseDetail.as_view(), name="training-course-detail"
    ),
    path("training/sessions/", training.SessionList.as_view(), name="training-session-list"),
    path(
        "training/sessions/<int:pk>/",
        training.SessionDetail.as_view(),
        name="training-session-detail",
    ),
    path(
        "training/sessions/<int:pk>/enrolments/",
        training.SessionEnrol.as_view(),
        name="training-session-enrol",
    ),
    path(
        "training/certificates/",
        training.CertificateList.as_view(),
        name="training-certificate-list",
    ),
    path(
        "training/certificates/verify/",
        training.CertificateVerify.as_view(),
        name="training-certificate-verify",
    ),
    path(
        "training/certificates/<int:pk>/",
        training.CertificateDetail.as_view(),
        name="training-certificate-detail",
    ),
    path(
        "training/certificates/<int:pk>/revoke/",
        training.CertificateRevoke.as_view(),
        name="training-certificate-revoke",
    ),
    path("training/mine/", training.MyTrainingRecord.as_view(), name="training-mine"),
    *router.urls,
]
