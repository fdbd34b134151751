"""Mobile units' operational state and their position reports.

Positions are high-volume and append-only: one row per report, unique per unit and
device time (a re-sent batch inserts nothing twice), a BRIN index on time for range
scans over months, and the unit's latest position kept on the unit itself so that
"where is everybody now" reads one row per unit.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex, GistIndex
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    OFF_DUTY = "off_duty", _("Off duty")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class MobileUnit(models.Model):
    org_unit = models.OneToOneField(
        "portal.OrgUnit",
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        related_name="mobile_unit",
    )
    call_sign = models.CharField(_("call sign"), max_length=20, unique=True)
    vehicle_plate = models.CharField(_("vehicle"), max_length=20, blank=True)
    home_base = models.PointField(_("home base"), srid=4326, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.OFF_DUTY
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    last_position = models.PointField(_("last position"), srid=4326, null=True, blank=True)
    last_reported_at = models.DateTimeField(_("last report (device time)"), null=True, blank=True)
    last_accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    last_speed_kmh = models.FloatField(_("speed (km/h)"), null=True, blank=True)
    last_heading_deg = models.FloatField(_("heading (°)"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobile unit")
        verbose_name_plural = _("mobile units")
        ordering = ["call_sign"]
        # Officers serve in the unit of their organisational unit: they get its tasks
        # and report its position from the browser.
        permissions = [("serve_in_unit", _("Can serve in a mobile unit"))]
        indexes = [
            # "Nearest available unit" (dispatch.selectors.units_recommended_for): KNN
            # over the available units only, so no busy or off-duty unit is visited.
            # Given as an expression: GeoDjango's PostGIS schema editor builds an index
            # on one geometry field itself and drops its condition.
            GistIndex(
                F("last_position"),
                name="unit_available_position_gist",
                condition=models.Q(status="available", last_position__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.call_sign


class UnitDevice(models.Model):
    """A phone or vehicle tracker that reports a unit's position with its own token.
    Only the token's SHA-256 is stored; the token itself is shown once, at registration."""

    unit = models.ForeignKey(MobileUnit, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit device")
        verbose_name_plural = _("unit devices")

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"


class PositionSource(models.TextChoices):
    DEVICE = "device", _("Device")
    BROWSER = "browser", _("Browser geolocation")


class PositionReport(models.Model):
    unit = models.ForeignKey(MobileUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    device = models.ForeignKey(
        UnitDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received"))
    point = models.PointField(_("position"), srid=4326, spatial_index=False)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    speed_kmh = models.FloatField(_("speed (km/h)"), null=True, blank=True)
    heading_deg = models.FloatField(_("heading (°)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=PositionSource.choices)

    class Meta:
        verbose_name = _("position report")
        verbose_name_plural = _("position reports")
        constraints = [
            # Idempotent ingestion: the same report sent twice is one row.
            models.UniqueConstraint(
                fields=["unit", "device_time"], name="position_unique_per_unit_time"
            ),
        ]
        indexes = [BrinIndex(fields=["device_time"], name="position_time_brin")]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.device_time:%Y-%m-%d %H:%M:%S}"


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
    in dispatch/lifecycle.py; every move is a TaskEvent (who, when)."""

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


class TaskEvent(models.Model):
    """One move of a task along its lifecycle: from which status to which, when, by whom,
    with the reason or outcome given."""

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

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_status} → {self.to_status}"


class PatrolZone(models.Model):
    """An area a unit patrols during a shift, drawn on the map."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    area = models.PolygonField(_("area"), srid=4326)
    colour = models.CharField(_("colour"), max_length=7, default="#2563eb")
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("patrol zone")
        verbose_name_plural = _("patrol zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A unit on duty from ``starts_at`` to ``ends_at``, patrolling ``zone``."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    zone = models.ForeignKey(
        PatrolZone,
        verbose_name=_("patrol zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "unit__call_sign"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="shift_unit_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M}"


class GeofenceAlert(models.Model):
    """A unit on shift reported a position outside its shift's patrol zone. Open until
    the unit is back inside (``returned_at``); a dispatcher acknowledges it."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="alerts")
    zone = models.ForeignKey(PatrolZone, on_delete=models.PROTECT, related_name="alerts")
    left_at = models.DateTimeField(_("left the zone"))
    position = models.PointField(_("position"), srid=4326)
    distance_m = models.FloatField(_("distance from the zone (m)"))
    returned_at = models.DateTimeField(_("back in the zone"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("geofence alert")
        verbose_name_plural = _("geofence alerts")
        ordering = ["-left_at"]
        constraints = [
            # At most one open alert per unit: a unit outside its zone raises it once.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(returned_at__isnull=True),
                name="geofence_one_open_alert_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.left_at:%Y-%m-%d %H:%M}"


class NoticePriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Notice(models.Model):
    """A message from the operations centre to mobile units: information, not work (a
    road closed, a wanted vehicle, a change of procedure). Unlike a task it has no
    lifecycle; a unit only confirms it has read it (NoticeReceipt).

    Addressed to the units in ``units`` or, with ``all_units``, to every unit (those
    created later included). Active until ``expires_at`` (never, when empty) or until
    the operations centre withdraws it."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=NoticePriority.choices,
        default=NoticePriority.NORMAL,
    )
    location = models.PointField(_("place"), srid=4326, null=True, blank=True)
    violation = models.ForeignKey(
        "cases.Violation",
        verbose_name=_("violation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    all_units = models.BooleanField(_("all units"), default=False)
    units = models.ManyToManyField(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "units"),
        blank=True,
        related_name="notices",
    )
    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The active ones (not withdrawn) newest first: what every officer's page
            # and the dispatcher's list read.
            models.Index(
                fields=["-created_at"],
                name="notice_active_idx",
                condition=models.Q(withdrawn_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(expires_at__gt=models.F("created_at")),
                name="notice_expires_after_sent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """A unit has read a notice: the first of its officers to mark it read, and when.
    One per notice and unit."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts"
    )
    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    read_by = models.ForeignKey(
        "portal.User", verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_receipt_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.unit_id}"


class UnitDayStats(models.Model):
    """A unit's movement on one local day (settings.TIME_ZONE), rolled up nightly from
    its position reports (dispatch.services_rollup) so the monthly figures read one row
    per unit and day instead of every report. Every unit has a row for every rolled-up
    day, with zeros when it did not report."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.CASCADE,
        related_name="day_stats",
    )
    day = models.DateField(_("day"))
    distance_m = models.FloatField(_("distance (m)"), default=0)
    report_count = models.PositiveIntegerField(_("position reports"), default=0)
    hours_with_reports = models.PositiveSmallIntegerField(_("hours with reports"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("unit day statistics")
        verbose_name_plural = _("unit day statistics")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="unit_day_stats_once_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="unit_day_stats_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.day:%Y-%m-%d}"
