"""Dispatch's part of the access-policy table (tests/portal/test_url_access.py), and
the objects its URLs are requested with. Each area keeps its rules in its own dict."""

from datetime import timedelta
from typing import Any

from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from tests.access_policy import ADMIN, ALL_ROLES, ANALYST, DISPATCHER, OFFICER, Rule, pk_of

STAFF = frozenset({DISPATCHER, ANALYST})
OPERATIONS = frozenset({DISPATCHER})
# The officer whose unit the task is assigned to, and the operations centre.
TASK_HOLDERS = frozenset({OFFICER, DISPATCHER})
TASK_READERS = frozenset({OFFICER, DISPATCHER, ANALYST})

DEVICE_API_RULES: dict[str, Rule] = {
    "api:position-ingest": Rule(frozenset(), method="post", denied_status=401),
}

TASK_API_RULES: dict[str, Rule] = {
    "api:task-list": Rule(TASK_READERS),
    "api:task-detail": Rule(TASK_READERS, kwargs=pk_of("task")),
    "api:task-transition": Rule(TASK_HOLDERS, method="post", kwargs=pk_of("task")),
    "api:task-withdraw": Rule(OPERATIONS, method="post", kwargs=pk_of("task")),
    "api:task-recommendations": Rule(OPERATIONS, kwargs=pk_of("task")),
}

# The dispatcher's live map and its data.
LIVE_RULES: dict[str, Rule] = {
    "dispatch:live-map": Rule(STAFF),
    "api:live-feed": Rule(STAFF),
}

# The officer's own pages: my tasks, my unit (browser position reporting).
OFFICERS = frozenset({OFFICER})
OFFICER_RULES: dict[str, Rule] = {
    "dispatch:my-tasks": Rule(OFFICERS),
    "dispatch:my-tasks-feed": Rule(OFFICERS),
    "dispatch:my-unit": Rule(OFFICERS),
    "dispatch:my-unit-duty": Rule(OFFICERS, method="post"),
    "api:my-unit": Rule(OFFICERS),
    "api:my-unit-positions": Rule(OFFICERS, method="post"),
}

# Shifts, patrol zones, geofence alerts.
PLANNING_RULES: dict[str, Rule] = {
    "dispatch:zone-list": Rule(TASK_READERS),
    "dispatch:zone-create": Rule(OPERATIONS),
    "dispatch:zone-edit": Rule(OPERATIONS, kwargs=pk_of("zone")),
    "dispatch:shift-list": Rule(TASK_READERS),
    "dispatch:shift-create": Rule(OPERATIONS),
    "dispatch:shift-edit": Rule(OPERATIONS, kwargs=pk_of("shift")),
    "dispatch:shift-delete": Rule(OPERATIONS, method="post", kwargs=pk_of("shift")),
    "dispatch:alert-list": Rule(STAFF),
    "dispatch:alert-acknowledge": Rule(OPERATIONS, method="post", kwargs=pk_of("alert")),
    "api:zone-list": Rule(TASK_READERS),
    "api:alert-list": Rule(STAFF),
    "api:alert-acknowledge": Rule(OPERATIONS, method="post", kwargs=pk_of("alert")),
}

# Track replay, GPX/KML export, monthly statistics.
TRACK_RULES: dict[str, Rule] = {
    # Position histories: dispatchers and analysts (dispatch.view_positionreport).
    "dispatch:track-replay": Rule(STAFF),
    "dispatch:track-export": Rule(STAFF, kwargs=lambda o: {"file_format": "gpx"}),
    "api:track-list": Rule(STAFF),
    # Figures per unit and month: dispatch.view_all_tasks.
    "dispatch:unit-stats": Rule(STAFF),
    "dispatch:unit-stats-export": Rule(STAFF),
}

# Mobile units: everyone with view_mobileunit reads them; administrators create them and
# manage their devices; the operations centre (and administrators) edit them and take
# them out of service.
UNIT_MANAGERS = frozenset({DISPATCHER, ADMIN})
ADMINS = frozenset({ADMIN})


