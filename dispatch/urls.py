"""HTML pages of dispatch, namespace ``dispatch``."""

from django.urls import path

from dispatch.views import case_tasks, live, notices, officer, planning, stats, tracks, units

app_name = "dispatch"

urlpatterns = [
    path("cases/<int:case_pk>/tasks/link/", case_tasks.case_task_link, name="case-task-link"),
    path(
        "cases/<int:case_pk>/tasks/<int:task_pk>/unlink/",
        case_tasks.case_task_unlink,
        name="case-task-unlink",
    ),
    path("live/", live.live_map, name="live-map"),
    path("my-tasks/", officer.my_tasks, name="my-tasks"),
    path("my-tasks/feed/", officer.my_tasks_feed, name="my-tasks-feed"),
    path("my-unit/", officer.my_unit, name="my-unit"),
    path("my-unit/duty/", officer.my_unit_duty, name="my-unit-duty"),
    path("zones/", planning.zone_list, name="zone-list"),
    path("zones/new/", planning.zone_create_view, name="zone-create"),
    path("zones/<int:pk>/edit/", planning.zone_edit, name="zone-edit"),
    path("shifts/", planning.shift_list, name="shift-list"),
    path("shifts/new/", planning.shift_create_view, name="shift-create"),
    path("shifts/<int:pk>/edit/", planning.shift_edit, name="shift-edit"),
    path("shifts/<int:pk>/delete/", planning.shift_delete_view, name="shift-delete"),
    path("alerts/", planning.alert_list, name="alert-list"),
    path(
        "alerts/<int:pk>/acknowledge/",
        planning.alert_acknowledge_view,
        name="alert-acknowledge",
    ),
    path("tracks/", tracks.track_replay, name="track-replay"),
    path("tracks/export.<str:file_format>", tracks.track_export, name="track-export"),
    path("units/stats/", stats.unit_stats, name="unit-stats"),
    path("units/stats/export.csv", stats.unit_stats_export, name="unit-stats-export"),
    path("units/", units.unit_list, name="unit-list"),
    path("units/new/", units.unit_create_view, name="unit-create"),
    path("units/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit-edit"),
    path("units/<int:pk>/status/", units.unit_status_view, name="unit-status"),
    path(
        "units/<int:pk>/devices/",
        units.unit_device_register_view,
        name="unit-device-register",
    ),
    path(
        "units/<int:pk>/devices/<int:device_id>/revoke/",
        units.unit_device_revoke_view,
        name="unit-device-revoke",
    ),
    path("notices/", notices.notice_list, name="notice-list"),
    path("notices/new/", notices.notice_create_view, name="notice-create"),
    path("notices/<int:pk>/withdraw/", notices.notice_withdraw_view, name="notice-withdraw"),
]
