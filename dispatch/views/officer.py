"""The officer's phone-first pages: my tasks (live, announced) and my unit (duty,
shift, patrol zone, sharing the position)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dispatch.models import MobileUnit, Task, TaskStatus
from dispatch.selectors.notices import unit_notices_version
from dispatch.selectors.planning import shift_current_for_unit, shift_next_for_unit
from dispatch.selectors.tasks import (
    task_response_times,
    unit_has_open_task,
    unit_tasks_for_officer,
    unit_tasks_version,
    violations_visible_to,
)
from dispatch.selectors.units import mobile_unit_of
from dispatch.services.tasks import task_origin
from dispatch.services.units import unit_duty_end, unit_duty_start
from dispatch.views.notices import officer_notice_cards
from portal.access import permission_required
from portal.api.helpers import request_user
from portal.lib.timefmt import duration_text
from portal.models import User

SERVE = "dispatch.serve_in_unit"
# How often the page asks whether anything changed (milliseconds).
POLL_INTERVAL_MS = 3000


@dataclass(frozen=True)
class TaskCard:
    """A task and the links its card offers."""

    task: Task
    next_step: str  # the status the card's big button moves to, "" when none
    geo_url: str = ""
    directions_url: str = ""
    violation_url: str = ""
    # The linked violation's reference and link are shown only to someone who may open
    # it (a dispatcher may link a violation of another unit).
    violation_visible: bool = False
    # A closed task's response times, as text ("" for a step it never reached).
    to_acknowledge: str = ""
    to_arrive: str = ""


# The officer's next move from each state. Completion asks for the outcome first.
NEXT_STEP = {
    TaskStatus.ASSIGNED: TaskStatus.ACKNOWLEDGED,
    TaskStatus.ACKNOWLEDGED: TaskStatus.EN_ROUTE,
    TaskStatus.EN_ROUTE: TaskStatus.ON_SCENE,
    TaskStatus.ON_SCENE: TaskStatus.COMPLETED,
}


def _response_texts(task: Task) -> dict[str, str]:
    """A closed task's response times for its card; nothing for an open one."""
    if task.status not in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        return {}
    times = task_response_times(task)
    return {
        "to_acknowledge": ""
        if times.to_acknowledge_s is None
        else duration_text(times.to_acknowledge_s),
        "to_arrive": "" if times.to_arrive_s is None else duration_text(times.to_arrive_s),
    }


def _card(task: Task, visible_violations: set[int]) -> TaskCard:
    next_step = NEXT_STEP.get(TaskStatus(task.status), "")
    violation_visible = task.violation_id in visible_violations
    if task.location is None:
        return TaskCard(
            task=task,
            next_step=next_step,
            violation_visible=violation_visible,
            **_response_texts(task),
        )
    lat, lon = f"{task.location.y:.6f}", f"{task.location.x:.6f}"
    violation_url = ""
    if task.violation_id is None and task.status in (TaskStatus.ON_SCENE, TaskStatus.COMPLETED):
        query = urlencode(
            {
                "lat": lat,
                "lon": lon,
                "origin": task_origin(task),
                "back": f"{reverse('dispatch:my-tasks')}#task-{task.pk}",
            }
        )
        violation_url = f"{reverse('cases:violation-create')}?{query}"
    return TaskCard(
        task=task,
        next_step=next_step,
        # geo: opens the phone's navigation app; ?q= puts a pin on the place.
        geo_url=f"geo:{lat},{lon}?q={lat},{lon}",
        directions_url=(
            "https://www.openstreetmap.org/directions?"
            + urlencode({"route": f";{lat},{lon}"})
            + f"#map=15/{lat}/{lon}"
        ),
        violation_url=violation_url,
        violation_visible=violation_visible,
        **_response_texts(task),
    )


def _feed_version(unit: MobileUnit) -> str:
    """What the page shows: the unit's tasks and its active notices (sent, withdrawn,
    expired, read). One light query each."""
    return unit_tasks_version(unit=unit) + unit_notices_version(unit=unit)


def _tasks_context(user: User, unit: MobileUnit | None, version: str = "") -> dict[str, Any]:
    if unit is None:
        return {"unit": None}
    # The version first: a change between the two reads makes the page's version older
    # than its content, and the next poll renders again (never the other way round).
    version = version or _feed_version(unit)
    tasks = unit_tasks_for_officer(unit=unit)
    visible = violations_visible_to(
        user=user, violation_ids=[task.violation_id for task in tasks.open + tasks.closed_today]
    )
    return {
        "unit": unit,
        "open_cards": [_card(task, visible) for task in tasks.open],
        "closed_cards": [_card(task, visible) for task in tasks.closed_today],
        "notice_cards": officer_notice_cards(user=user, unit=unit),
        "version": version,
    }


@permission_required(SERVE)
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    unit = mobile_unit_of(request_user(request))
    return render(
        request,
        "dispatch/my_tasks.html",
        {**_tasks_context(request_user(request), unit), "poll_interval_ms": POLL_INTERVAL_MS},
    )


@permission_required(SERVE)
@require_GET
def my_tasks_feed(request: HttpRequest) -> HttpResponse:
    """The task list and the notices alone, for the page's polling. Answers 304 while
    nothing changed (the page sends the version it shows as If-None-Match): two light
    queries, one on tasks, one on notices."""
    unit = mobile_unit_of(request_user(request))
    version = ""
    if unit is not None:
        version = _feed_version(unit)
        if request.headers.get("If-None-Match", "").removeprefix("W/").strip('"') == version:
            return HttpResponseNotModified()
    response = render(
        request,
        "dispatch/_officer_tasks.html",
        _tasks_context(request_user(request), unit, version),
    )
    if version:
        response["ETag"] = f'"{version}"'
    response["Cache-Control"] = "no-store"
    return response


@permission_required(SERVE)
@require_GET
def my_unit(request: HttpRequest) -> HttpResponse:
    unit = mobile_unit_of(request_user(request))
    context: dict[str, Any] = {"unit": unit}
    if unit is not None:
        shift = shift_current_for_unit(unit=unit)
        context.update(
            shift=shift,
            next_shift=None if shift else shift_next_for_unit(unit=unit),
            has_open_task=unit_has_open_task(unit=unit),
        )
    return render(request, "dispatch/my_unit.html", context)


@permission_required(SERVE)
@require_POST
def my_unit_duty(request: HttpRequest) -> HttpResponse:
    """Start or end duty (``action`` = start | end)."""
    user = request_user(request)
    unit = mobile_unit_of(user)
    action = request.POST.get("action")
    if unit is None:
        messages.error(request, _("You do not serve in a mobile unit."))
    elif action not in ("start", "end"):
        messages.error(request, _("Choose to start or to end duty."))
    else:
        try:
            if action == "start":
                unit = unit_duty_start(actor=user, unit=unit)
                messages.success(
                    request, _("On duty: %(unit)s is available.") % {"unit": unit.label}
                )
            else:
                unit = unit_duty_end(actor=user, unit=unit)
                messages.success(
                    request, _("Duty ended: %(unit)s is off duty.") % {"unit": unit.label}
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    # The home page offers the same control and brings the officer back to it.
    if request.POST.get("next") == "dashboard":
        return redirect("portal:dashboard")
    return redirect("dispatch:my-unit")
