"""Training pages: courses, sessions (enrolment, waiting list, attendance, results),
certificates (PDF, revocation), the verification page and a person's own record.

Administrators hold the training permissions; a head of unit reaches the sessions to
enrol, follow and withdraw the members of the units they head (the selectors narrow
what a head sees to their own people)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import login_only, permission_or, permission_required
from portal.forms.training import (
    AttendanceForm,
    CertificateFilterForm,
    CourseFilterForm,
    CourseForm,
    EnrolForm,
    ResultForm,
    RevokeForm,
    SessionFilterForm,
    SessionForm,
    VerifyForm,
    WithdrawForm,
)
from portal.lib.downloads import download_response
from portal.models import Certificate, Enrolment, EnrolmentResult, TrainingSession, User
from portal.selectors import training as selectors
from portal.selectors.training import is_unit_head
from portal.selectors.users import org_units_named
from portal.services import certificates
from portal.services import training as services

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind an access rule


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filters(form: Any, kind: type) -> Any:
    if form.is_valid():
        return kind(**{key: value for key, value in form.cleaned_data.items() if value})
    return kind()


# --- Courses ---------------------------------------------------------------------------
@permission_required("portal.view_course")
@require_http_methods(["GET"])
def course_list(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    courses = selectors.course_list_for_user(
        user=_actor(request), filters=_filters(form, selectors.CourseFilter)
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/training/course_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@permission_required("portal.view_course", "portal.add_course")
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=_actor(request),
                code=form.cleaned_data["code"],
                fields=form.course_fields(),
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Course %(code)s created.") % {"code": course.code})
            return redirect("portal:training-course-detail", pk=course.pk)
    return render(request, "portal/training/course_form.html", {"form": form, "course": None})


@permission_required("portal.view_course")
@require_http_methods(["GET"])
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    course = selectors.course_get_for_user(user=actor, pk=pk)
    sessions = selectors.session_list_for_user(
        user=actor, filters=selectors.SessionFilter(course=course)
    )[:20]
    return render(
        request,
        "portal/training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "required_by": course.required_by.order_by("code"),
            "certificate_counts": selectors.course_certificate_counts(course=course),
        },
    )


@permission_required("portal.view_course", "portal.change_course")
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=_actor(request), pk=pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(
                actor=_actor(request),
                course=course,
                fields=form.course_fields(),
                prerequisites=list(form.cleaned_data["prerequisites"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("portal:training-course-detail", pk=course.pk)
    return render(request, "portal/training/course_form.html", {"form": form, "course": course})


# --- Sessions --------------------------------------------------------------------------
@permission_or("portal.view_trainingsession", alternative=is_unit_head)
@require_http_methods(["GET"])
def session_list(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    sessions = selectors.session_list_for_user(
        user=_actor(request), filters=_filters(form, selectors.SessionFilter)
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/training/session_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@permission_required("portal.view_trainingsession", "portal.add_trainingsession")
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    initial = (
        {"course": request.GET.get("course")} if request.GET.get("course", "").isdigit() else {}
    )
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_session_create(
                actor=_actor(request),
                course=form.cleaned_data["course"],
                fields=form.session_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session created."))
            return redirect("portal:training-session-detail", pk=session.pk)
    return render(request, "portal/training/session_form.html", {"form": form, "session": None})


@permission_required("portal.view_trainingsession", "portal.change_trainingsession")
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=_actor(request), pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_session_update(
                actor=_actor(request), session=session, fields=form.session_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("portal:training-session-detail", pk=session.pk)
    return render(request, "portal/training/session_form.html", {"form": form, "session": session})


def _session_page(
    request: HttpRequest,
    session: TrainingSession,
    *,
    enrol_form: EnrolForm | None = None,
    refused: tuple[int, str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The session page; a refused form is drawn again with its errors, in its place
    (``refused`` = (enrolment id, "attendance" | "result" | "withdraw", form))."""
    actor = _actor(request)
    manages = selectors.may_manage_training(actor)
    enrolments = selectors.session_enrolments_for_user(user=actor, session=session)
    org_units_named(units=[e.person.org_unit for e in enrolments])

    def form_for(enrolment: Enrolment, kind: str, make: Any) -> Any:
        if refused is not None and refused[0] == enrolment.pk and refused[1] == kind:
            return refused[2]
        return make(enrolment=enrolment)

    today = selectors.local_today()
    rows = [
        {
            "enrolment": enrolment,
            "certificate": getattr(enrolment, "certificate", None)
            if enrolment.result == EnrolmentResult.PASSED
            else None,
            "attendance_form": form_for(enrolment, "attendance", AttendanceForm),
            "result_form": form_for(enrolment, "result", ResultForm),
            "withdraw_form": form_for(enrolment, "withdraw", WithdrawForm),
            "may_withdraw": enrolment.status != "withdrawn"
            and enrolment.attended is None
            and enrolment.result == EnrolmentResult.PENDING,
        }
        for enrolment in enrolments
    ]
    context = {
        "session": session,
        "rows": [row for row in rows if row["enrolment"].status == "enrolled"],
        "waiting": [row for row in rows if row["enrolment"].status == "waiting"],
        "withdrawn": [row for row in rows if row["enrolment"].status == "withdrawn"],
        "manages": manages,
        "started": session.has_started(today),
        "ended": session.has_ended(today),
        "enrol_form": enrol_form or EnrolForm(people=selectors.people_enrolable_by(user=actor)),
        "free_places": max(session.capacity - session.enrolled_count, 0),  # type: ignore[attr-defined]
    }
    return render(request, "portal/training/session_detail.html", context, status=status)


