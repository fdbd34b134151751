"""Input cleaning for a case's timeline page: which kinds of item to show (only the
kinds the reader may see are offered)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.selectors.timeline import TIMELINE_KINDS


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show only"),
        required=False,
        choices=list(TIMELINE_KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kinds: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = cast(forms.MultipleChoiceField, self.fields["kind"])
            field.choices = list(kinds.items())
