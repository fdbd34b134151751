"""Roles are auth groups whose permissions every app declares; the core's share here."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.models import User
from portal.roles import PORTAL_ROLE_PERMISSIONS, Role, role_permissions_sync
from tests.factories import UserFactory


def portal_perms(user) -> set[str]:
    return {perm for perm in user.get_all_permissions() if perm.startswith("portal.")}


def test_the_four_role_groups_exist_after_migrations(db):
    names = set(Group.objects.values_list("name", flat=True))

    assert {"officer", "dispatcher", "analyst", "administrator"} <= names
    assert {role.value for role in Role} == {"officer", "dispatcher", "analyst", "administrator"}


def test_an_administrator_adds_and_changes_users_but_cannot_delete_them(administrator):
    assert administrator.has_perm("portal.add_user")
    assert administrator.has_perm("portal.change_user")
    assert administrator.has_perm("portal.view_user")
    assert not administrator.has_perm("portal.delete_user")
    assert (
        not Group.objects.get(name="administrator")
        .permissions.filter(codename="delete_user")
        .exists()
    )


def test_an_administrator_views_and_exports_the_audit_trail(administrator, client_for):
    assert administrator.has_perms(["portal.view_auditrecord", "portal.export_auditrecord"])
    client = client_for(administrator)

    assert client.get(reverse("portal:audit-list")).status_code == 200
    assert client.get(reverse("portal:audit-export")).status_code == 200


@pytest.mark.parametrize("persona", ["analyst", "officer", "dispatcher"])
def test_only_the_administrator_views_the_audit_trail(persona, request, client_for):
    user = request.getfixturevalue(persona)

    assert not user.has_perm("portal.view_auditrecord")
    assert not user.has_perm("portal.export_auditrecord")
    assert client_for(user).get(reverse("portal:audit-list")).status_code == 403


def test_an_officer_holds_exactly_what_the_portal_declares_for_officers(officer):
    assert portal_perms(officer) == {"portal.view_orgunit"}
    assert set(PORTAL_ROLE_PERMISSIONS[Role.OFFICER]) == {"portal.view_orgunit"}
    assert not officer.has_perm("portal.view_user")


def test_a_user_with_two_roles_holds_the_union_of_both(officer, analyst, administrator):
    both: User = UserFactory.create(username="officer_admin", roles=["officer", "administrator"])

    assert both.get_all_permissions() == (
        officer.get_all_permissions() | administrator.get_all_permissions()
    )
    assert both.get_all_permissions() > officer.get_all_permissions()
    assert both.has_perms(["portal.view_orgunit", "portal.view_auditrecord"])
    assert not both.has_perm("portal.delete_user")


def test_syncing_the_roles_removes_a_permission_granted_by_hand(administrator):
    group = Group.objects.get(name="administrator")
    group.permissions.add(Permission.objects.get(codename="delete_user"))

    role_permissions_sync()

    assert not group.permissions.filter(codename="delete_user").exists()
    assert group.permissions.filter(codename="add_user").exists()
