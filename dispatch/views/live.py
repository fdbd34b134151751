"""The dispatcher's live map: units, tasks, recent violations, zones and geofence alerts,
kept current by polling the live feed (api:live-feed). Analysts see it read-only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dispatch.models import TaskKind, TaskPriority, TaskStatus
from dispatch.services.live import live_map_view_audit
from portal.access import permission_required
from portal.api.helpers import request_user


def _config(request: HttpRequest) -> dict[str, object]:
    """What live.js needs: where to read and write, what this user may do, and its
    words (translated here, so that the script holds none)."""
    user = request.user
    return {
        "urls": {
            "feed": reverse("api:live-feed"),
            "taskList": reverse("api:task-list"),
            # "0" stands for the task's or the alert's id.
            "taskDetail": reverse("api:task-detail", kwargs={"pk": 0}),
            "taskTransition": reverse("api:task-transition", kwargs={"pk": 0}),
            "taskWithdraw": reverse("api:task-withdraw", kwargs={"pk": 0}),
            "taskRecommendations": reverse("api:task-recommendations", kwargs={"pk": 0}),
            "alertAcknowledge": reverse("api:alert-acknowledge", kwargs={"pk": 0}),
        },
        "can": {
            "create": user.has_perm("dispatch.add_task"),
            "assign": user.has_perm("dispatch.change_task"),
            "acknowledge": user.has_perm("dispatch.change_geofencealert"),
        },
        "pollMs": 1000,
        # "Send a task" on a zone alert proposes a patrol back to the zone.
        "alertTaskKind": TaskKind.PATROL.value,
        "statuses": {value: str(label) for value, label in TaskStatus.choices},
        "layers": {
            "units": pgettext("mobile unit", "Units"),
            "tails": _("Track tails (15 min)"),
            "tasks": _("Tasks"),
            "alerts": _("Geofence alerts"),
            "violations": _("Violations (24 h)"),
            "zones": _("Patrol zones"),
            "operational_area": _("Operational area"),
            "countries": _("Countries"),
            "borders": _("Border line"),
            "crossing_points": _("Crossing points"),
        },
        "text": {
            "live": _("Live"),
            "updated": _("Updated %(time)s"),
            "offline": _("Connection lost, retrying…"),
            "signedOut": _("Your session has ended. Reload the page to sign in again."),
            "secondsAgo": _("%(n)s s ago"),
            "minutesAgo": _("%(n)s min ago"),
            "hoursAgo": _("%(n)s h ago"),
            "daysAgo": _("%(n)s d ago"),
            "noReport": _("no report yet"),
            "noPosition": _("No position"),
            "noTasks": _("No open tasks."),
            "noUnits": _("No mobile units."),
            "noAlerts": _("No open alerts."),
            "tasksTruncated": _("Showing the %(n)s most urgent tasks."),
            "zone": _("Zone"),
            "noZone": _("no shift"),
            "speed": _("Speed"),
            "kmh": _("%(n)s km/h"),
            "km": _("%(n)s km"),
            "outside": _("%(distance)s outside %(zone)s"),
            "leftAt": _("left at %(time)s"),
            "acknowledged": pgettext("alert", "Acknowledged"),
            "acknowledge": pgettext("alert", "Acknowledge"),
            "acknowledgeAlert": _("Acknowledge the alert of %(unit)s"),
            "sendTask": _("Send a task"),
            "sendTaskFor": _("Send a task for %(unit)s"),
            "returnToZone": _("Return to patrol zone %(zone)s"),
            "taskSent": _("Task sent"),
            "showTaskFor": _("Show the task answering the alert of %(unit)s"),
            "answersAlert": _("Answers the zone alert of %(unit)s, left the zone at %(time)s."),
            "alertReturned": _("Back in the zone at %(time)s."),
            "alertNotOpen": _(
                "That zone alert is not among the open ones: the unit may be back in its zone."
            ),
            "unassigned": _("unassigned"),
            "type": _("Type"),
            "priority": _("Priority"),
            "status": _("Status"),
            "unit": pgettext("mobile unit", "Unit"),
            "window": _("Window"),
            "place": pgettext("task place", "Place"),
            "created": _("Created"),
            "history": _("History"),
            "recommended": _("Recommended units"),
            "recommendedHelp": _("Available units, nearest first."),
            "reassign": _("Reassign to another unit"),
            "noRecommendations": _("No available unit with a known position."),
            "offZone": _("off zone"),
            "offShift": _("off shift"),
            "assign": _("Assign"),
            "assignUnit": _("Assign %(unit)s"),
            "assigned": _("Assigned to %(unit)s."),
            "cancelTask": _("Cancel task"),
            "cancelThisTask": _("Cancel this task…"),
            "cancelled": _("The task is cancelled."),
            "reason": _("Reason"),
            "reasonRequired": _("Give the reason for cancelling."),
            "editTask": _("Edit task"),
            "saveChanges": _("Save changes"),
            "edited_ok": _("Changes saved. The unit's officers see them at once."),
            "editedAt": _("Edited"),
            "editedEvent": _("Edited: %(fields)s"),
            "editFields": {
                "kind": _("type"),
                "priority": _("priority"),
                "title": _("title"),
                "description": _("description"),
                "place": _("place"),
                "window": _("time window"),
                "violation": _("violation"),
            },
            "withdrawTask": _("Withdraw task"),
            "withdrawThisTask": _("Withdraw: created by mistake…"),
            "withdrawHelp": _(
                "Only before the unit acknowledges it. The task leaves the unit's page and "
                "counts in no figure; the record stays."
            ),
            "withdrawReason": _("What was the mistake?"),
            "withdrawReasonRequired": _("Say why the task is withdrawn."),
            "withdrawn": _("The task is withdrawn."),
            "withdrawnAt": pgettext("task event", "Withdrawn"),
            "withdrawnEvent": pgettext("task event", "Withdrawn"),
            "closeTask": _("Close the task panel"),
            "loading": _("Loading…"),
            "failed": _("That did not work. Try again."),
            "created_ok": _("Task created. Assign a unit below."),
            "placeMissing": _("Click the map to place the task, or type its coordinates."),
            "violation": _("Violation"),
            "outcome": _("Outcome"),
            "focusUnit": _("Show %(unit)s on the map"),
            "readOnly": _("Read-only: you can follow tasks but not create or assign them."),
        },
    }


# The states a link (the home page's open tasks) may narrow the task list to.
LISTED_STATUSES = {
    TaskStatus.NEW,
    TaskStatus.ASSIGNED,
    TaskStatus.ACKNOWLEDGED,
    TaskStatus.EN_ROUTE,
    TaskStatus.ON_SCENE,
}


@permission_required("dispatch.view_all_tasks")
def live_map(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    live_map_view_audit(actor=user)
    # ?status=assigned lists only the tasks in that state (an unknown one lists all).
    status = request.GET.get("status", "")
    only_status = TaskStatus(status) if status in LISTED_STATUSES else None
    config = _config(request)
    config["onlyStatus"] = only_status.value if only_status else ""
    return render(
        request,
        "dispatch/live_map.html",
        {
            "can_create": user.has_perm("dispatch.add_task"),
            "can_assign": user.has_perm("dispatch.change_task"),
            "kinds": TaskKind.choices,
            "priorities": TaskPriority.choices,
            "default_priority": TaskPriority.NORMAL,
            "live_config": config,
            "only_status": only_status,
        },
    )
