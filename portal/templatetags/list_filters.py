"""The filters of a list page, folded on a phone: which are set, and a chip for each.

`{% active_filters form request as active %}` gives one entry per visible filter that is
set, in the form's order: its label, what it is set to in words, and the address of the
same list without it (a chip's "remove"). A form names the fields that are not filters
(the sort order) in `not_filters`; hidden fields (the map's area) are told apart on the
page itself.
"""

from datetime import date
from typing import Any, TypedDict

from django import forms, template
from django.http import HttpRequest
from django.utils.formats import date_format

register = template.Library()


class ActiveFilter(TypedDict):
    label: str
    value: str
    remove_url: str


def _in_words(field: forms.Field, raw: Any, cleaned: Any) -> str:
    """What the filter is set to, as the page's own controls say it."""
    if isinstance(field, forms.BooleanField):
        return ""
    if isinstance(field, forms.ModelChoiceField):
        if cleaned is not None:
            return str(field.label_from_instance(cleaned))
        return str(raw)
    if isinstance(field, forms.ChoiceField):
        # A filter's choices are flat (value, label) pairs, no groups.
        choices: Any = field.choices
        labels = {str(key): str(label) for key, label in choices}
        return labels.get(str(raw), str(raw))
    if isinstance(cleaned, date):
        return date_format(cleaned, "DATE_FORMAT")
    return str(raw)


@register.simple_tag
def active_filters(form: forms.Form, request: HttpRequest) -> list[ActiveFilter]:
    if not form.is_bound:
        return []
    skip = set(getattr(form, "not_filters", ()))
    cleaned = getattr(form, "cleaned_data", {}) if form.is_valid() else {}
    active: list[ActiveFilter] = []
    for bound in form.visible_fields():
        if bound.name in skip:
            continue
        raw = bound.data
        if raw in (None, "", [], False) or (isinstance(raw, str) and not raw.strip()):
            continue
        query = request.GET.copy()
        query.pop(bound.name, None)
        query.pop("page", None)
        encoded = query.urlencode()
        active.append(
            {
                "label": str(bound.label),
                "value": _in_words(bound.field, raw, cleaned.get(bound.name)),
                "remove_url": f"{request.path}?{encoded}" if encoded else request.path,
            }
        )
    return active
