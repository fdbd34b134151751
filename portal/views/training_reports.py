"""Training reports for administrators and heads of unit: trained people by course and
by unit, who expires within 60 days, sessions and their attendance, as charts drawn on
the server and tables; each table exports as CSV or XLSX (audited)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from portal.access import permission_or
from portal.forms.training import TrainingReportFilterForm
from portal.lib.charts import HorizontalBar, horizontal_bars
from portal.lib.downloads import download_response
from portal.lib.exports import csv_safe_row, xlsx_safe
from portal.models import AuditAction, User
from portal.selectors import training_reports as reports
from portal.selectors.users import org_units_named
from portal.services.audit import audit_record

# The attendance chart shows the newest sessions begun; the table lists them all.
CHART_SESSIONS = 12


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind an access rule


def _form(request: HttpRequest) -> TrainingReportFilterForm:
    units = reports.report_units_for_user(user=_actor(request))
    return TrainingReportFilterForm(request.GET or None, units=units)


def _scope(request: HttpRequest, form: TrainingReportFilterForm) -> reports.ReportScope | None:
    """The reports' scope, or None when the filters are invalid (then nothing is shown:
    dropping a bad filter silently would show, or export, more than was asked for)."""
    if not form.is_bound:
        return reports.report_scope_for_user(user=_actor(request))
    if not form.is_valid():
        return None
    data = {key: value for key, value in form.cleaned_data.items() if value}
    return reports.report_scope_for_user(user=_actor(request), filters=reports.ReportFilter(**data))


def _person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _unit_name(user: User) -> str:
    return user.org_unit.label if user.org_unit else ""


# --- The tables, as the page shows them and the exports write them ----------------------
@dataclass(frozen=True)
class Table:
    title: Any
    header: list[Any]
    rows: Callable[[reports.ReportScope], list[list[object]]]


def _course_rows(scope: reports.ReportScope) -> list[list[object]]:
    return [
        [c.code, c.title, c.holders, c.expiring, c.expired, c.revoked]  # type: ignore[attr-defined]  # annotated
        for c in reports.trained_by_course(scope=scope)
    ]


def _unit_rows(scope: reports.ReportScope) -> list[list[object]]:
    units = reports.trained_by_unit(scope=scope)
    org_units_named(units=units)
    return [
        [u.label, u.member_count, u.trained, u.share, u.expiring]  # type: ignore[attr-defined]  # annotated
        for u in units
    ]


def _expiring_rows(scope: reports.ReportScope) -> list[list[object]]:
    certificates = reports.expiring_certificates(scope=scope)
    org_units_named(units=[c.person.org_unit for c in certificates])
    return [
        [
            _person_name(c.person),
            _unit_name(c.person),
            c.course.code,
            c.expires_on,
            c.days_left,  # type: ignore[attr-defined]  # annotated
            c.next_session_starts or "",  # type: ignore[attr-defined]  # annotated
        ]
        for c in certificates
    ]


def _session_rows(scope: reports.ReportScope) -> list[list[object]]:
    return [
        [
            s.course.code,
            s.starts_on,
            s.ends_on,
            s.place,
            s.trainer,
            s.capacity,
            s.enrolled,  # type: ignore[attr-defined]  # annotated
            s.attended,  # type: ignore[attr-defined]  # annotated
            s.passed,  # type: ignore[attr-defined]  # annotated
            s.failed,  # type: ignore[attr-defined]  # annotated
            "" if s.attendance_rate is None else s.attendance_rate,  # type: ignore[attr-defined]  # annotated
            "" if s.pass_rate is None else s.pass_rate,  # type: ignore[attr-defined]  # annotated
        ]
        for s in reports.sessions_attendance(scope=scope)
    ]


TABLES: dict[str, Table] = {
    "courses": Table(
        gettext_lazy("Trained people by course"),
        [
            gettext_lazy("Code"),
            gettext_lazy("Course"),
            gettext_lazy("People with a valid certificate"),
            gettext_lazy("Of them expiring within 60 days"),
            gettext_lazy("Expired certificates"),
            gettext_lazy("Revoked certificates"),
        ],
        _course_rows,
    ),
    "units": Table(
        gettext_lazy("Trained people by unit"),
        [
            gettext_lazy("Unit"),
            gettext_lazy("Members"),
            gettext_lazy("Trained"),
            gettext_lazy("Trained (%)"),
            gettext_lazy("Expiring within 60 days"),
        ],
        _unit_rows,
    ),
    "expiring": Table(
        gettext_lazy("Certificates expiring within 60 days"),
        [
            gettext_lazy("Person"),
            gettext_lazy("Unit"),
            gettext_lazy("Course"),
            gettext_lazy("Expiry date"),
            gettext_lazy("Days left"),
            gettext_lazy("Next session"),
        ],
        _expiring_rows,
    ),
    "sessions": Table(
        gettext_lazy("Sessions and attendance"),
        [
            gettext_lazy("Course"),
            gettext_lazy("First day"),
            gettext_lazy("Last day"),
            gettext_lazy("Place"),
            gettext_lazy("Trainer"),
            gettext_lazy("Places"),
            gettext_lazy("Enrolled"),
            gettext_lazy("Attended"),
            gettext_lazy("Passed"),
            gettext_lazy("Failed"),
            gettext_lazy("Attendance (%)"),
            gettext_lazy("Pass rate (%)"),
        ],
        _session_rows,
    ),
}
FORMATS = ("csv", "xlsx")


# --- The page --------------------------------------------------------------------------
def _course_chart(courses: list[Any]) -> list[HorizontalBar]:
    return horizontal_bars(
        [
            (
                c.code,
                [(c.holders - c.expiring, "hbar__seg"), (c.expiring, "hbar__seg--warn")],
                str(c.holders),
            )
            for c in courses
        ]
    )


def _unit_chart(units: list[Any]) -> list[HorizontalBar]:
    return horizontal_bars(
        [(u.label, [(u.share, "hbar__seg")], f"{u.share} %") for u in units], top=100
    )


def _session_chart(sessions: list[Any], today: Any) -> list[HorizontalBar]:
    begun = [s for s in sessions if s.starts_on <= today and s.attendance_rate is not None]
    return horizontal_bars(
        [
            (
                f"{s.course.code} · {s.starts_on:%Y-%m-%d}",
                [(s.attendance_rate, "hbar__seg")],
                f"{s.attendance_rate} %",
            )
            for s in begun[:CHART_SESSIONS]
        ],
        top=100,
    )


@permission_or("portal.view_certificate", alternative=reports.may_see_training_reports)
@require_GET
def training_reports(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    scope = _scope(request, form)
    context: dict[str, Any] = {"form": form, "scope": scope, "formats": FORMATS}
    if scope is not None:
        courses = reports.trained_by_course(scope=scope)
        units = reports.trained_by_unit(scope=scope)
        expiring = reports.expiring_certificates(scope=scope)
        sessions = reports.sessions_attendance(scope=scope)
        org_units_named(units=[*units, *(c.person.org_unit for c in expiring)])
        context.update(
            {
                "courses": courses,
                "course_chart": _course_chart(courses),
                "units": units,
                "unit_chart": _unit_chart(units),
                "expiring": expiring,
                "expiry_summary": reports.expiry_summary(expiring),
                "sessions": sessions,
                "session_chart": _session_chart(sessions, scope.today),
                "session_totals": reports.session_totals(sessions, today=scope.today),
                "query": request.GET.urlencode(),
            }
        )
    return render(request, "portal/training/reports.html", context)


# --- Exports ---------------------------------------------------------------------------
def _csv(header: list[Any], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_safe_row(str(title) for title in header))
    for row in rows:
        writer.writerow(csv_safe_row(row))
    # With a byte order mark, spreadsheet programs read the Lithuanian letters right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(title: str, header: list[Any], rows: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([xlsx_safe(str(value)) for value in header])
    for row in rows:
        sheet.append([xlsx_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@permission_or("portal.view_certificate", alternative=reports.may_see_training_reports)
@require_GET
def training_report_export(request: HttpRequest, table: str, file_format: str) -> HttpResponseBase:
    """One table of the reports, with the page's filters, as a file (a table is bounded
    by the organisation's size: made in the request). The export is audited."""
    spec = TABLES.get(table)
    if spec is None or file_format not in FORMATS:
        raise Http404
    form = _form(request)
    scope = _scope(request, form)
    if scope is None:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('portal:training-reports')}?{request.GET.urlencode()}")
    rows = spec.rows(scope)
    audit_record(
        actor=_actor(request),
        action=AuditAction.EXPORT,
        object_type="portal.trainingreport",
        object_repr=f"training report {table} {file_format.upper()}",
        changes={
            "table": table,
            "format": file_format,
            "rows": len(rows),
            "filters": {k: v for k, v in request.GET.items() if k in form.fields and v},
        },
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    filename = f"training-{table}-{stamp}.{file_format}"
    content = (
        _csv(spec.header, rows)
        if file_format == "csv"
        else _xlsx(str(spec.title), spec.header, rows)
    )
    return download_response(content, content_type=CONTENT_TYPES[file_format], filename=filename)
