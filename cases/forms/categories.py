"""The category form of the administrators' category page: the category's names and
order, and its own fields one row each (a formset), never as JSON. The definitions the
rows make are checked once more by the service
(cases.services.categories.field_definitions_validate, through category_update)."""

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ViolationCategory

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
TYPE_CHOICES = [
    ("text", gettext_lazy("Text")),
    ("integer", gettext_lazy("Whole number")),
    ("decimal", gettext_lazy("Number with decimals")),
    ("choice", gettext_lazy("Choice from a list")),
    ("boolean", gettext_lazy("Yes or no (check box)")),
    ("country", gettext_lazy("Country (two-letter code)")),
    ("currency", gettext_lazy("Currency (three-letter code)")),
]
NUMBER_TYPES = {"integer", "decimal"}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ViolationCategory
        fields = ["name_en", "name_lt", "sort_order", "is_active"]


class CategoryFieldForm(forms.Form):
    """One field of the category's section of the violation form."""

    label_en = forms.CharField(label=gettext_lazy("Label in English"), max_length=100)
    label_lt = forms.CharField(label=gettext_lazy("Label in Lithuanian"), max_length=100)
    name = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=40,
        help_text=gettext_lazy(
            "Small letters, digits and _, e.g. brand. The value is saved under it: "
            "changing the key of a field in use leaves earlier values under the old key."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=TYPE_CHOICES, initial="text")
    required = forms.BooleanField(
        label=gettext_lazy("Required before the violation is submitted"), required=False
    )
    choices = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        help_text=gettext_lazy(
            "For a choice from a list: one option a line, as key | English | Lithuanian, "
            "e.g. road | Road | Kelias."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    min = forms.DecimalField(label=gettext_lazy("Smallest number"), required=False)
    max = forms.DecimalField(label=gettext_lazy("Largest number"), required=False)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not KEY_PATTERN.fullmatch(name):
            raise forms.ValidationError(
                _("Use small letters, digits and _, beginning with a letter (e.g. brand).")
            )
        return name

    def clean_choices(self) -> list[list[str]]:
        options: list[list[str]] = []
        for number, line in enumerate(str(self.cleaned_data["choices"]).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("Line %(number)d: write key | English | Lithuanian.") % {"number": number}
                )
            if not KEY_PATTERN.fullmatch(parts[0]):
                raise forms.ValidationError(
                    _("Line %(number)d: the key uses small letters, digits and _.")
                    % {"number": number}
                )
            options.append(parts)
        keys = [option[0] for option in options]
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(_("Each option needs its own key."))
        return options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("type")
        if kind == "choice" and "choices" in cleaned and not cleaned["choices"]:
            self.add_error("choices", _("List the options to choose from."))
        if kind != "choice" and cleaned.get("choices"):
            self.add_error("choices", _("Only a choice from a list has options."))
        if kind not in NUMBER_TYPES:
            for bound in ("min", "max"):
                if cleaned.get(bound) is not None:
                    self.add_error(bound, _("Only a number has a smallest and largest value."))
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("The largest number is below the smallest."))
        return cleaned

    def definition(self) -> dict[str, Any]:
        """The field's definition as the violation form and the API read it."""
        data = self.cleaned_data
        definition: dict[str, Any] = {
            "name": data["name"],
            "label_en": data["label_en"].strip(),
            "label_lt": data["label_lt"].strip(),
            "type": data["type"],
            "required": bool(data.get("required")),
        }
        if data["type"] == "choice":
            definition["choices"] = data["choices"]
        for bound in ("min", "max"):
            if data.get(bound) is not None:
                definition[bound] = _number(data[bound])
        return definition


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def initial_of(definition: dict[str, Any]) -> dict[str, Any]:
    """A saved definition as a row of the form."""
    return {
        "name": definition.get("name", ""),
        "label_en": definition.get("label_en", ""),
        "label_lt": definition.get("label_lt", ""),
        "type": definition.get("type", "text"),
        "required": bool(definition.get("required")),
        "choices": "\n".join(" | ".join(choice) for choice in definition.get("choices", [])),
        "min": definition.get("min"),
        "max": definition.get("max"),
    }


class BaseCategoryFieldFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["ORDER"].widget.attrs.update({"min": 1, "data-field-order": ""})
        form.fields["DELETE"].label = _("Remove this field")

    def item_label(self, index: int) -> str:
        """How the error summary names the row (templates/_form_errors.html)."""
        return _("Field %(number)d") % {"number": index + 1}

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data.get("name")
            if not name:
                continue
            if name in seen:
                form.add_error(
                    "name", _("Another field already has the key %(key)s.") % {"key": name}
                )
            seen.add(name)

    def definitions(self) -> list[dict[str, Any]]:
        """The definitions in the order chosen, removed rows left out."""
        return [form.definition() for form in self.ordered_forms]


CategoryFieldFormSet = forms.formset_factory(
    CategoryFieldForm,
    formset=BaseCategoryFieldFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


def category_field_formset(
    data: Any = None, *, definitions: list[dict[str, Any]]
) -> BaseCategoryFieldFormSet:
    """The rows of ``definitions`` to show, or (``data``) the rows as sent. Rows sent are
    not compared with the saved ones: a row counts when anything is filled in, wherever it
    was moved to (an unchanged row taken for an empty one would be lost)."""
    if data is not None:
        return cast(BaseCategoryFieldFormSet, CategoryFieldFormSet(data, prefix="fields"))
    return cast(
        BaseCategoryFieldFormSet,
        CategoryFieldFormSet(
            initial=[
                {**initial_of(definition), "ORDER": position}
                for position, definition in enumerate(definitions, start=1)
            ],
            prefix="fields",
        ),
    )
