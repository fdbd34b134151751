"""The search box and its purpose (the audit keeps both), and the chosen facets."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.lib.search import PURPOSE_MAX, QUERY_MAX, has_searchable
from cases.selectors.search import SearchQuery

# Pages beyond the ranked matches (CANDIDATE_CAP / PER_PAGE) are never offered.
PAGE_MAX = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        strip=True,
        help_text=_(
            'Words in any order; "exact phrase"; -word leaves out. Names are also found '
            "misspelt or in another alphabet."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        strip=True,
        help_text=_("Why you search: the audit trail keeps it with the search."),
    )
    kind = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    year = forms.IntegerField(
        required=False, min_value=1900, max_value=2100, widget=forms.HiddenInput
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=PAGE_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        if not text:
            raise forms.ValidationError(_("Type what to search for."), code="required")
        if len(text) > QUERY_MAX:
            raise forms.ValidationError(
                _("Keep the search under %(max)s characters (it has %(count)s).")
                % {"max": QUERY_MAX, "count": len(text)},
                code="max_length",
            )
        if not has_searchable(text):
            raise forms.ValidationError(
                _("Type at least one letter or digit: punctuation alone finds nothing."),
                code="invalid",
            )
        return text

    def clean_purpose(self) -> str:
        purpose: str = self.cleaned_data["purpose"]
        if not purpose:
            raise forms.ValidationError(
                _(
                    "Say why you are searching (a case number, a request): "
                    "the audit trail keeps it."
                ),
                code="required",
            )
        if len(purpose) > PURPOSE_MAX:
            raise forms.ValidationError(
                _("Keep the purpose under %(max)s characters (it has %(count)s).")
                % {"max": PURPOSE_MAX, "count": len(purpose)},
                code="max_length",
            )
        return purpose

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind and kind not in self.kinds:
            raise forms.ValidationError(_("Not a type you may search."), code="invalid")
        return kind

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            text=data["q"],
            kind=data["kind"],
            status=data["status"],
            year=data["year"],
            page=data["page"] or 1,
        )
