"""The audit trail for administrators: browse, filter, export. Never edit."""

import csv
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import permission_required
from portal.forms.audit import (
    AuditExportForm,
    AuditFilterForm,
    FlagFilterForm,
    FlagReviewForm,
)
from portal.lib.charts import BarChart, bar_chart
from portal.lib.exports import csv_safe_row
from portal.models import AuditAction, AuditRecord, User
from portal.selectors.audit import AuditFilter, audit_list_for_user
from portal.selectors.audit_review import (
    DEFAULT_PERIOD_DAYS,
    MAX_PERIOD_DAYS,
    ActivityDay,
    Flag,
    FlagState,
    audit_activity_for_user,
    audit_activity_mark,
    audit_flags_for_user,
    audit_person_for_user,
    audit_verification_latest_for_user,
)
from portal.services.audit import audit_record
from portal.services.audit_review import (
    ROLLUP_BATCH,
    FlagKey,
    audit_activity_rollup,
)
from portal.services.audit_review import audit_flag_review as audit_flag_review_service


def _filters(form: AuditFilterForm) -> AuditFilter | None:
    """The filters asked for; None when they are invalid (then nothing is listed:
    silently dropping a filter would show, or export, the whole trail)."""
    if not form.is_bound:
        return AuditFilter()
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return AuditFilter(**{k: v for k, v in data.items() if v not in (None, "")})


EARLIEST_DAY = date(2000, 1, 1)


def _period(filters: AuditFilter | None) -> tuple[date, date, bool]:
    """The days the flags and the chart cover: the filter's period, or the last
    DEFAULT_PERIOD_DAYS; at most MAX_PERIOD_DAYS (the last ones of a longer period).
    The third value says whether the period was cut."""
    today = timezone.localdate()
    # Nothing is flagged in the future or before the portal: keeping to that range also
    # keeps the baseline's arithmetic away from year 1 and 9999.
    date_to = min(max((filters.date_to if filters else None) or today, EARLIEST_DAY), today)
    date_from = (filters.date_from if filters else None) or date_to - timedelta(
        days=DEFAULT_PERIOD_DAYS - 1
    )
    date_from = min(max(date_from, EARLIEST_DAY), date_to)
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        return date_to - timedelta(days=MAX_PERIOD_DAYS - 1), date_to, True
    return date_from, date_to, False


def _person(user: User, filters: AuditFilter | None) -> User | None:
    if not filters or not filters.actor:
        return None
    return audit_person_for_user(user=user, username=filters.actor)


def _activity_chart(series: list[ActivityDay]) -> BarChart:
    return bar_chart([(f"{point.day:%Y-%m-%d}", point.total, point.flagged) for point in series])


@permission_required("portal.view_auditrecord")
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The auditor's page: the trail filtered, a person's activity as a chart, the flags
    of unusual access with their reviews, exports and the chain's verification."""
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    records = (
        audit_list_for_user(user=user, filters=filters)
        if filters is not None
        else AuditRecord.objects.none()
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)

    # The summary the flags read catches up with the newest records first.
    audit_activity_rollup(limit=ROLLUP_BATCH)
    flag_form = FlagFilterForm(request.GET or None)
    flag_choice = flag_form.cleaned_data if flag_form.is_valid() else {}
    date_from, date_to, period_cut = _period(filters)
    person = _person(user, filters)
    flags: list[Flag] = []
    if filters is not None and not (filters.actor and person is None):
        flags = audit_flags_for_user(
            user=user,
            date_from=date_from,
            date_to=date_to,
            person=person,
            rule=flag_choice.get("flag") or "",
            state=flag_choice.get("flag_state") or FlagState.OPEN,
        )
    flag_page = Paginator(flags, 20).get_page(request.GET.get("flags_page"))
    flag_query = request.GET.copy()
    flag_query.pop("flags_page", None)
    chart = None
    if person is not None:
        series = audit_activity_for_user(
            user=user, person=person, date_from=date_from, date_to=date_to
        )
        chart = _activity_chart(series)
    export_form = AuditExportForm()
    return render(
        request,
        "portal/audit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "flag_form": flag_form,
            "flag_page": flag_page,
            "flag_query": flag_query.urlencode(),
            "review_form": FlagReviewForm(),
            "period": (date_from, date_to),
            "period_cut": period_cut,
            "person": person,
            "unknown_person": bool(filters and filters.actor and person is None),
            "chart": chart,
            "chart_total": sum(bar.value for bar in chart.bars) if chart else 0,
            "export_form": export_form,
            "export_filters": [
                (name, value)
                for name, value in request.GET.items()
                if name in AuditFilterForm.base_fields and value
            ],
            "verification": audit_verification_latest_for_user(user=user),
            "activity_mark": audit_activity_mark(),
        },
    )


@permission_required("portal.view_auditrecord")
@require_POST
def audit_flag_review(request: HttpRequest) -> HttpResponse:
    """Mark one flag reviewed with a note (audited), and go back to the page."""
    user: User = request.user  # type: ignore[assignment]
    back = request.POST.get("next", "")
    if not back.startswith(reverse("portal:audit-list")):
        back = reverse("portal:audit-list")
    form = FlagReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The review was not saved: %(errors)s")
            % {
                "errors": " ".join(
                    " ".join(str(error) for error in errors) for errors in form.errors.values()
                )
            },
        )
        return redirect(back)
    data = form.cleaned_data
    person = audit_person_for_user(user=user, pk=data["person"])
    if person is None:
        messages.error(request, _("The review was not saved: there is no such person."))
        return redirect(back)
    try:
        audit_flag_review_service(
            actor=user,
            key=FlagKey(rule=data["rule"], person=person, day=data["day"]),
            note=data["note"],
        )
    except ValidationError as error:
        messages.error(
            request,
            _("The review was not saved: %(errors)s") % {"errors": " ".join(error.messages)},
        )
        return redirect(back)
    messages.success(request, _("Flag marked reviewed."))
    return redirect(back)


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("portal.view_auditrecord", "portal.export_auditrecord")
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    if filters is None:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('portal:audit-list')}?{request.GET.urlencode()}")
    records = audit_list_for_user(user=user, filters=filters)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="portal.auditrecord",
        object_repr="audit trail CSV",
        changes={"filters": {k: v for k, v in vars(filters).items() if v}},
    )
    writer = csv.writer(_Echo())
    header = [
        "id",
        "occurred_at",
        "user",
        "ip_address",
        "action",
        "object_type",
        "object_id",
        "object",
        "reason",
        "hash",
    ]

    def rows():  # type: ignore[no-untyped-def]  # generator of CSV lines
        yield writer.writerow(header)
        record: AuditRecord
        for record in records.iterator(chunk_size=2000):
            yield writer.writerow(
                csv_safe_row(
                    [
                        record.id,
                        record.occurred_at.isoformat(),
                        record.actor_username,
                        record.ip_address or "",
                        record.action,
                        record.object_type,
                        record.object_id,
                        record.object_repr,
                        record.reason,
                        record.record_hash,
                    ]
                )
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
