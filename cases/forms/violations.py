"""Forms of the violation pages. They check shape; the services check meaning."""

import uuid
from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    LocationSource,
    ViolationCategory,
    ViolationStatus,
)
from cases.selectors.violations import ViolationFilter
from cases.services.categories import field_label
from cases.services.violations import (
    NARRATIVE_MAX,
    ORIGIN_PATTERN,
    PLACE_MAX,
    ViolationInput,
)
from portal.lib.coordinates import CoordinateError, CoordinateSystem, parse_coordinates
from portal.lib.language import is_lithuanian
from portal.lib.timefmt import DATETIME_LOCAL
from portal.models import OrgUnit


class ViolationForm(forms.Form):
    """Step one, on the phone: what, when, where. Goods, people, vehicles and photos are
    added on the violation's page once the draft exists."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ViolationCategory.objects.filter(is_active=True),
        to_field_name="code",
        # Chips (radio buttons), one tap each at every width instead of a list to open
        # and choose from. Nothing chosen until the officer chooses: a preselected first
        # category was saved unread on many drafts.
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the category of the violation.")},
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    # Generated when the form is first shown; a re-sent form (double tap, lost
    # connection, the offline outbox) carries the same key and creates nothing twice.
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Where the form was opened from, carried through unchanged and announced with the
    # new violation by the service (cases.signals.violation_logged), e.g.
    # "dispatch.task:42". Opaque to cases: the app that put it there recognises it.
    origin = forms.RegexField(
        required=False, max_length=100, regex=ORIGIN_PATTERN, widget=forms.HiddenInput
    )
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    location_source = forms.ChoiceField(
        required=False, choices=[("", ""), *LocationSource.choices], widget=forms.HiddenInput
    )
    coordinate_system = forms.ChoiceField(
        label=_("Coordinate format"), choices=CoordinateSystem.choices, required=False, initial="dd"
    )
    coordinates = forms.CharField(
        label=_("Coordinates"),
        required=False,
        max_length=100,
        help_text=_("Or use your position, or tap the map."),
        widget=forms.TextInput(attrs={"placeholder": "54.5395, 25.6536", "autocomplete": "off"}),
    )
    location_accuracy_m = forms.IntegerField(
        label=_("Accuracy (m)"), required=False, min_value=0, max_value=100000
    )
    place_description = forms.CharField(label=_("Place"), required=False, max_length=PLACE_MAX)
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outside_area_confirmed = forms.BooleanField(
        label=_("The location is outside the operational area and that is right"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(
            ViolationCategory.objects.filter(is_active=True).order_by("sort_order")
        )
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("client_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = (cleaned.get("coordinates") or "").strip()
        if typed:
            try:
                point = parse_coordinates(typed, cleaned.get("coordinate_system") or "dd")
            except CoordinateError as error:
                self.add_error("coordinates", str(error))
            else:
                cleaned["latitude"], cleaned["longitude"] = point.y, point.x
                if cleaned.get("location_source") not in (
                    LocationSource.MAP,
                    LocationSource.GPS,
                    LocationSource.EXIF,
                ):
                    cleaned["location_source"] = LocationSource.TYPED
        return cleaned

    def detail_values(self, category: ViolationCategory) -> dict[str, Any]:
        """The category's own fields, posted as d_<category>_<field>."""
        prefix = f"d_{category.code}_"
        values: dict[str, Any] = {}
        for definition in category.field_definitions:
            key = prefix + definition["name"]
            if definition.get("type") == "boolean":
                values[definition["name"]] = key in self.data
            elif key in self.data:
                values[definition["name"]] = self.data.get(key, "")
        return values

    def to_input(self) -> ViolationInput:
        data = self.cleaned_data
        location = None
        if data.get("latitude") is not None and data.get("longitude") is not None:
            location = Point(data["longitude"], data["latitude"], srid=4326)
        return ViolationInput(
            occurred_at=data["occurred_at"],
            category=data["category"],
            location=location,
            location_accuracy_m=data.get("location_accuracy_m"),
            location_source=data.get("location_source") or (LocationSource.MAP if location else ""),
            place_description=data.get("place_description", ""),
            narrative=data.get("narrative", ""),
            details=self.detail_values(data["category"]),
            outside_area_confirmed=data.get("outside_area_confirmed", False),
            origin=data.get("origin") or "",
        )


