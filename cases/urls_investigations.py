"""HTML pages of investigation cases, namespace ``investigations`` (mounted at /cases/)."""

from django.urls import path

from cases.views import (
    assistance,
    case_chart,
    case_content,
    case_links,
    documents,
    extract,
    investigations,
    list_exports,
    reports,
    timeline,
)

app_name = "investigations"

urlpatterns = [
    path("", investigations.case_list, name="case-list"),
    path("export/<str:file_format>/", list_exports.case_list_export, name="case-list-export"),
    path("new/", investigations.case_create, name="case-create"),
    path("requests/", assistance.assistance_register, name="assistance-register"),
    path("<int:pk>/", investigations.case_detail, name="case-detail"),
    path("<int:pk>/timeline/", timeline.case_timeline_page, name="case-timeline"),
    path("<int:pk>/edit/", investigations.case_edit, name="case-edit"),
    path("<int:pk>/chart/", case_chart.case_chart, name="case-chart"),
    path("<int:pk>/chart/save/", case_chart.case_chart_save_view, name="case-chart-save"),
    path("<int:pk>/team/", investigations.case_team_manage, name="case-team"),
    path("<int:pk>/report/", reports.case_report_start, name="case-report-start"),
    path("<int:pk>/extract/", extract.case_extract, name="case-extract"),
    path(
        "<int:pk>/entities/export/<str:file_format>/",
        list_exports.case_entities_export,
        name="case-entities-export",
    ),
    path(
        "<int:pk>/team/<int:member_id>/remove/",
        investigations.case_team_remove,
        name="case-team-remove",
    ),
    path("<int:pk>/violations/", case_links.case_violation_link, name="case-violation-link"),
    path(
        "<int:pk>/violations/<int:link_id>/unlink/",
        case_links.case_violation_unlink,
        name="case-violation-unlink",
    ),
    path("<int:pk>/entities/", case_links.case_entity_link, name="case-entity-link"),
    path(
        "<int:pk>/entities/<int:link_id>/unlink/",
        case_links.case_entity_unlink,
        name="case-entity-unlink",
    ),
    path("<int:pk>/documents/", case_content.case_document_add, name="case-document-add"),
    path(
        "<int:pk>/documents/<int:document_id>/",
        case_content.case_document_download,
        name="case-document-download",
    ),
    path(
        "<int:pk>/documents/upload/",
        documents.case_document_upload,
        name="case-document-upload",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/text/",
        documents.case_document_detail,
        name="case-document-detail",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/read/",
        documents.case_document_read,
        name="case-document-read",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/accept/",
        documents.document_suggestion_accept,
        name="document-suggestion-accept",
    ),
    path(
        "<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/reject/",
        documents.document_suggestion_reject,
        name="document-suggestion-reject",
    ),
    path("<int:pk>/notes/", case_content.case_note_add, name="case-note-add"),
    path("<int:pk>/events/", case_content.case_event_add, name="case-event-add"),
    path("<int:pk>/tasks/", case_content.case_task_add, name="case-task-add"),
    path("<int:pk>/tasks/<int:task_id>/done/", case_content.case_task_done, name="case-task-done"),
    path("<int:pk>/requests/new/", assistance.assistance_create, name="assistance-create"),
    path(
        "<int:pk>/requests/<int:request_id>/",
        assistance.assistance_edit,
        name="assistance-edit",
    ),
]