def _unit_device(objects: dict[str, Any]) -> dict[str, Any]:
    from dispatch.models import UnitDevice

    unit = objects["mobile_unit"]
    device = UnitDevice.objects.filter(unit=unit).first() or UnitDevice.objects.create(
        unit=unit, name="Access tracker", token_hash="0" * 64
    )
    return {"pk": unit.pk, "device_id": device.pk}


UNIT_RULES: dict[str, Rule] = {
    "dispatch:unit-list": Rule(ALL_ROLES),
    "dispatch:unit-detail": Rule(ALL_ROLES, kwargs=pk_of("mobile_unit")),
    "dispatch:unit-create": Rule(ADMINS),
    "dispatch:unit-edit": Rule(UNIT_MANAGERS, kwargs=pk_of("mobile_unit")),
    "dispatch:unit-status": Rule(UNIT_MANAGERS, method="post", kwargs=pk_of("mobile_unit")),
    "dispatch:unit-device-register": Rule(ADMINS, method="post", kwargs=pk_of("mobile_unit")),
    "dispatch:unit-device-revoke": Rule(ADMINS, method="post", kwargs=_unit_device),
}

# Notices: the operations centre sends and withdraws them (dispatch.add_task) and, with
# analysts, reads the list (dispatch.view_all_tasks); officers get their unit's through
# the API (and on My tasks) and mark them read.
NOTICE_RULES: dict[str, Rule] = {
    "dispatch:notice-list": Rule(STAFF),
    "dispatch:notice-create": Rule(OPERATIONS),
    "dispatch:notice-withdraw": Rule(OPERATIONS, method="post", kwargs=pk_of("notice")),
    "api:notice-list": Rule(TASK_READERS),
    "api:notice-read": Rule(OFFICERS, method="post", kwargs=pk_of("notice")),
}

DISPATCH_RULES: dict[str, Rule] = {
    **DEVICE_API_RULES,
    **TASK_API_RULES,
    **LIVE_RULES,
    **OFFICER_RULES,
    **PLANNING_RULES,
    **TRACK_RULES,
    **UNIT_RULES,
    **NOTICE_RULES,
}


def dispatch_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """A mobile unit for the officer's organisational unit, on shift in a patrol zone,
    with a task assigned to it, an open geofence alert and a notice sent to it."""
    from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift, UnitStatus
    from dispatch.services.notices import NoticeInput, notice_create
    from dispatch.services.tasks import TaskInput, task_create, task_transition

    officer, dispatcher = personas[OFFICER], personas[DISPATCHER]
    here = Point(25.60, 54.55, srid=4326)
    mobile_unit = MobileUnit.objects.create(
        org_unit=officer.org_unit,
        call_sign="MU-ACCESS",
        status=UnitStatus.AVAILABLE,
        last_position=here,
        last_reported_at=timezone.now(),
    )
    zone = PatrolZone.objects.create(
        name="Access zone",
        area=Polygon(
            ((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5)), srid=4326
        ),
    )
    now = timezone.now()
    shift = Shift.objects.create(
        unit=mobile_unit,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        zone=zone,
    )
    alert = GeofenceAlert.objects.create(
        unit=mobile_unit,
        shift=shift,
        zone=zone,
        left_at=now,
        position=Point(25.9, 54.7, srid=4326),
        distance_m=12_000,
    )
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Access check", location=here),
    )
    task = task_transition(actor=dispatcher, task=task, target="assigned", unit=mobile_unit)
    notice = notice_create(
        actor=dispatcher, data=NoticeInput(title="Access notice", unit_ids=[mobile_unit.pk])
    )
    return {
        "mobile_unit": mobile_unit,
        "zone": zone,
        "shift": shift,
        "alert": alert,
        "task": task,
        "notice": notice,
    }
