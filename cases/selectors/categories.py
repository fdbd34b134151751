"""Reads of violation categories: reference data, the same for everyone who may see it
(the callers' access rules decide who that is)."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import ViolationCategory


def category_list() -> QuerySet[ViolationCategory]:
    """Every category, withdrawn ones included, in the order forms show them."""
    return ViolationCategory.objects.order_by("sort_order", "code")


def category_list_active() -> QuerySet[ViolationCategory]:
    """The categories a new violation may take, in the order forms show them."""
    return ViolationCategory.objects.filter(is_active=True).order_by("sort_order")


def category_get(*, pk: int) -> ViolationCategory:
    """The category, or 404."""
    category = ViolationCategory.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    return category
