"""The project's URLs: the core's own pages (namespace ``portal``) and the one place that
wires every app in. Each app lists its pages in ``urls.py`` and its API in
``urls_api.py``; the API of all apps shares one namespace ("api:<name>") under /api/v1/."""

from csp.decorators import csp_update
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import cases.urls_api
import cases.urls_graph
import cases.urls_search
import dispatch.urls_api
import portal.urls_api
from portal.access import public
from portal.api.permissions import Authenticated
from portal.views import (
    accounts,
    audit,
    dashboard,
    jobs,
    offline,
    training,
    training_gate,
    training_reports,
    user_import,
    users,
)

portal_pages = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password-change"),
    path("accounts/invitation/<str:key>/", accounts.invitation_accept, name="invitation-accept"),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two-factor-setup"),
    path("accounts/tokens/", accounts.api_token_list, name="api-token-list"),
    path("accounts/tokens/revoke/", accounts.api_token_revoke, name="api-token-revoke"),
    path("audit/", audit.audit_list, name="audit-list"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("audit/flags/review/", audit.audit_flag_review, name="audit-flag-review"),
    path("users/", users.user_list, name="user-list"),
    path("users/new/", users.user_create, name="user-create"),
    path("users/import/", user_import.user_import, name="user-import"),
    path("users/import/confirm/", user_import.user_import_confirm, name="user-import-confirm"),
    path(
        "users/import/template.csv", user_import.user_import_template, name="user-import-template"
    ),
    path("users/<int:pk>/", users.user_detail, name="user-detail"),
    path(
        "users/<int:pk>/two-factor-reset/",
        users.user_two_factor_reset,
        name="user-two-factor-reset",
    ),
    path("users/<int:pk>/unlock/", users.user_unlock, name="user-unlock"),
    path(
        "users/<int:pk>/password-change/",
        users.user_password_change_require,
        name="user-password-change-require",
    ),
    path("users/<int:pk>/invitation/", users.user_invitation_resend, name="user-invitation-resend"),
    path(
        "users/<int:pk>/tokens/revoke/",
        users.user_api_token_revoke,
        name="user-api-token-revoke",
    ),
    path("units/", users.org_unit_list, name="unit-list"),
    path("units/new/", users.org_unit_create, name="unit-create"),
    path("units/<int:pk>/edit/", users.org_unit_edit, name="unit-edit"),
    path("training/courses/", training.course_list, name="training-course-list"),
    path("training/courses/new/", training.course_create, name="training-course-create"),
    path("training/courses/<int:pk>/", training.course_detail, name="training-course-detail"),
    path("training/courses/<int:pk>/edit/", training.course_edit, name="training-course-edit"),
    path("training/sessions/", training.session_list, name="training-session-list"),
    path("training/sessions/new/", training.session_create, name="training-session-create"),
    path("training/sessions/<int:pk>/", training.session_detail, name="training-session-detail"),
    path("training/sessions/<int:pk>/edit/", training.session_edit, name="training-session-edit"),
    path(
        "training/sessions/<int:pk>/enrol/", training.session_enrol, name="training-session-enrol"
    ),
    path(
        "training/sessions/<int:pk>/enrolments/<int:enrolment_id>/withdraw/",
        training.enrolment_withdraw,
        name="training-enrolment-withdraw",
    ),
    path(
        "training/sessions/<int:pk>/enrolments/<int:enrolment_id>/attendance/",
        training.enrolment_attendance,
        name="training-enrolment-attendance",
    ),
    path(
        "training/sessions/<int:pk>/enrolments/<int:enrolment_id>/result/",
        training.enrolment_result,
        name="training-enrolment-result",
    ),
    path("training/certificates/", training.certificate_list, name="training-certificate-list"),
    path("training/exemptions/", training_gate.exemption_list, name="training-exemption-list"),
    path(
        "training/exemptions/new/",
        training_gate.exemption_create,
        name="training-exemption-create",
    ),
    path(
        "training/exemptions/<int:pk>/",
        training_gate.exemption_detail,
        name="training-exemption-detail",
    ),
    path(
        "training/exemptions/<int:pk>/end/",
        training_gate.exemption_end,
        name="training-exemption-end",
    ),
    path(
        "training/certificates/<int:pk>/",
        training.certificate_detail,
        name="training-certificate-detail",
    ),
    path(
        "training/certificates/<int:pk>/certificate.pdf",
        training.certificate_pdf,
        name="training-certificate-pdf",
    ),
    path(
        "training/certificates/<int:pk>/revoke/",
        training.certificate_revoke,
        name="training-certificate-revoke",
    ),
    path("training/verify/", training.certificate_verify, name="training-verify"),
    path("training/mine/", training.my_training, name="training-mine"),
    path("training/reports/", training_reports.training_reports, name="training-reports"),
    path(
        "training/reports/<slug:table>.<slug:file_format>",
        training_reports.training_report_export,
        name="training-report-export",
    ),
    path("jobs/", jobs.job_list, name="job-list"),
    path("jobs/start/<str:kind>/", jobs.job_start, name="job-start"),
    path("jobs/schedules/", jobs.job_schedule_list_view, name="job-schedule-list"),
    path("jobs/schedules/new/", jobs.job_schedule_create, name="job-schedule-create"),
    path("jobs/schedules/<int:pk>/", jobs.job_schedule_edit, name="job-schedule-edit"),
    path("jobs/schedules/<int:pk>/delete/", jobs.job_schedule_delete, name="job-schedule-delete"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel, name="job-cancel"),
    path(
        "jobs/<int:pk>/results/<int:result_id>/",
        jobs.job_result_download,
        name="job-result-download",
    ),
    path("healthz", dashboard.healthz, name="healthz"),
    # At the root, so that the service worker's scope is the whole portal.
    path("sw.js", offline.service_worker, name="service-worker"),
]

api_v1 = [
    *portal.urls_api.urlpatterns,
    *cases.urls_api.urlpatterns,
    *cases.urls_graph.api_urlpatterns,
    *cases.urls_search.api_urlpatterns,
    *dispatch.urls_api.urlpatterns,
]

urlpatterns = [
    path("", include((portal_pages, "portal"), namespace="portal")),
    path("violations/", include("cases.urls")),
    path("cases/", include("cases.urls_investigations", namespace="investigations")),
    path("entities/", include("cases.urls_entities")),
    path("dispatch/", include("dispatch.urls")),
    path("charts/", include("cases.urls_graph", namespace="graph")),
    path("search/", include("cases.urls_search", namespace="search")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[Authenticated]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        # An HTML page only (its one renderer is a template): OPTIONS, which answers
        # with data, is refused with a 405 instead of failing to render. The split view
        # serves Swagger UI's start-up script as a file of its own (?script), not inline;
        # and our page template loads its few style rules from a file. Swagger UI's
        # stylesheet draws its icons as data: images: this page alone allows those
        # (an image cannot run script); script and style stay 'self' as on every page.
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                template_name="portal/api_docs.html",
                url_name="api-schema",
                permission_classes=[Authenticated],
                http_method_names=["get", "head"],
            )
        ),
        name="api-docs",
    ),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
