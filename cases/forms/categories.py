"""The category form of the administrators' category page."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ViolationCategory


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

    def clean_field_definitions_json(self) -> Any:
        """The JSON parsed; what it must contain is checked by the service
        (cases.services.categories.field_definitions_validate, through category_update)."""
        try:
            value = json.loads(self.cleaned_data["field_definitions_json"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON: %(problem)s (line %(line)d).")
                % {"problem": error.msg, "line": error.lineno}
            ) from error
        return value
