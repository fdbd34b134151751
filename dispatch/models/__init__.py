"""Dispatch data, one module per sub-domain; the rest of the code imports models from here."""

from dispatch.models.notices import Notice, NoticePriority, NoticeReceipt
from dispatch.models.planning import GeofenceAlert, PatrolZone, Shift
from dispatch.models.positions import PositionReport, PositionSource
from dispatch.models.stats import UnitDayStats
from dispatch.models.tasks import Task, TaskEvent, TaskEventKind, TaskKind, TaskPriority, TaskStatus
from dispatch.models.units import MobileUnit, UnitDevice, UnitStatus

__all__ = [
    "GeofenceAlert",
    "MobileUnit",
    "Notice",
    "NoticePriority",
    "NoticeReceipt",
    "PatrolZone",
    "PositionReport",
    "PositionSource",
    "Shift",
    "Task",
    "TaskEvent",
    "TaskEventKind",
    "TaskKind",
    "TaskPriority",
    "TaskStatus",
    "UnitDayStats",
    "UnitDevice",
    "UnitStatus",
]
