"""Template filters of the violation pages."""

from django import template
from django.utils.translation import gettext

from cases.models import Violation
from cases.services.categories import field_label
from portal.lib.language import is_lithuanian

register = template.Library()


@register.filter
def detail_rows(violation: Violation) -> list[tuple[str, str]]:
    """(label, shown value) for each category fact the violation carries."""
    details = violation.details or {}
    rows = []
    for definition in violation.category.field_definitions:
        if definition["name"] not in details:
            continue
        value = details[definition["name"]]
        if definition.get("type") == "choice":
            labels = {c[0]: c for c in definition.get("choices", [])}
            choice = labels.get(value)
            value = (choice[2] if is_lithuanian() else choice[1]) if choice else value
        elif definition.get("type") == "boolean":
            value = gettext("yes") if value else gettext("no")
        rows.append((field_label(definition), str(value)))
    return rows
