"""Administrators keep the violation categories: names, order, whether they are offered,
and the facts each asks for. A definition is checked before it is saved, so that no
form or report meets a malformed one."""

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ViolationCategory
from portal.models import AuditAction, User
from portal.services.audit import audit_record

FIELD_TYPES = {"text", "integer", "decimal", "choice", "boolean", "country", "currency"}


def field_definitions_validate(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ValidationError(_("The fields must be a list."))
    names: set[str] = set()
    for index, definition in enumerate(value, start=1):
        where = _("Field %(number)d") % {"number": index}
        if not isinstance(definition, dict):
            raise ValidationError(_("%(where)s is not an object.") % {"where": where})
        name = definition.get("name")
        if not isinstance(name, str) or not name.isidentifier():
            raise ValidationError(
                _("%(where)s needs a name made of letters, digits and _.") % {"where": where}
            )
        if name in names:
            raise ValidationError(_("The name %(name)s is used twice.") % {"name": name})
        names.add(name)
        if definition.get("type", "text") not in FIELD_TYPES:
            raise ValidationError(
                _("%(where)s: the type must be one of %(types)s.")
                % {"where": where, "types": ", ".join(sorted(FIELD_TYPES))}
            )
        for label in ("label_en", "label_lt"):
            if not isinstance(definition.get(label), str) or not definition[label].strip():
                raise ValidationError(
                    _("%(where)s needs %(label)s.") % {"where": where, "label": label}
                )
        if definition.get("type") == "choice":
            choices = definition.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(
                    isinstance(choice, list)
                    and len(choice) == 3
                    and all(isinstance(part, str) for part in choice)
                    for choice in choices
                )
            ):
                raise ValidationError(
                    _("%(where)s: list each option as [value, English, Lithuanian].")
                    % {"where": where}
                )
        if not isinstance(definition.get("required", False), bool):
            raise ValidationError(_("%(where)s: required is true or false.") % {"where": where})
    return value


class CategoryForm(forms.ModelForm):
    field_definitions_json = forms.CharField(
        label=gettext_lazy("Fields (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "mono"}),
        help_text=gettext_lazy(
            'A list of {"name", "label_en", "label_lt", "type", "required", "choices"}; '
            "types: text, integer, decimal, choice, boolean, country, currency."
        ),
    )

    class Meta:
        model = ViolationCategory
        fields = ["name_en", "name_lt", "sort_order", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field_definitions_json"].initial = json.dumps(
            self.instance.field_definitions, indent=2, ensure_ascii=False
        )

    def clean_field_definitions_json(self) -> list[dict[str, Any]]:
        try:
            value = json.loads(self.cleaned_data["field_definitions_json"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON: %(problem)s (line %(line)d).")
                % {"problem": error.msg, "line": error.lineno}
            ) from error
        return field_definitions_validate(value)


@transaction.atomic
def category_update(
    *, actor: User, category: ViolationCategory, fields: dict[str, Any]
) -> ViolationCategory:
    category = ViolationCategory.objects.select_for_update().get(pk=category.pk)
    editable = ["name_en", "name_lt", "sort_order", "is_active", "field_definitions"]
    before = {name: getattr(category, name) for name in editable}
    for name in editable:
        if name in fields:
            setattr(category, name, fields[name])
    category.full_clean()
    category.save(update_fields=[name for name in editable if name in fields])
    changes = {
        name: [before[name], getattr(category, name)]
        for name in editable
        if before[name] != getattr(category, name)
    }
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=category, changes=changes)
    return category
