"""The form of the notice page. It checks shape (lengths, a date, numbers); the service
(dispatch/services/notices.py) checks meaning (an expiry in the future, addressees, a
place in the operational area, a violation the sender may see)."""

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.forms.common import (
    UnitsByNameField,
    latitude_field,
    longitude_field,
    point_of,
    point_pair_clean,
    units_by_name,
)
from dispatch.models import NoticePriority
from dispatch.services.notices import BODY_MAX, NO_ADDRESSEE, TITLE_MAX, TWO_ADDRESSEES, NoticeInput
from portal.lib.timefmt import DATETIME_LOCAL, supported_date


class UnitChoiceField(UnitsByNameField):
    """Each unit by its one name and what it is doing now, "MED-1 · Medininkai · Available"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} · {obj.get_status_display()}"


class NoticeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Give the notice a title."),
            "max_length": _("Keep the title to 200 characters or fewer."),
        },
        help_text=_("What the units must know, in a few words: it is what the phone shows first."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Keep the text to 4,000 characters or fewer.")},
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=NoticePriority.choices,
        initial=NoticePriority.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent notices stand out in red on the officers' phones."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        validators=[supported_date],
        help_text=_("Leave empty for a notice that stays until it is withdrawn."),
    )
    all_units = forms.BooleanField(
        label=_("All units"),
        required=False,
        help_text=_("Every mobile unit, also those added later while the notice is active."),
    )
    units = UnitChoiceField(
        label=pgettext_lazy("mobile unit", "Units"),
        queryset=units_by_name(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("One of the units chosen no longer exists; choose again."),
            "invalid_pk_value": _("One of the units chosen no longer exists; choose again."),
        },
    )
    latitude = latitude_field(_("Latitude"))
    longitude = longitude_field(_("Longitude"))
    violation = forms.CharField(
        label=_("Linked violation"),
        required=False,
        max_length=20,
        help_text=_("The reference of the violation the notice is about, e.g. V-2026-000123."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        point_pair_clean(self, cleaned, "latitude", "longitude")
        # The service decides too; said here as well so that every problem of the page
        # is named at once.
        if "units" not in self.errors:
            chosen = bool(cleaned.get("units"))
            if cleaned.get("all_units") and chosen:
                self.add_error("units", TWO_ADDRESSEES)
            elif not cleaned.get("all_units") and not chosen:
                self.add_error("units", NO_ADDRESSEE)
        return cleaned

    def location(self) -> Point | None:
        return point_of(self.cleaned_data, "latitude", "longitude")

    def to_input(self) -> NoticeInput:
        data = self.cleaned_data
        return NoticeInput(
            title=data["title"],
            body=data.get("body") or "",
            priority=data["priority"],
            expires_at=data.get("expires_at"),
            all_units=bool(data.get("all_units")),
            unit_ids=[unit.pk for unit in data.get("units") or []],
            location=self.location(),
            violation_reference=data.get("violation") or "",
        )

    # Where a service's problem with a field is shown on this form.
    SERVICE_FIELDS = {"location": "latitude"}
