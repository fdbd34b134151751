"""`seed_dispatch_demo` and the patrol simulator: demo units that move inside their
zones, tasks to look at, and nothing twice when run again."""

import io
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from dispatch.models import MobileUnit, Notice, PositionReport, Shift, Task
from dispatch.services.demo import DEMO_UNITS, DEMO_ZONES, route_position
from portal.services.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo_seed(password="demo-Password-for-tests-42")
    call_command("seed_dispatch_demo", stdout=io.StringIO())


def test_demo_units_have_positions_shifts_and_tasks(seeded):
    units = MobileUnit.objects.order_by("call_sign")

    assert [u.call_sign for u in units] == sorted(d.call_sign for d in DEMO_UNITS)
    assert all(u.last_position is not None for u in units)
    now = timezone.now()
    on_shift = Shift.objects.filter(starts_at__lte=now, ends_at__gt=now)
    assert {s.unit.call_sign for s in on_shift} == {d.call_sign for d in DEMO_UNITS}
    assert PositionReport.objects.count() >= 3 * 200  # 20 minutes every 5 s
    assert Task.objects.filter(status="new").exists()
    assert Task.objects.filter(status="assigned", unit__call_sign="VLN-1").exists()
    assert Task.objects.filter(status="completed").count() >= 10
    assert Notice.objects.filter(all_units=True, withdrawn_at__isnull=True).exists()


def test_running_the_seed_again_creates_nothing(seeded):
    counts = (MobileUnit.objects.count(), Shift.objects.count(), Task.objects.count())
    out = io.StringIO()

    call_command("seed_dispatch_demo", stdout=out)

    assert (MobileUnit.objects.count(), Shift.objects.count(), Task.objects.count()) == counts
    assert "created" not in out.getvalue()


def test_the_seed_explains_when_the_organisation_is_missing():
    out = io.StringIO()

    call_command("seed_dispatch_demo", stdout=out)

    assert "run seed_demo first" in out.getvalue()
    assert not MobileUnit.objects.exists()


@pytest.mark.parametrize("demo", DEMO_UNITS, ids=lambda d: d.call_sign)
def test_every_demo_route_stays_inside_its_zone(demo):
    ring = DEMO_ZONES[demo.zone][1]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    start = timezone.now()
    for minute in range(0, 120, 3):
        lon, lat, heading = route_position(demo, start + timedelta(minutes=minute))
        assert min(lons) <= lon <= max(lons)
        assert min(lats) <= lat <= max(lats)
        assert 0 <= heading < 360


def test_the_simulator_moves_the_units(seeded):
    before = {u.call_sign: u.last_position for u in MobileUnit.objects.all()}

    call_command("simulate_patrols", steps=1, stdout=io.StringIO())

    after = {u.call_sign: u.last_position for u in MobileUnit.objects.all()}
    for call_sign, old in before.items():
        new = after[call_sign]
        assert isinstance(old, Point)
        assert isinstance(new, Point)
        assert new.distance(old) > 0
