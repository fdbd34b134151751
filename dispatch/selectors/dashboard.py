"""The home page's panels that dispatch contributes (see portal.selectors.dashboard).

The officer's: their unit's duty status with the control to change it, and the unit's
open tasks and notices, most urgent first, each one tap from the page that acts on it.
The operations centre's: open tasks by state, units by status, open zone alerts and
today's response times, each a link to the page filtered accordingly. Counts are read
in one query per panel."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dispatch.models import MobileUnit, NoticePriority, Task, TaskStatus, UnitStatus
from dispatch.models.tasks import OPEN_STATUSES
from dispatch.selectors.notices import notices_for_unit
from dispatch.selectors.planning import alert_list_for_user, shift_current_for_unit
from portal.lib.timefmt import duration_text, start_of_today
from portal.models import User
from portal.selectors.dashboard import Panel
from portal.selectors.users import own_unit_filter

SHOWN = 3


def _officer_unit(user: User) -> MobileUnit | None:
    if user.org_unit_id is None:
        return None
    return (
        MobileUnit.objects.select_related("org_unit")
        .filter(own_unit_filter(user=user, field="org_unit_id"))
        .first()
    )


def _duty_panel(user: User, unit: MobileUnit | None) -> Panel:
    open_tasks = (
        list(
            Task.objects.filter(unit=unit, withdrawn_at__isnull=True, status__in=OPEN_STATUSES)
            .only("id", "title", "status", "priority", "kind")
            .order_by("-priority", "-id")
        )
        if unit
        else []
    )
    notices = notices_for_unit(unit=unit) if unit else []
    unread = [item for item in notices if not item.is_read]
    return {
        "key": "my-unit",
        "title": unit.label if unit else pgettext("mobile unit", "My unit"),
        "template": "dispatch/panels/_officer_unit.html",
        "order": 1,
        "context": {
            "unit": unit,
            "shift": shift_current_for_unit(unit=unit) if unit else None,
            "has_open_task": bool(open_tasks),
            "open_count": len(open_tasks),
            "open_tasks": open_tasks[:SHOWN],
            "unread_count": len(unread),
            "urgent_unread": sum(
                1 for item in unread if item.notice.priority == NoticePriority.URGENT
            ),
            # Unread first, urgent first within them (notices_for_unit's order).
            "notices": list(notices[:SHOWN]),
            "notice_count": len(notices),
            "tasks_url": reverse("dispatch:my-tasks"),
        },
    }


# The states of a task still to be done, in lifecycle order.
BOARD_STATUSES = (
    TaskStatus.NEW,
    TaskStatus.ASSIGNED,
    TaskStatus.ACKNOWLEDGED,
    TaskStatus.EN_ROUTE,
    TaskStatus.ON_SCENE,
)


def _tasks_panel() -> Panel:
    counts = Task.objects.filter(withdrawn_at__isnull=True).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in BOARD_STATUSES}
    )
    live_url = reverse("dispatch:live-map")
    rows = [
        {
            "status": status.value,
            "label": status.label,
            "count": counts[status.value],
            "url": f"{live_url}?status={status.value}",
        }
        for status in BOARD_STATUSES
    ]
    return {
        "key": "open-tasks",
        "title": _("Open tasks"),
        "template": "dispatch/panels/_open_tasks.html",
        "order": 20,
        "context": {
            "rows": rows,
            "total": sum(row["count"] for row in rows),
            "live_url": live_url,
        },
    }


def _units_panel() -> Panel:
    counts = MobileUnit.objects.aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in UnitStatus}
    )
    list_url = reverse("dispatch:unit-list")
    rows = [
        {
            "status": status.value,
            "label": status.label,
            "count": counts[status.value],
            "url": f"{list_url}?status={status.value}",
        }
        for status in UnitStatus
    ]
    return {
        "key": "units-by-status",
        "title": _("Mobile units"),
        "template": "dispatch/panels/_units_by_status.html",
        "order": 21,
        "context": {"rows": rows, "total": sum(row["count"] for row in rows), "list_url": list_url},
    }


def _alerts_panel(user: User) -> Panel:
    open_alerts = list(
        alert_list_for_user(user=user, open_only=True).select_related("unit__org_unit")[: SHOWN + 1]
    )
    counts = (
        alert_list_for_user(user=user, open_only=True)
        .order_by()
        .aggregate(
            open=Count("pk"), unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True))
        )
    )
    return {
        "key": "zone-alerts",
        "title": _("Zone alerts"),
        "template": "dispatch/panels/_zone_alerts.html",
        "order": 22,
        "context": {
            "alerts": open_alerts[:SHOWN],
            "open": counts["open"],
            "unacknowledged": counts["unacknowledged"],
            "list_url": f"{reverse('dispatch:alert-list')}?state=open",
        },
    }


@dataclass(frozen=True)
class TodayResponse:
    assigned: int
    acknowledged: int
    on_scene: int
    acknowledge_median_s: float | None
    arrive_median_s: float | None


# The measures of the monthly figures (dispatch.selectors.stats), over the tasks
# assigned since local midnight; a task withdrawn as a mistake counts in none.
TODAY_SQL = """
SELECT count(*),
       count(acknowledged_at),
       count(on_scene_at),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM acknowledged_at - assigned_at)::float8),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM on_scene_at - assigned_at)::float8)
FROM dispatch_task
WHERE assigned_at >= %s AND withdrawn_at IS NULL
"""


def response_times_today() -> TodayResponse:
    with connection.cursor() as cursor:
        cursor.execute(TODAY_SQL, [start_of_today()])
        row = cursor.fetchone()
    return TodayResponse(*row)


def _response_panel() -> Panel:
    today = response_times_today()
    return {
        "key": "response-times",
        "title": _("Response times today"),
        "template": "dispatch/panels/_response_times.html",
        "order": 23,
        "context": {
            "today": today,
            "acknowledge": duration_text(today.acknowledge_median_s),
            "arrive": duration_text(today.arrive_median_s),
            "stats_url": reverse("dispatch:unit-stats"),
        },
    }


def dispatch_dashboard_panels(user: User) -> list[Panel]:
    panels: list[Panel] = []
    if user.has_perm("dispatch.serve_in_unit"):
        panels.append(_duty_panel(user, _officer_unit(user)))
    # The operations centre's overview: those who send tasks (dispatchers), not those
    # who only follow them (analysts).
    if user.has_perms(["dispatch.view_all_tasks", "dispatch.add_task"]):
        panels += [_tasks_panel(), _units_panel()]
        if user.has_perm("dispatch.view_geofencealert"):
            panels.append(_alerts_panel(user))
        panels.append(_response_panel())
    return panels
