"""Input cleaning for what a case holds: documents, notes, events, tasks, requests."""

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.forms.investigations import PersonChoiceField
from cases.models import Agency, AssistanceDirection, AssistanceStatus, Case, CaseDocument
from cases.services.case_content import DESCRIPTION_MAX, NOTE_MAX, case_document_max_bytes
from cases.services.case_work import SUBJECT_MAX, AssistanceInput
from portal.lib.timefmt import DATETIME_LOCAL


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_document_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, JPEG, PNG, Word, Excel or OpenDocument text, at most %(limit)d MB; kept "
            "exactly as sent, with its SHA-256."
        ) % {"limit": case_document_max_bytes() // 2**20}


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


def _when_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("What happened"), max_length=200)
    starts_at = _when_field(_("When (or from)"))
    ends_at = _when_field(_("Until (for a period)"), required=False)
    place_description = forms.CharField(label=_("Place"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_event_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_lat = data.get("latitude") is not None
        has_lon = data.get("longitude") is not None
        if has_lat != has_lon:
            self.add_error(
                "longitude" if has_lat else "latitude",
                gettext("Give both latitude and longitude, or neither."),
            )
        return data

    def place(self) -> Point | None:
        data = self.cleaned_data
        if data.get("latitude") is None or data.get("longitude") is None:
            return None
        return Point(data["longitude"], data["latitude"], srid=4326)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = PersonChoiceField(label=_("Assignee"), queryset=None, required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_task_%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]  # a ModelChoiceField


class AssistanceForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=AssistanceDirection.choices)
    agency = forms.ChoiceField(label=_("Agency"), choices=Agency.choices)
    agency_name = forms.CharField(label=_("Agency name"), max_length=200, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_("E.g. Naples II Convention, Art. 10; Regulation (EC) No 515/97."),
    )
    subject = forms.CharField(
        label=_("What was asked"), max_length=SUBJECT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    their_reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    sent_on = forms.DateField(
        label=_("Sent on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(
        label=_("Answer due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=AssistanceStatus.choices)
    answer_document = forms.ModelChoiceField(
        label=_("Answer (a document of the case)"),
        queryset=CaseDocument.objects.none(),
        required=False,
        empty_label=_("No answer attached"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer_document"].queryset = case.documents.order_by("id")  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean_agency_name(self) -> str:
        name: str = self.cleaned_data.get("agency_name", "")
        if self.data.get("agency") == Agency.OTHER and not name.strip():
            raise ValidationError(gettext("Name the agency."))
        return name

    def to_input(self) -> AssistanceInput:
        data = self.cleaned_data
        return AssistanceInput(
            direction=data["direction"],
            agency=data["agency"],
            agency_name=data.get("agency_name") or "",
            legal_basis=data["legal_basis"],
            subject=data["subject"],
            their_reference=data.get("their_reference") or "",
            sent_on=data.get("sent_on"),
            due_on=data.get("due_on"),
            status=data["status"],
            answer_document=data.get("answer_document"),
        )


class RegisterFilterForm(forms.Form):
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
