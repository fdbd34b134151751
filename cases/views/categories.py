"""Administration of violation categories."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.categories import CategoryForm, category_field_formset
from cases.forms.violations import category_field_groups
from cases.models import ViolationCategory
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
    """The category's names and order, and its fields as rows; "Show the preview" draws
    the violation form's section from the rows as sent, without saving."""
    category = category_selectors.category_get(pk=pk)
    data = request.POST if request.method == "POST" else None
    form = CategoryForm(data, instance=category)
    formset = category_field_formset(data, definitions=category.field_definitions)
    definitions = category.field_definitions
    # Both checked, so that every mistake is shown at once.
    valid = form.is_valid() if data is not None else False
    valid = formset.is_valid() and valid if data is not None else False
    previewing = data is not None and "preview" in data
    if valid:
        definitions = formset.definitions()
        if not previewing:
            fields = {
                name: form.cleaned_data[name]
                for name in ["name_en", "name_lt", "sort_order", "is_active"]
            }
            fields["field_definitions"] = definitions
            try:
                category_update(actor=actor_of(request), category=category, fields=fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Category saved."))
                return redirect("cases:category-list")
    return render(
        request,
        "cases/category_form.html",
        {
            "form": form,
            "formset": formset,
            "category": category,
            "preview": _preview(category, definitions),
            "previewed": previewing,
        },
        status=400 if data is not None and not previewing else 200,
    )


def _preview(category: ViolationCategory, definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """The category's section of the violation form, drawn from ``definitions``."""
    shown = ViolationCategory(
        code=category.code,
        name_en=category.name_en,
        name_lt=category.name_lt,
        field_definitions=definitions,
    )
    return category_field_groups([shown], {}, category.code, {})[0]
