"""Administration of violation categories."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.categories import CategoryForm
from cases.models import ViolationCategory
from cases.services.categories import category_update
from portal.access import permission_required
from portal.models import User


@permission_required("cases.view_violationcategory", "cases.change_violationcategory")
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    categories = ViolationCategory.objects.order_by("sort_order", "code")
    return render(request, "cases/category_list.html", {"categories": categories})


@permission_required("cases.view_violationcategory", "cases.change_violationcategory")
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    category = get_object_or_404(ViolationCategory, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in ["name_en", "name_lt", "sort_order", "is_active"]
        }
        fields["field_definitions"] = form.cleaned_data["field_definitions_json"]
        category_update(actor=user, category=category, fields=fields)
        messages.success(request, _("Category saved."))
        return redirect("cases:category-list")
    return render(request, "cases/category_form.html", {"form": form, "category": category})
