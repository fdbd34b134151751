"""Reads around notices: what an officer's unit has been sent and still has to heed,
and for the operations centre every notice with which addressed units have read it.

A notice is *active* while it is neither withdrawn nor past its expiry. It is
*addressed* to a unit when it names the unit or is sent to all units."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from dispatch.models import MobileUnit, Notice, NoticePriority, NoticeReceipt
from dispatch.selectors.units import mobile_unit_of
from portal.models import User

STATE_ACTIVE = "active"


STATE_PAST = "past"


def _active(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(withdrawn_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _addressed_to(unit: MobileUnit) -> Q:
    # EXISTS on the link table rather than a join: no duplicate rows, no DISTINCT.
    named = Notice.units.through.objects.filter(notice_id=OuterRef("pk"), mobileunit_id=unit.pk)
    return Q(all_units=True) | Q(Exists(named))


def notice_is_active(notice: Notice, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return notice.withdrawn_at is None and (notice.expires_at is None or notice.expires_at > now)


def notice_is_addressed_to(*, notice: Notice, unit: MobileUnit) -> bool:
    return Notice.objects.filter(_addressed_to(unit), pk=notice.pk).exists()


@dataclass(frozen=True)
class UnitNotice:
    """An active notice as the unit sees it: read (``receipt``) or not yet."""

    notice: Notice
    receipt: NoticeReceipt | None

    @property
    def is_read(self) -> bool:
        return self.receipt is not None


def notices_for_unit(*, unit: MobileUnit) -> list[UnitNotice]:
    """The unit's active notices: unread before read, urgent before normal, newest
    first. Two queries (the notices with the linked violation, the unit's receipts with
    who read them)."""
    notices = list(
        Notice.objects.filter(_active(), _addressed_to(unit))
        .select_related("violation")
        .prefetch_related(
            Prefetch(
                "receipts",
                queryset=NoticeReceipt.objects.filter(unit=unit).select_related("read_by"),
                to_attr="unit_receipts",
            )
        )
    )
    items = [
        UnitNotice(notice=notice, receipt=next(iter(notice.unit_receipts), None))
        for notice in notices
    ]
    # Stable: newest first within each group, as read.
    items.sort(key=lambda item: (item.is_read, item.notice.priority != NoticePriority.URGENT))
    return items


def unit_notices_version(*, unit: MobileUnit) -> str:
    """A short fingerprint of the unit's active notices and their read state: changes
    when a notice is sent to the unit, withdrawn, expires or is read. One query; the
    officer's page compares it with the task fingerprint on every poll."""
    read_at = NoticeReceipt.objects.filter(notice_id=OuterRef("pk"), unit=unit).values("read_at")
    rows = (
        Notice.objects.filter(_active(), _addressed_to(unit))
        .annotate(unit_read_at=Subquery(read_at[:1]))
        .order_by("id")
        .values_list("id", "unit_read_at")
    )
    digest = hashlib.sha256(f"{get_language()}".encode())
    for notice_id, unit_read_at in rows:
        digest.update(f"|{notice_id}:{unit_read_at.timestamp() if unit_read_at else ''}".encode())
    return digest.hexdigest()[:12]


def notice_list_for_user(*, user: User, state: str = "") -> QuerySet[Notice]:
    """Notices ``user`` may see: all of them with ``view_all_tasks`` (the operations
    centre, analysts), otherwise the active ones addressed to the user's own mobile
    unit. ``state``: "active", "past" (withdrawn or expired) or "" for both (staff
    only; an officer never sees past notices)."""
    notices = Notice.objects.select_related("created_by", "withdrawn_by", "violation")
    if not user.has_perm("dispatch.view_task"):
        return notices.none()
    if not user.has_perm("dispatch.view_all_tasks"):
        unit = mobile_unit_of(user)
        if unit is None:
            return notices.none()
        return notices.filter(_active(), _addressed_to(unit))
    if state == STATE_ACTIVE:
        return notices.filter(_active())
    if state == STATE_PAST:
        return notices.exclude(_active())
    return notices


def notice_get_for_user(*, user: User, pk: int) -> Notice:
    notice = notice_list_for_user(user=user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notice_get_for_officer(*, user: User, pk: int) -> Notice:
    """A notice addressed to the officer's own unit, active or not (marking a notice
    read that was withdrawn a moment ago gets a clear answer, not a 404); 404 for any
    other."""
    unit = mobile_unit_of(user)
    if unit is None or not user.has_perm("dispatch.serve_in_unit"):
        raise Http404
    notice = Notice.objects.filter(_addressed_to(unit), pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@dataclass(frozen=True)
class UnitReadState:
    unit: MobileUnit
    receipt: NoticeReceipt | None


@dataclass(frozen=True)
class NoticeRow:
    """A notice for the dispatcher's list: every unit it is addressed to, read or not."""

    notice: Notice
    units: list[UnitReadState]
    active: bool

    @property
    def read_count(self) -> int:
        return sum(1 for state in self.units if state.receipt is not None)

    @property
    def unit_count(self) -> int:
        return len(self.units)


def notice_rows(*, notices: list[Notice]) -> list[NoticeRow]:
    """The read state per addressed unit of ``notices`` (a page of the list). Three
    queries whatever their number: the units named, the receipts with who read them,
    and (when a notice goes to all units) every unit once."""
    prefetch_related_objects(
        notices,
        Prefetch(
            "units", queryset=MobileUnit.objects.select_related("org_unit").order_by("call_sign")
        ),
        Prefetch(
            "receipts",
            queryset=NoticeReceipt.objects.select_related("read_by", "unit__org_unit"),
        ),
    )
    every_unit: list[MobileUnit] = []
    if any(notice.all_units for notice in notices):
        every_unit = list(MobileUnit.objects.select_related("org_unit").order_by("call_sign"))
    now = timezone.now()
    rows = []
    for notice in notices:
        receipts = {receipt.unit_id: receipt for receipt in notice.receipts.all()}
        addressed = every_unit if notice.all_units else list(notice.units.all())
        rows.append(
            NoticeRow(
                notice=notice,
                units=[
                    UnitReadState(unit=unit, receipt=receipts.get(unit.pk)) for unit in addressed
                ],
                active=notice_is_active(notice, now),
            )
        )
    return rows


def notices_with_receipts(*, notices: list[Notice], unit: MobileUnit | None) -> list[Notice]:
    """``notices`` with their named units and their receipts (with who read them)
    loaded: every unit's receipts, or only ``unit``'s (an officer learns nothing of
    other units). Two queries for any number of notices."""
    receipts = NoticeReceipt.objects.select_related("read_by", "unit")
    if unit is not None:
        receipts = receipts.filter(unit=unit)
    prefetch_related_objects(
        notices,
        Prefetch(
            "units", queryset=MobileUnit.objects.select_related("org_unit").order_by("call_sign")
        ),
        Prefetch("receipts", queryset=receipts),
    )
    return notices
