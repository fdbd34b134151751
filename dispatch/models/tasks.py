"""Tasks, their lifecycle (which status may follow which, who moves it) and events."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.models.units import MobileUnit


class TaskKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    INTERCEPTION = "interception", _("Interception")
    PATROL = "patrol", _("Patrol")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class TaskPriority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TaskStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A task or notice sent to a mobile unit. Its state moves only along the lifecycle
    in TRANSITIONS below; every move is a TaskEvent (who, when)."""

    kind = models.CharField(_("type"), max_length=20, choices=TaskKind.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NEW
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    area = models.PolygonField(_("area"), srid=4326, null=True, blank=True)
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    violation = models.ForeignKey(
        "cases.Violation",
        verbose_name=_("violation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The zone alert the task answers (e.g. "return to your zone"), if any.
    alert = models.ForeignKey(
        "dispatch.GeofenceAlert",
        verbose_name=_("zone alert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    # The investigation case the task answers, if any (the link lives here, on the side
    # that depends: cases knows nothing of dispatch).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Lets the live map and the officer's page poll for "what changed since".
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("en route at"), null=True, blank=True)
    on_scene_at = models.DateTimeField(_("on scene at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The operations centre changed what the task says after creating it: the unit's
    # officers are told, and see when.
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # Withdrawn: cancelled because it was created by mistake, before the unit acted on
    # it. It leaves the unit's page and counts in no figure; the record stays.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at"]
        permissions = [("view_all_tasks", _("Can view every unit's tasks"))]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="task_status_idx"),
            models.Index(fields=["unit", "status"], name="task_unit_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__isnull=True)
                | models.Q(window_start__isnull=True)
                | models.Q(window_end__gte=models.F("window_start")),
                name="task_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TaskEventKind(models.TextChoices):
    MOVE = "move", _("Change of status")
    EDIT = "edit", _("Edited")
    WITHDRAW = "withdraw", pgettext_lazy("task event", "Withdrawn")


class TaskEvent(models.Model):
    """One event of a task's history: a move along its lifecycle (from which status to
    which), an edit by the operations centre (which fields), or its withdrawal; when, by
    whom, with the reason, outcome or changed fields as the note."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=TaskStatus.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=TaskStatus.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        "portal.User", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind of event"), max_length=10, choices=TaskEventKind.choices, default=TaskEventKind.MOVE
    )

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_status} → {self.to_status}"


S = TaskStatus


TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.ASSIGNED, S.CANCELLED},
    S.ASSIGNED: {S.ASSIGNED, S.ACKNOWLEDGED, S.CANCELLED},  # assigned again = reassigned
    S.ACKNOWLEDGED: {S.EN_ROUTE, S.CANCELLED},
    S.EN_ROUTE: {S.ON_SCENE, S.CANCELLED},
    S.ON_SCENE: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}


# The unit's own officers move their task along; the operations centre assigns and cancels.
UNIT_MOVES = {S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE, S.COMPLETED}


DISPATCH_MOVES = {S.ASSIGNED, S.CANCELLED}


TIMESTAMP_FIELD: dict[str, str] = {
    S.ASSIGNED: "assigned_at",
    S.ACKNOWLEDGED: "acknowledged_at",
    S.EN_ROUTE: "en_route_at",
    S.ON_SCENE: "on_scene_at",
    S.COMPLETED: "closed_at",
    S.CANCELLED: "closed_at",
}


OPEN_STATUSES = {S.ASSIGNED, S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE}


# What the operations centre may still edit: anything not closed.
EDITABLE_STATUSES = {S.NEW, *OPEN_STATUSES}


# A task created by mistake is withdrawn before its unit acts on it; once acknowledged,
# it is work begun, cancelled with a reason like any other.
WITHDRAWABLE_STATUSES = {S.NEW, S.ASSIGNED}


def transition_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())
