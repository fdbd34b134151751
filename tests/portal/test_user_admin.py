"""Administrators manage users and units; every change is audited; bad input changes nothing."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditRecord, OrgUnit, User
from tests.conftest import totp_device_for

pytestmark = pytest.mark.django_db


def new_user_data(unit, **overrides):
    data = {
        "username": "j.petraitis",
        "first_name": "Jonas",
        "last_name": "Petraitis",
        "email": "j.petraitis@customs.example",
        "badge_number": "LT-4411",
        "phone": "+37060000000",
        "org_unit": unit.pk,
        "roles": ["officer", "dispatcher"],
        "first_sign_in": "one_time_password",
    }
    data.update(overrides)
    return data


def test_administrator_creates_a_user_with_two_roles_and_it_is_audited(
    administrator, unit_a, client_for
):
    response = client_for(administrator).post(reverse("portal:user-create"), new_user_data(unit_a))

    created = User.objects.get(username="j.petraitis")
    assert response.status_code == 200
    one_time_password = response.context["one_time_password"]
    assert one_time_password in response.content.decode()
    assert created.role_names() == {"officer", "dispatcher"}
    assert created.org_unit == unit_a
    assert created.check_password(one_time_password)
    assert created.password_change_required
    record = AuditRecord.objects.get(
        action="create", object_type="portal.user", object_id=str(created.pk)
    )
    assert record.actor == administrator
    assert record.changes["roles"] == ["dispatcher", "officer"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_sign_in": "carrier-pigeon"}, "first_sign_in", "valid choice"),
        ({"username": "bad name!"}, "username", "Letters, digits"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"org_unit": 999999}, "org_unit", "valid choice"),
        ({"roles": ["superhero"]}, "roles", "valid choice"),
    ],
)
def test_bad_user_input_is_refused_with_a_message_and_creates_nothing(
    administrator, unit_a, client_for, overrides, field, message
):
    users_before = User.objects.count()

    response = client_for(administrator).post(
        reverse("portal:user-create"), new_user_data(unit_a, **overrides)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == users_before


def test_a_taken_username_is_refused_whatever_its_case(administrator, officer, client_for):
    response = client_for(administrator).post(
        reverse("portal:user-create"),
        new_user_data(officer.org_unit, username=officer.username.upper()),
    )
    assert "taken" in " ".join(response.context["form"].errors["username"])


def test_administrator_changes_roles_and_unit_and_the_change_is_audited(
    administrator, officer, unit_b, client_for
):
    url = reverse("portal:user-detail", kwargs={"pk": officer.pk})
    data = {
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "email": officer.email,
        "org_unit": unit_b.pk,
        "roles": ["officer", "analyst"],
        "is_active": "on",
    }

    response = client_for(administrator).post(url, data)

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.org_unit == unit_b
    assert officer.role_names() == {"officer", "analyst"}
    record = AuditRecord.objects.filter(action="update", object_id=str(officer.pk)).latest("id")
    assert record.changes["roles"] == [["officer"], ["analyst", "officer"]]
    assert record.changes["org_unit"][1] == str(unit_b)


def test_an_administrator_cannot_deactivate_their_own_account(administrator, client_for):
    url = reverse("portal:user-detail", kwargs={"pk": administrator.pk})
    data = {
        "first_name": administrator.first_name,
        "last_name": administrator.last_name,
        "org_unit": administrator.org_unit_id,
        "roles": ["administrator"],
    }

    response = client_for(administrator).post(url, data)

    assert response.status_code == 200
    assert "cannot deactivate their own account" in str(response.context["form"].errors)
    administrator.refresh_from_db()
    assert administrator.is_active


def test_a_dispatcher_sees_a_user_but_cannot_change_them(dispatcher, officer, client_for):
    url = reverse("portal:user-detail", kwargs={"pk": officer.pk})
    client = client_for(dispatcher)

    page = client.get(url)
    attempt = client.post(
        url, {"first_name": "Changed", "last_name": "X", "roles": ["administrator"]}
    )

    assert page.status_code == 200
    assert b"Save changes" not in page.content
    assert attempt.status_code == 403
    officer.refresh_from_db()
    assert officer.first_name != "Changed"
    assert not officer.groups.filter(name="administrator").exists()


def test_two_factor_reset_removes_the_device_and_records_the_reason(
    administrator, analyst, client_for
):
    totp_device_for(analyst)
    url = reverse("portal:user-two-factor-reset", kwargs={"pk": analyst.pk})

    response = client_for(administrator).post(url, {"reason": "phone lost, ticket 881"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    record = AuditRecord.objects.filter(object_id=str(analyst.pk), action="update").latest("id")
    assert record.reason == "phone lost, ticket 881"


def test_two_factor_reset_without_a_reason_changes_nothing(administrator, analyst, client_for):
    totp_device_for(analyst)
    url = reverse("portal:user-two-factor-reset", kwargs={"pk": analyst.pk})

    client_for(administrator).post(url, {"reason": ""})

    assert TOTPDevice.objects.filter(user=analyst).exists()


def test_unlock_lifts_an_axes_lockout(administrator, officer, client_for):
    AccessAttempt.objects.create(
        username=officer.username, ip_address="10.0.0.1", user_agent="x", failures_since_start=9
    )
    url = reverse("portal:user-unlock", kwargs={"pk": officer.pk})

    response = client_for(administrator).post(url, {"reason": "called the officer"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()


def test_users_list_filters_by_role_and_text(
    administrator, officer, officer_b, dispatcher, client_for
):
    client = client_for(administrator)

    by_role = client.get(reverse("portal:user-list"), {"role": "officer"})
    by_text = client.get(reverse("portal:user-list"), {"q": "officer_b"})

    assert {u.username for u in by_role.context["page"]} == {"officer_a", "officer_b"}
    assert [u.username for u in by_text.context["page"]] == ["officer_b"]


def test_units_page_lists_the_tree_parents_first(administrator, client_for):
    root = OrgUnit.objects.create(code="root", name="Zeta HQ", kind="headquarters")
    OrgUnit.objects.create(code="child", name="Alpha team", kind="mobile_unit", parent=root)

    response = client_for(administrator).get(reverse("portal:unit-list"))

    names = [unit.name for unit in response.context["units"]]
    assert names.index("Zeta HQ") < names.index("Alpha team")


def test_a_unit_cannot_be_moved_under_its_own_sub_unit(administrator, client_for):
    root = OrgUnit.objects.create(code="root", name="HQ", kind="headquarters")
    child = OrgUnit.objects.create(code="child", name="Team", kind="mobile_unit", parent=root)
    url = reverse("portal:unit-edit", kwargs={"pk": root.pk})

    response = client_for(administrator).post(
        url, {"name": "HQ", "kind": "headquarters", "parent": child.pk, "is_active": "on"}
    )

    assert response.status_code == 200
    assert "HQ cannot be placed under Team" in str(response.context["form"].errors)
    root.refresh_from_db()
    assert root.parent is None


def test_administrator_creates_a_unit(administrator, client_for):
    response = client_for(administrator).post(
        reverse("portal:unit-create"),
        {
            "code": "mobile-kena",
            "name": "Mobile Unit Kena",
            "kind": "mobile_unit",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="mobile-kena")
    assert AuditRecord.objects.filter(
        action="create", object_type="portal.orgunit", object_id=str(unit.pk)
    ).exists()


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_a_name_with_invisible_direction_or_zero_width_characters_is_refused(
    administrator, unit_a, client_for, hidden
):
    users_before = User.objects.count()

    response = client_for(administrator).post(
        reverse("portal:user-create"), new_user_data(unit_a, last_name=f"Petr{hidden}aitis")
    )

    assert response.status_code == 200
    assert "invisible characters" in " ".join(response.context["form"].errors["last_name"])
    assert User.objects.count() == users_before


def test_renaming_a_user_with_a_right_to_left_override_changes_nothing(
    administrator, officer, client_for
):
    url = reverse("portal:user-detail", kwargs={"pk": officer.pk})
    before = officer.first_name
    data = {
        "first_name": "Jonas\u202esavonak",
        "last_name": officer.last_name,
        "email": officer.email,
        "org_unit": officer.org_unit_id,
        "roles": ["officer"],
        "is_active": "on",
    }

    response = client_for(administrator).post(url, data)

    assert response.status_code == 200
    assert "invisible characters" in " ".join(response.context["form"].errors["first_name"])
    officer.refresh_from_db()
    assert officer.first_name == before


def test_a_persons_history_names_what_was_done_and_to_what(administrator, officer, client_for):
    """A list of bare "Create · officer" lines says nothing: each line names the record
    (here the violation the officer logged), and who acted when it was someone else."""
    from tests.cases.support import draft_of

    violation = draft_of(officer)

    page = client_for(administrator).get(reverse("portal:user-detail", args=[officer.pk]))

    history = page.content.decode().split('id="history-title"')[1]
    assert violation.reference in history
