"""Forms of the administration pages: users and organisational units."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import OrgUnit, OrgUnitKind, User
from portal.roles import ROLE_LABELS, Role
from portal.selectors.users import org_units_named
from portal.services.audit import REASON_MAX
from portal.services.users import FirstSignIn

FIRST_SIGN_IN_CHOICES = [
    (
        FirstSignIn.INVITATION.value,
        _("Invitation link by e-mail: the person sets their own password"),
    ),
    (
        FirstSignIn.ONE_TIME_PASSWORD.value,
        _("One-time password, shown once here: the person must change it at first sign-in"),
    ),
]


class FirstSignInField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("First sign-in"),
            choices=FIRST_SIGN_IN_CHOICES,
            initial=FirstSignIn.INVITATION.value,
            widget=forms.RadioSelect(attrs={"class": "choice-list"}),
            **kwargs,
        )


ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class OrgUnitChoiceField(forms.ModelChoiceField):
    """Organisational units by their one name (``OrgUnit.label``): a mobile unit is
    "MED-1 · Medininkai" here as on the dispatch pages. The names of all the choices are
    asked for once, when the first is drawn."""

    _names: dict[int, str] | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self._names is None:
            units = list(self.queryset)  # type: ignore[arg-type]  # set by every form
            org_units_named(units=units)
            self._names = {unit.pk: unit.label for unit in units}
        return self._names.get(obj.pk, str(obj))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *ROLE_CHOICES]
    )
    org_unit = OrgUnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrgUnit.objects.order_by("name"),
        empty_label=_("Any unit"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Active and inactive")),
            ("active", _("Active")),
            ("inactive", _("Inactive")),
            ("locked", _("Locked out of signing in")),
            ("no_2fa", _("Two-factor required, not set up")),
        ],
    )


class UserProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "email",
            "badge_number",
            "phone",
            "org_unit",
            "is_active",
        ]
        # Django's own help says "vartotojas" and "delete"; the portal never deletes a
        # person (the audit trail names them) and says "naudotojas".
        help_texts = {
            "is_active": _(
                "A person who leaves is deactivated, never deleted: they can no longer sign "
                "in, and their records and history stay."
            ),
        }
        field_classes = {"org_unit": OrgUnitChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.pk:
            self.initial.setdefault("roles", sorted(self.instance.held_role_names()))

    def selected_roles(self) -> list[Role]:
        return [Role(value) for value in self.cleaned_data.get("roles", [])]

    def profile_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UserCreateForm(UserProfileForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only.")},
    )
    first_sign_in = FirstSignInField()

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "badge_number",
        "phone",
        "org_unit",
        "roles",
        "first_sign_in",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]  # a new person is active

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def profile_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def chosen_first_sign_in(self) -> FirstSignIn:
        return FirstSignIn(self.cleaned_data["first_sign_in"])


class UserImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One person per row, under the header row of the template file."),
    )
    first_sign_in = FirstSignInField()

    def chosen_first_sign_in(self) -> FirstSignIn:
        return FirstSignIn(self.cleaned_data["first_sign_in"])


class UserImportJobForm(forms.Form):
    """The parameters of a bulk creation job, set by the import page once the file is
    checked and kept (never typed by a person): where the file is kept, its hash, the
    name it came under, how people first sign in, how many rows it has."""

    file = forms.RegexField(
        label=_("Stored file"), regex=r"^private/user-imports/\d+/[0-9a-f]{32}\.(csv|xlsx)$"
    )
    sha256 = forms.RegexField(label=_("SHA-256"), regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(label=_("File"), max_length=200)
    first_sign_in = forms.ChoiceField(label=_("First sign-in"), choices=FIRST_SIGN_IN_CHOICES)
    rows = forms.IntegerField(label=_("Rows"), min_value=1)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. phone lost, ticket 1234")}),
    )


class TwoFactorResetForm(ReasonForm):
    """The reason an administrator gives for removing a person's two-factor device."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_reset_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for the reset")
        self.fields["reason"].error_messages["required"] = _("Give a reason for the reset.")


class UnlockForm(ReasonForm):
    """The reason an administrator gives for lifting a sign-in lockout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_unlock_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for lifting the lockout")
        self.fields["reason"].error_messages["required"] = _(
            "Give a reason for lifting the lockout."
        )


class PasswordChangeRequireForm(ReasonForm):
    """The reason an administrator gives for making a person choose a new password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_password_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason for the password change")
        self.fields["reason"].error_messages["required"] = _(
            "Give a reason for the password change."
        )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "parent", "head", "is_active"]
        field_classes = {"parent": OrgUnitChoiceField, "head": UserChoiceField}
        help_texts = {
            "head": _("Enrols the members of this unit and its sub-units in training."),
            "parent": _("Moving a unit moves its sub-units and members with it."),
            "is_active": _(
                "A unit is deactivated only when it has no active members and no active sub-units."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = OrgUnit.objects.filter(is_active=True).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        heads = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["head"].queryset = heads  # type: ignore[attr-defined]
        self.fields["kind"].initial = OrgUnitKind.MOBILE_UNIT
        if self.instance.pk:
            self.fields["code"].disabled = True

    def unit_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ["name", "kind", "parent", "head", "is_active"]
        }
