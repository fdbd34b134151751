"""Forms of the training pages: input cleaning only; the rules live in
portal.services.training."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms.users import ROLE_CHOICES, OrgUnitChoiceField
from portal.models import (
    AdministeredArea,
    Course,
    Enrolment,
    EnrolmentResult,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.services.audit import REASON_MAX

QUALIFIES_CHOICES = [
    ("", _("Anything")),
    *[(f"role:{value}", label) for value, label in ROLE_CHOICES],
    *[(f"area:{value}", label) for value, label in AdministeredArea.choices],
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    qualifies = forms.ChoiceField(
        label=_("Qualifies for"), required=False, choices=QUALIFIES_CHOICES
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Active and inactive")),
            ("active", _("Active")),
            ("inactive", _("Inactive")),
        ],
    )


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.title}"


class CourseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.title}"


class CourseForm(forms.ModelForm):
    prerequisites = CourseMultipleChoiceField(
        label=_("Prerequisites"),
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A person enrols only while holding a valid certificate of each."),
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "description",
            "qualifies_role",
            "qualifies_area",
            "validity_months",
            "prerequisites",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "code": _("Letters, digits, hyphens; printed on certificates. Cannot change later."),
            "qualifies_role": _(
                "The training gate: while an active course qualifies for a role, the role "
                "is in force only for people holding a valid certificate of such a course "
                "or an exemption."
            ),
            "qualifies_area": _(
                "Or: a pass qualifies the person to administer this part of the portal."
            ),
            "validity_months": _("A certificate expires this many months after the pass date."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Course.objects.order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["code"].disabled = True
        self.fields["prerequisites"].queryset = others  # type: ignore[attr-defined]
        role_field = cast(forms.ChoiceField, self.fields["qualifies_role"])
        role_field.choices = [("", _("No role")), *ROLE_CHOICES]
        area_field = cast(forms.ChoiceField, self.fields["qualifies_area"])
        area_field.choices = [("", _("No part of the portal")), *AdministeredArea.choices]

    def _post_clean(self) -> None:
        # The rules (and their messages) are the service's: the form only cleans input.
        pass

    def course_fields(self) -> dict[str, Any]:
        names = [
            "title",
            "description",
            "qualifies_role",
            "qualifies_area",
            "validity_months",
            "is_active",
        ]
        return {name: self.cleaned_data[name] for name in names}


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    course = CourseChoiceField(
        label=_("Course"),
        required=False,
        queryset=Course.objects.order_by("code"),
        empty_label=_("Any course"),
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("Past and upcoming")),
            ("upcoming", _("Upcoming and running")),
            ("past", _("Past")),
        ],
    )


class SessionForm(forms.ModelForm):
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none())

    class Meta:
        model = TrainingSession
        fields = ["course", "starts_on", "ends_on", "trainer", "place", "capacity", "notes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "capacity": _("When the places are taken, further people join the waiting list.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["course"].queryset = Course.objects.filter(pk=self.instance.course_id)  # type: ignore[attr-defined]
            self.fields["course"].disabled = True
        else:
            self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("code")  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def session_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "course"}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.username})"


class EnrolForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person to enrol"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={"required": _("Choose the person to enrol.")},
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_enrol_%s")
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attendance"),
        choices=[("yes", _("Attended")), ("no", _("Did not attend"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose whether the person attended.")},
    )

    def __init__(self, *args: Any, enrolment: Enrolment | None = None, **kwargs: Any) -> None:
        if enrolment is not None:
            kwargs.setdefault("auto_id", f"id_attendance_{enrolment.pk}_%s")
            if enrolment.attended is not None:
                kwargs.setdefault("initial", {"attended": "yes" if enrolment.attended else "no"})
        super().__init__(*args, **kwargs)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            ("", _("Choose")),
            (EnrolmentResult.PASSED, _("Passed")),
            (EnrolmentResult.FAILED, _("Failed")),
        ],
        error_messages={"required": _("Choose passed or failed.")},
    )
    score = forms.DecimalField(
        label=pgettext_lazy("training", "Score"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "min_value": _("The score is between 0 and 100."),
            "max_value": _("The score is between 0 and 100."),
            "invalid": _("Write the score as a number, e.g. 87.5."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.TextInput
    )

    def __init__(self, *args: Any, enrolment: Enrolment | None = None, **kwargs: Any) -> None:
        if enrolment is not None:
            kwargs.setdefault("auto_id", f"id_result_{enrolment.pk}_%s")
            if enrolment.result != EnrolmentResult.PENDING:
                kwargs.setdefault(
                    "initial",
                    {
                        "result": enrolment.result,
                        "score": enrolment.score,
                        "notes": enrolment.notes,
                    },
                )
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=REASON_MAX,
        error_messages={"required": _("Give a reason for withdrawing the person.")},
    )

    def __init__(self, *args: Any, enrolment: Enrolment | None = None, **kwargs: Any) -> None:
        if enrolment is not None:
            kwargs.setdefault("auto_id", f"id_withdraw_{enrolment.pk}_%s")
        super().__init__(*args, **kwargs)


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    course = CourseChoiceField(
        label=_("Course"),
        required=False,
        queryset=Course.objects.order_by("code"),
        empty_label=_("Any course"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("valid", _("Valid")),
            ("expiring", _("Expiring within 60 days")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ],
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=REASON_MAX,
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "ABCD-EFGH-JKMN", "autocomplete": "off"}),
        error_messages={"required": _("Type the code printed on the certificate.")},
    )


# The longest period a report covers: ten years of sessions is still a small table.
REPORT_PERIOD_MAX_DAYS = 3660


class TrainingReportFilterForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"),
        required=False,
        queryset=Course.objects.order_by("code"),
        empty_label=_("Any course"),
    )
    unit = OrgUnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrgUnit.objects.order_by("name"),
        empty_label=_("Any unit"),
        help_text=_("With its sub-units."),
    )
    date_from = forms.DateField(label=_("Sessions from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Sessions to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_from > date_to:
                self.add_error("date_to", _("The end of the period is before its start."))
            elif (date_to - date_from).days > REPORT_PERIOD_MAX_DAYS:
                self.add_error(
                    "date_to", _("A report covers at most ten years: shorten the period.")
                )
        return data


# --- Exemptions from the training gate ---------------------------------------------------
class ExemptionForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True).order_by(
            "last_name", "first_name", "username"
        ),
        empty_label=_("Choose a person"),
        error_messages={"required": _("Choose the person to exempt.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose a role")), *ROLE_CHOICES],
        error_messages={"required": _("Choose the role the exemption is for.")},
    )
    until = forms.DateField(
        label=_("Exempt until"),
        widget=DateInput(),
        help_text=_("Inclusive; at most a year from today."),
        error_messages={
            "required": _("Give the last day of the exemption."),
            "invalid": _("Give the date as YYYY-MM-DD."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the person may act without a valid certificate for now."),
        error_messages={"required": _("Give the reason for the exemption.")},
    )


class ExemptionEndForm(forms.Form):
    end_reason = forms.CharField(
        label=_("Reason for ending"),
        max_length=REASON_MAX,
        error_messages={"required": _("Give the reason for ending the exemption.")},
    )


class ExemptionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Running")), ("ended", _("Ended or over")), ("all", _("All"))],
    )
