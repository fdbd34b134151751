"""Demo data for `make run`: the organisation tree and one account per role."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditAction, OrgUnit, OrgUnitKind, User
from portal.roles import Role
from portal.services.accounts import user_create
from portal.services.audit import audit_record
from portal.two_factor import two_factor_required

ORG_TREE = [
    # code, name, kind, parent code
    ("hq", "Customs Criminal Service", OrgUnitKind.HEADQUARTERS, None),
    ("analysis", "Intelligence Analysis Division", OrgUnitKind.DEPARTMENT, "hq"),
    ("operations", "Operations Centre", OrgUnitKind.DEPARTMENT, "hq"),
    # A mobile unit's organisational unit is named by its place: the portal shows the
    # unit as "MED-1 · Medininkai" (call sign · name, dispatch.models.MobileUnit.label).
    ("mobile-vilnius", "Vilnius", OrgUnitKind.MOBILE_UNIT, "operations"),
    ("mobile-medininkai", "Medininkai", OrgUnitKind.MOBILE_UNIT, "operations"),
    ("mobile-klaipeda", "Klaipėda Port", OrgUnitKind.MOBILE_UNIT, "operations"),
    ("post-medininkai", "Medininkai Road Border Post", OrgUnitKind.CUSTOMS_POST, "hq"),
]


DEMO_ACCOUNTS = [
    # username, first, last, roles, unit code
    ("officer", "Tomas", "Petrauskas", [Role.OFFICER], "mobile-medininkai"),
    ("dispatcher", "Rūta", "Kazlauskienė", [Role.DISPATCHER], "operations"),
    ("analyst", "Jonas", "Jankauskas", [Role.ANALYST], "analysis"),
    ("admin", "Aistė", "Vasiliauskienė", [Role.ADMINISTRATOR], "hq"),
]

# Heads of the demo's units (head of unit may enrol their people in training); a head an
# administrator chose is kept.
DEMO_HEADS = {"hq": "admin", "analysis": "analyst", "operations": "dispatcher"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    roles: list[str]
    created: bool
    otpauth_uri: str | None


# The names the demo gave the mobile units' organisational units before, which made
# one unit read as two ("Mobile Unit Medininkai" here, "MED-1" there): renamed when
# found unchanged; a name an administrator chose is kept.
FORMER_NAMES = {
    "Mobile Unit Vilnius-1": "Vilnius",
    "Mobile Unit Medininkai": "Medininkai",
    "Mobile Unit Klaipėda Port": "Klaipėda Port",
}


def _org_tree() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in ORG_TREE:
        unit, _created = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": units.get(parent or "")}
        )
        if FORMER_NAMES.get(unit.name) == name:
            unit.name = name
            unit.save(update_fields=["name"])
        units[code] = unit
    return units


@transaction.atomic
def demo_seed(*, password: str) -> list[DemoAccount]:
    """Create what is missing; an existing account keeps its data but gets ``password``
    (a changed password is audited like any other change to an account)."""
    units = _org_tree()
    accounts = []
    for username, first, last, roles, unit_code in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                roles=roles,
                org_unit=units[unit_code],
                first_name=first,
                last_name=last,
                email=f"{username}@customs.example",
            )
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=user,
                changes={"password": "reset"},
                reason="seed_demo",
            )
        uri = None
        if two_factor_required(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(
                    user=user, name="Demo authenticator", confirmed=True
                )
            uri = device.config_url
        accounts.append(DemoAccount(username, [r.value for r in roles], created, uri))
    for code, username in DEMO_HEADS.items():
        unit = units[code]
        if unit.head_id is None:
            unit.head = User.objects.get(username=username)
            # Like the demo's units themselves (_org_tree), seeded without an audit record.
            unit.save(update_fields=["head"])
    return accounts


def demo_password_generate() -> str:
    return secrets.token_urlsafe(12)
