"""Notices for the operations centre: the list (active and past, which addressed units
have read each and when), sending a notice, withdrawing one. Thin: a selector or an
accessor, a form, one service, a render or a redirect."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dispatch.forms.common import add_service_errors
from dispatch.forms.notices import NoticeForm
from dispatch.models import MobileUnit, Notice, NoticeReceipt
from dispatch.selectors.notices import (
    STATE_ACTIVE,
    STATE_PAST,
    notice_get_for_user,
    notice_list_for_user,
    notice_rows,
    notices_for_unit,
)
from dispatch.selectors.tasks import violations_visible_to
from dispatch.services.notices import notice_create, notice_withdraw
from portal.access import permission_required
from portal.api.helpers import request_user
from portal.models import User

VIEW = "dispatch.view_all_tasks"
SEND = "dispatch.add_task"
NOTICES_PER_PAGE = 25


@permission_required(VIEW)
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    state = STATE_PAST if request.GET.get("state") == STATE_PAST else STATE_ACTIVE
    user = request_user(request)
    notices = notice_list_for_user(user=user, state=state)
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    rows = notice_rows(notices=list(page))
    return render(
        request,
        "dispatch/notice_list.html",
        {
            "rows": rows,
            # A linked violation is named only to someone who may open it.
            "visible_violations": violations_visible_to(
                user=user, violation_ids=[row.notice.violation_id for row in rows]
            ),
            "page": page,
            "state": state,
            "query": f"state={state}",
            "active_count": notice_list_for_user(user=user, state=STATE_ACTIVE).count(),
        },
    )


@permission_required(VIEW, SEND)
@require_http_methods(["GET", "POST"])
def notice_create_view(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_create(actor=request_user(request), data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error, NoticeForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Notice “%(title)s” sent.") % {"title": notice.title})
            return redirect("dispatch:notice-list")
    return render(request, "dispatch/notice_form.html", {"form": form})


@permission_required(VIEW, SEND)
@require_POST
def notice_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_for_user(user=request_user(request), pk=pk)
    try:
        notice = notice_withdraw(actor=request_user(request), notice=notice)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Notice “%(title)s” withdrawn: it leaves the units' phones.")
            % {"title": notice.title},
        )
    return redirect("dispatch:notice-list")


# ---------------------------------------------------------------------- the officer's cards


@dataclass(frozen=True)
class OfficerNoticeCard:
    """An active notice on the officer's My tasks page, read by the unit or not."""

    notice: Notice
    receipt: NoticeReceipt | None
    geo_url: str = ""
    # The linked violation's reference and link only for someone who may open it.
    violation_visible: bool = False


def officer_notice_cards(*, user: User, unit: MobileUnit) -> list[OfficerNoticeCard]:
    """The unit's active notices as cards, unread first (dispatch.views.officer renders
    them above the tasks, in the page and in its polled list)."""
    items = notices_for_unit(unit=unit)
    visible = violations_visible_to(
        user=user, violation_ids=[item.notice.violation_id for item in items]
    )
    cards = []
    for item in items:
        place = item.notice.location
        cards.append(
            OfficerNoticeCard(
                notice=item.notice,
                receipt=item.receipt,
                geo_url=f"geo:{place.y:.6f},{place.x:.6f}?q={place.y:.6f},{place.x:.6f}"
                if place is not None
                else "",
                violation_visible=item.notice.violation_id in visible,
            )
        )
    return cards
