"""Goods lines of a violation: add and remove."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms.goods import GoodsLineForm
from cases.selectors.goods import goods_line_get
from cases.selectors.violations import violation_get_for_user
from cases.services import goods as goods_services
from cases.views.common import actor_of, add_service_errors
from cases.views.violations import after_page_form
from portal.access import permission_required


@permission_required("cases.view_violation", "cases.change_violation")
@require_POST
def goods_add(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    form = GoodsLineForm(request.POST)
    if form.is_valid():
        try:
            goods_services.goods_line_add(
                actor=actor_of(request),
                violation=violation,
                data=form.to_input(),
                client_key=form.cleaned_data["client_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return after_page_form(
        request,
        violation,
        form=form,
        name="goods_form",
        success=_("Goods line added."),
        anchor="goods",
    )


@permission_required("cases.view_violation", "cases.change_violation")
@require_POST
def goods_remove(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    line = goods_line_get(violation=violation, pk=line_id)
    goods_services.goods_line_remove(actor=actor_of(request), line=line)
    messages.success(request, _("Goods line removed."))
    return redirect(f"{violation.get_absolute_url()}#goods")
