from typing import TYPE_CHECKING

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.html import format_html
from django.utils.safestring import SafeString

from portal.access import url_allowed_for
from portal.roles import role_labels

if TYPE_CHECKING:
    from django.forms import BoundField

register = template.Library()


@register.filter
def role_label(name: str) -> str:
    """The translated label of a role name ("officer" -> "Officer" / "Pareigūnas")."""
    labels = role_labels([name])
    return labels[0] if labels else name


@register.simple_tag(takes_context=True)
def link_if_allowed(context: template.Context, url: str, text: object, css: str = "") -> SafeString:
    """``text`` as a link to ``url`` when the signed-in reader may open that page, else
    as plain text (in a span with the same ``css`` class): a name on a page is never a
    link that answers 403 (portal.access.url_allowed_for decides)."""
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    if url_allowed_for(user, str(url or "")):
        if css:
            return format_html('<a href="{}" class="{}">{}</a>', url, css, text)
        return format_html('<a href="{}">{}</a>', url, text)
    if css:
        return format_html('<span class="{}">{}</span>', css, text)
    return format_html("{}", text)


@register.filter
def as_dms(point: object) -> str:
    """A point in degrees, minutes and seconds."""
    from portal.lib.coordinates import point_to_dms

    return point_to_dms(point) if point is not None else ""  # type: ignore[arg-type]


@register.filter
def as_lks94(point: object) -> str:
    """A point in the Lithuanian grid LKS-94 (EPSG:3346), as "x y" metres."""
    from portal.lib.coordinates import point_to_lks94

    if point is None:
        return ""
    easting, northing = point_to_lks94(point)  # type: ignore[arg-type]
    return f"{easting} {northing}"


@register.simple_tag
def error_summary(
    form: object, extra: object = None, formset: object = None
) -> list[dict[str, str]]:
    """The field errors of a form, one entry per message, each with the id of the control
    it belongs to (the anchor of the summary's link) and the field's label. `formset`
    adds the errors of its rows (named by the formset's `item_label(index)` when it has
    one) and its own; `extra` adds entries of fields drawn outside the form class (a
    category's own fields): dicts with "anchor", "label" and "message"."""
    from django import forms

    entries = _form_entries(form, "")
    if isinstance(formset, forms.BaseFormSet) and formset.is_bound:
        item_label = getattr(formset, "item_label", None)
        for index, row in enumerate(formset.forms):
            prefix = f"{item_label(index)}, " if callable(item_label) else ""
            entries += _form_entries(row, prefix)
            entries += [
                {"anchor": "", "label": prefix.rstrip(", "), "message": str(message)}
                for message in row.non_field_errors()
            ]
        entries += [
            {"anchor": "", "label": "", "message": str(message)}
            for message in formset.non_form_errors()
        ]
    for entry in extra or []:  # type: ignore[attr-defined]
        entries.append({key: str(entry.get(key, "")) for key in ("anchor", "label", "message")})
    return entries


def _form_entries(form: object, prefix: str) -> list[dict[str, str]]:
    from django import forms

    entries: list[dict[str, str]] = []
    if isinstance(form, forms.BaseForm) and form.is_bound:
        for name, messages in form.errors.items():
            if name == NON_FIELD_ERRORS or name not in form.fields:
                continue
            field = form[name]
            anchor = "" if field.is_hidden else _field_anchor(field)
            for message in messages:
                entries.append(
                    {"anchor": anchor, "label": f"{prefix}{field.label}", "message": str(message)}
                )
    return entries


def _field_anchor(field: "BoundField") -> str:
    """The id of the control a person types into or chooses with: a group of radio
    buttons or check boxes has none of its own, so its first option."""
    if field.widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0" if field.auto_id else ""
    return str(field.id_for_label or "")


@register.filter
def object_kind(object_type: str) -> str:
    """The kind of an audited object in words ("cases.violation" -> "violation" /
    "pažeidimas"), or the stored name when no model has it any more."""
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)