@permission_or("portal.view_trainingsession", alternative=is_unit_head)
@require_http_methods(["GET"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=_actor(request), pk=pk)
    return _session_page(request, session)


@permission_or("portal.view_trainingsession", "portal.add_enrolment", alternative=is_unit_head)
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_user(user=actor, pk=pk)
    form = EnrolForm(request.POST, people=selectors.people_enrolable_by(user=actor))
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            enrolment = services.enrolment_create(actor=actor, session=session, person=person)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = person.get_full_name() or person.username
            if enrolment.status == "waiting":
                messages.warning(
                    request,
                    _(
                        "The session is full: %(name)s is on the waiting list and gets the "
                        "first free place."
                    )
                    % {"name": name},
                )
            else:
                messages.success(request, _("%(name)s enrolled.") % {"name": name})
            return redirect("portal:training-session-detail", pk=session.pk)
    return _session_page(request, session, enrol_form=form, status=400)


@permission_or("portal.view_trainingsession", "portal.add_enrolment", alternative=is_unit_head)
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int, enrolment_id: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_user(user=actor, pk=pk)
    enrolment = selectors.enrolment_get_for_user(user=actor, session=session, pk=enrolment_id)
    form = WithdrawForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            promoted = services.enrolment_withdraw(
                actor=actor, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Withdrawn from the session."))
            for moved in promoted:
                messages.info(
                    request,
                    _("%(name)s moved from the waiting list into the session.")
                    % {"name": moved.person.get_full_name() or moved.person.username},
                )
            return redirect("portal:training-session-detail", pk=session.pk)
    session = selectors.session_get_for_user(user=actor, pk=pk)
    return _session_page(request, session, refused=(enrolment.pk, "withdraw", form), status=400)


@permission_required("portal.view_trainingsession", "portal.change_enrolment")
@require_POST
def enrolment_attendance(request: HttpRequest, pk: int, enrolment_id: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_user(user=actor, pk=pk)
    enrolment = selectors.enrolment_get_for_user(user=actor, session=session, pk=enrolment_id)
    form = AttendanceForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.enrolment_attendance_record(
                actor=actor, enrolment=enrolment, attended=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Attendance of %(name)s recorded.")
                % {"name": enrolment.person.get_full_name() or enrolment.person.username},
            )
            return redirect(
                reverse("portal:training-session-detail", args=[session.pk])
                + f"#enrolment-{enrolment.pk}"
            )
    return _session_page(request, session, refused=(enrolment.pk, "attendance", form), status=400)


@permission_required("portal.view_trainingsession", "portal.change_enrolment")
@require_POST
def enrolment_result(request: HttpRequest, pk: int, enrolment_id: int) -> HttpResponse:
    actor = _actor(request)
    session = selectors.session_get_for_user(user=actor, pk=pk)
    enrolment = selectors.enrolment_get_for_user(user=actor, session=session, pk=enrolment_id)
    form = ResultForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            outcome = services.enrolment_result_record(
                actor=actor,
                enrolment=enrolment,
                result=EnrolmentResult(form.cleaned_data["result"]),
                score=form.cleaned_data["score"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = enrolment.person.get_full_name() or enrolment.person.username
            if outcome.certificate is not None:
                messages.success(
                    request,
                    _("%(name)s passed: certificate %(code)s issued, valid until %(expires)s.")
                    % {
                        "name": name,
                        "code": outcome.certificate.code,
                        "expires": outcome.certificate.expires_on.isoformat(),
                    },
                )
            else:
                messages.success(request, _("Result of %(name)s recorded.") % {"name": name})
            return redirect(
                reverse("portal:training-session-detail", args=[session.pk])
                + f"#enrolment-{enrolment.pk}"
            )
    return _session_page(request, session, refused=(enrolment.pk, "result", form), status=400)


# --- Certificates ----------------------------------------------------------------------
@permission_required("portal.view_certificate")
@require_http_methods(["GET"])
def certificate_list(request: HttpRequest) -> HttpResponse:
    form = CertificateFilterForm(request.GET or None)
    certificates = selectors.certificate_list_for_user(
        user=_actor(request), filters=_filters(form, selectors.CertificateFilter)
    )
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    today = selectors.local_today()
    for certificate in page:
        certificate.status = certificate.status_on(today)  # type: ignore[attr-defined]  # for the row
    return render(
        request,
        "portal/training/certificate_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _certificate_page(
    request: HttpRequest,
    certificate: Certificate,
    *,
    revoke_form: RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "portal/training/certificate_detail.html",
        {
            "certificate": certificate,
            "status": certificate.status_on(selectors.local_today()),
            "revoke_form": revoke_form or RevokeForm(),
            "may_revoke": _actor(request).has_perm("portal.revoke_certificate"),
            "verify_url": _verify_url(request, certificate.code),
        },
        status=status,
    )


@login_only
@require_http_methods(["GET"])
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder, those who see certificates and the holder's head of unit; 404 else."""
    certificate = selectors.certificate_get_for_user(user=_actor(request), pk=pk)
    return _certificate_page(request, certificate)


def _verify_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("portal:training-verify") + f"?code={code}")


@login_only
@require_http_methods(["GET"])
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The holder, those who see certificates and the holder's head of unit; 404 else."""
    certificate = selectors.certificate_get_for_user(user=_actor(request), pk=pk)
    content = certificates.certificate_pdf(
        actor=_actor(request),
        certificate=certificate,
        verify_url=_verify_url(request, certificate.code),
    )
    return download_response(
        content, content_type="application/pdf", filename=f"certificate-{certificate.code}.pdf"
    )


@permission_required("portal.view_certificate", "portal.revoke_certificate")
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=_actor(request), pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificates.certificate_revoke(
                actor=_actor(request), certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Certificate %(code)s revoked.") % {"code": certificate.code}
            )
            return redirect("portal:training-certificate-detail", pk=certificate.pk)
    return _certificate_page(request, certificate, revoke_form=form, status=400)


@login_only
@require_http_methods(["GET"])
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Anyone signed in checks a certificate's code (typed, or from its QR code)."""
    form = VerifyForm(request.GET or None)
    verification = None
    if form.is_valid():
        verification = certificates.certificate_verify(
            actor=_actor(request), code=form.cleaned_data["code"]
        )
    return render(
        request,
        "portal/training/verify.html",
        {"form": form, "verification": verification},
        status=400 if request.GET and not form.is_valid() else 200,
    )


@login_only
@require_http_methods(["GET"])
def my_training(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    record = selectors.training_record_for_user(user=actor, subject=actor)
    return render(
        request,
        "portal/training/my_training.html",
        {"record": record, "today": selectors.local_today(), "subject": actor},
    )
