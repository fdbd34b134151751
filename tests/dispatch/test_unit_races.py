"""Two administrators registering a device of one unit at once: the duplicate-name
check is decided on what is committed (the unit's row is locked first)."""

from typing import cast

import pytest
from django.core.exceptions import ValidationError

from dispatch.models import MobileUnit, UnitDevice, UnitStatus
from dispatch.services.units import unit_device_add
from portal.models import User
from tests.dispatch.test_task_races import run_against_open_transaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_registrations_of_one_name_at_once_make_one_device(administrator, unit_a):
    unit = MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.OFF_DUTY)
    colleague = cast(User, UserFactory(username="admin_2", roles=["administrator"]))

    outcome = run_against_open_transaction(
        lambda: unit_device_add(actor=administrator, unit=unit, name="Crew tablet"),
        lambda: unit_device_add(actor=colleague, unit=unit, name="crew tablet"),
    )

    assert not isinstance(outcome["holder"], Exception), outcome["holder"]
    refused = outcome["contender"]
    assert isinstance(refused, ValidationError), refused
    assert refused.message_dict["name"] == [
        "MU-A1 already has an active device called “crew tablet”."
    ]
    assert list(UnitDevice.objects.values_list("name", flat=True)) == ["Crew tablet"]