# A required choice of a few options is drawn as a row of chips (radio buttons): one tap
# instead of opening a list and choosing. Longer lists, and optional ones (a chip cannot
# be unchosen), stay a list.
CHIPS_AT_MOST = 7


def is_short_choice(definition: dict[str, Any]) -> bool:
    return (
        definition.get("type") == "choice"
        and bool(definition.get("required"))
        and 0 < len(definition.get("choices", [])) <= CHIPS_AT_MOST
    )


def category_field_groups(
    categories: list[ViolationCategory],
    values: dict[str, dict[str, Any]],
    selected: str,
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    """What the template needs to draw each category's own fields. ``values`` holds the
    values of each category by its code: all that was typed is drawn again, also in the
    groups of other categories (the officer may have switched back and forth)."""
    groups = []
    for category in categories:
        fields = []
        own = values.get(category.code, {})
        for definition in category.field_definitions:
            name = definition["name"]
            fields.append(
                {
                    "name": f"d_{category.code}_{name}",
                    "id": f"id_d_{category.code}_{name}",
                    "label": field_label(definition),
                    "type": definition.get("type", "text"),
                    "required": bool(definition.get("required")),
                    "choices": [
                        (choice[0], choice[2] if is_lithuanian() else choice[1])
                        for choice in definition.get("choices", [])
                    ],
                    "value": own.get(name, ""),
                    "error": errors.get(f"details.{name}", "") if category.code == selected else "",
                }
            )
            fields[-1]["chips"] = is_short_choice(definition)
        groups.append(
            {
                "code": category.code,
                "name": category.name,
                "fields": fields,
                "selected": category.code == selected,
            }
        )
    return groups


def category_error_entries(groups: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The errors of the chosen category's own fields, for the summary at the top of the
    form (templates/_form_errors.html)."""
    return [
        {"anchor": item["id"], "label": str(item["label"]), "message": str(item["error"])}
        for group in groups
        if group["selected"]
        for item in group["fields"]
        if item["error"]
    ]


class ViolationFilterForm(forms.Form):
    # The order of the list is no filter: "Filters (n)" on a phone does not count it.
    not_filters = ("sort",)

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=ViolationCategory.objects.order_by("sort_order"),
        to_field_name="code",
        empty_label=_("Any category"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Any unit"),
    )
    mine = forms.BooleanField(label=_("Only those I reported"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ViolationStatus.choices]
    )
    text = forms.CharField(label=_("Text"), required=False, max_length=200)
    bbox = forms.CharField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("reference", _("Reference")),
            ("category", _("Category")),
            ("status", _("Status")),
        ],
    )

    def to_filter(self) -> ViolationFilter:
        """The selector's filter from the cleaned form (call after is_valid())."""
        data = self.cleaned_data
        return ViolationFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            category=data["category"].code if data.get("category") else "",
            unit=data["unit"].pk if data.get("unit") else None,
            status=data.get("status", ""),
            text=data.get("text", ""),
            bbox=data.get("bbox"),
            reported_by_me=bool(data.get("mine")),
        )

    def clean_bbox(self) -> tuple[float, float, float, float] | None:
        raw = self.cleaned_data.get("bbox") or ""
        if not raw:
            return None
        try:
            west, south, east, north = (float(part) for part in raw.split(","))
        except ValueError:
            raise forms.ValidationError(_("The map area is not valid.")) from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise forms.ValidationError(_("The map area is not valid."))
        return (west, south, east, north)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
