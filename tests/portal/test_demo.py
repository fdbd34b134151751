"""`manage.py seed_demo`: one account per role, codes for the roles that need them, and
nothing twice when run again."""

import io
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditAction, AuditRecord, OrgUnit, User

DEMO_PASSWORD = "demo-Password-for-tests-42"
EXPECTED_ROLES = {
    "officer": ["officer"],
    "dispatcher": ["dispatcher"],
    "analyst": ["analyst"],
    "admin": ["administrator"],
}


@pytest.fixture
def seed(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)

    def run() -> str:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


def otpauth_by_account(output: str) -> dict[str, str]:
    """{username: otpauth URI} from the command's output (a URI follows its account)."""
    found: dict[str, str] = {}
    account = ""
    for line in output.splitlines():
        if match := re.match(r"^  (\w+)\s", line):
            account = match.group(1)
        if match := re.search(r"TOTP: (otpauth://\S+)", line):
            found[account] = match.group(1)
    return found


def test_seed_demo_creates_one_account_per_role_with_the_given_password(seed):
    output = seed()

    for username, roles in EXPECTED_ROLES.items():
        user = User.objects.get(username=username)
        assert sorted(user.groups.values_list("name", flat=True)) == roles
        assert user.check_password(DEMO_PASSWORD)
        assert user.org_unit is not None
        assert f"{username} " in output
    assert f"password:   {DEMO_PASSWORD}" in output
    assert AuditRecord.objects.filter(action=AuditAction.CREATE).count() == 4


def test_seed_demo_prints_codes_for_the_analyst_and_the_administrator_only(seed):
    output = seed()

    uris = otpauth_by_account(output)
    assert set(uris) == {"analyst", "admin"}
    assert output.count("otpauth://") == 2
    for username, uri in uris.items():
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert uri == device.config_url
    assert not TOTPDevice.objects.filter(user__username__in=["officer", "dispatcher"]).exists()


def test_seed_demo_run_twice_creates_nothing_twice(seed):
    first = seed()
    counts = (User.objects.count(), OrgUnit.objects.count(), TOTPDevice.objects.count())

    second = seed()

    assert (User.objects.count(), OrgUnit.objects.count(), TOTPDevice.objects.count()) == counts
    assert counts == (4, 7, 2)
    assert second.count("(exists)") == 4
    assert "(created)" not in second
    assert otpauth_by_account(second) == otpauth_by_account(first)
    assert not AuditRecord.objects.filter(action=AuditAction.UPDATE).exists()


def test_seed_demo_with_a_new_password_resets_it_and_audits_the_reset(seed, monkeypatch):
    seed()
    monkeypatch.setenv("DEMO_PASSWORD", "another-Demo-password-43")

    seed()

    analyst = User.objects.get(username="analyst")
    assert analyst.check_password("another-Demo-password-43")
    resets = AuditRecord.objects.filter(action=AuditAction.UPDATE, object_type="portal.user")
    assert sorted(resets.values_list("object_repr", flat=True)) == sorted(EXPECTED_ROLES)
    assert {record.changes["password"] for record in resets} == {"reset"}
