"""Administration of violation categories."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.categories import CategoryForm
from cases.selectors import categories as category_selectors
from cases.services.categories import category_update
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required


@permission_required("cases.view_violationcategory", "cases.change_violationcategory")
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cases/category_list.html", {"categories": category_selectors.category_list()}
    )


@permission_required("cases.view_violationcategory", "cases.change_violationcategory")
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = category_selectors.category_get(pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in ["name_en", "name_lt", "sort_order", "is_active"]
        }
        fields["field_definitions"] = form.cleaned_data["field_definitions_json"]
        try:
            category_update(actor=actor_of(request), category=category, fields=fields)
        except ValidationError as error:
            add_service_errors(form, error, fields={"field_definitions": "field_definitions_json"})
        else:
            messages.success(request, _("Category saved."))
            return redirect("cases:category-list")
    return render(request, "cases/category_form.html", {"form": form, "category": category})
