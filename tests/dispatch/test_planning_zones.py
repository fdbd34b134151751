"""Patrol zones: drawn on the map, checked on the server (a real, non-crossing polygon of
a sensible size where the units patrol), audited, deactivated rather than deleted."""

import json

import pytest
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.models import PatrolZone
from dispatch.services.planning import ZoneInput, zone_create
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

MEDININKAI = [[25.60, 54.50], [25.70, 54.50], [25.70, 54.60], [25.60, 54.60], [25.60, 54.50]]
# A bow tie: the edges (25.6,54.5)-(25.7,54.6) and (25.7,54.5)-(25.6,54.6) cross.
BOW_TIE = [[25.60, 54.50], [25.70, 54.60], [25.70, 54.50], [25.60, 54.60], [25.60, 54.50]]


def geojson(ring):
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def form_data(**overrides):
    data = {
        "name": "Medininkai east",
        "description": "Road A3 to the crossing point",
        "colour": "#d97706",
        "active": "on",
        "area": geojson(MEDININKAI),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def zone():
    return PatrolZone.objects.create(
        name="Šalčininkai", area=Polygon([tuple(p) for p in MEDININKAI], srid=4326)
    )


def test_a_dispatcher_draws_a_zone_and_it_is_saved_and_audited(dispatcher, client_for):
    response = client_for(dispatcher).post(reverse("dispatch:zone-create"), form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:zone-list")
    zone = PatrolZone.objects.get()
    assert zone.name == "Medininkai east"
    assert zone.colour == "#d97706"
    assert zone.active
    assert zone.created_by == dispatcher
    assert zone.area.num_coords == 5
    record = AuditRecord.objects.get(object_type="dispatch.patrolzone", action="create")
    assert record.actor == dispatcher
    assert record.object_id == str(zone.pk)


def test_a_feature_from_the_drawing_tool_is_accepted(dispatcher, client_for):
    feature = {"type": "Feature", "properties": {}, "geometry": json.loads(geojson(MEDININKAI))}

    client_for(dispatcher).post(
        reverse("dispatch:zone-create"), form_data(area=json.dumps(feature))
    )

    assert PatrolZone.objects.count() == 1


def test_a_self_intersecting_outline_is_refused_with_where_it_crosses(dispatcher, client_for):
    response = client_for(dispatcher).post(
        reverse("dispatch:zone-create"), form_data(area=geojson(BOW_TIE))
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["area"]
    assert "crosses itself near 54.55000, 25.65000" in errors[0]
    assert "crosses itself" in response.content.decode()
    assert not PatrolZone.objects.exists()
    assert not AuditRecord.objects.filter(object_type="dispatch.patrolzone").exists()


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("", "Draw the zone on the map."),
        ("{not json", "The outline is not readable"),
        (json.dumps({"type": "LineString", "coordinates": MEDININKAI}), "as a polygon"),
        (geojson([[25.6, 54.5], [25.7, 54.5], [25.6, 54.5]]), "at least three corners"),
        (geojson([[25.6, 54.5], [25.7, 54.5], [25.7, 54.5], [25.6, 54.5]]), "three corners"),
        (geojson([[25.6, 54.5], ["east", 54.5], [25.7, 54.6], [25.6, 54.5]]), "not valid"),
        (geojson([[200, 54.5], [201, 54.5], [201, 55], [200, 54.5]]), "off the globe"),
        # Madrid: far outside the operational area.
        (geojson([[-3.7, 40.4], [-3.6, 40.4], [-3.6, 40.5], [-3.7, 40.4]]), "far outside"),
        # Five metres square: 25 m².
        (
            geojson([[25.6, 54.5], [25.60008, 54.5], [25.60008, 54.50005], [25.6, 54.50005]]),
            "smaller than 100 m²",
        ),
        # Most of Lithuania.
        (geojson([[21.5, 54.2], [26.5, 54.2], [26.5, 56.2], [21.5, 56.2]]), "larger than 10,000"),
    ],
)
def test_bad_outlines_are_refused_with_a_clear_message(dispatcher, client_for, area, message):
    response = client_for(dispatcher).post(reverse("dispatch:zone-create"), form_data(area=area))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["area"])
    assert not PatrolZone.objects.exists()


def test_a_description_over_1000_characters_is_refused(dispatcher, client_for):
    response = client_for(dispatcher).post(
        reverse("dispatch:zone-create"), form_data(description="x" * 1001)
    )

    assert response.status_code == 200
    assert "1000" in response.context["form"].errors["description"][0]
    assert not PatrolZone.objects.exists()


def test_the_zone_service_refuses_a_long_description_for_every_path(dispatcher):
    data = ZoneInput(
        name="Medininkai east",
        area=Polygon([tuple(p) for p in MEDININKAI], srid=4326),
        description="x" * 1001,
    )

    with pytest.raises(ValidationError) as refused:
        zone_create(actor=dispatcher, data=data)

    assert refused.value.message_dict == {
        "description": ["At most 1000 characters; this text has 1001."]
    }
    assert not PatrolZone.objects.exists()


def test_a_bad_colour_and_a_taken_name_are_refused(dispatcher, client_for, zone):
    response = client_for(dispatcher).post(
        reverse("dispatch:zone-create"), form_data(name=zone.name, colour="red")
    )
    assert "#rrggbb" in response.context["form"].errors["colour"][0]

    response = client_for(dispatcher).post(
        reverse("dispatch:zone-create"), form_data(name=zone.name)
    )
    assert "already exists" in response.context["form"].errors["name"][0]
    assert PatrolZone.objects.count() == 1


def test_editing_shows_the_outline_and_saves_changes_with_an_audit_diff(
    dispatcher, client_for, zone
):
    client = client_for(dispatcher)
    page = client.get(reverse("dispatch:zone-edit", kwargs={"pk": zone.pk}))
    assert page.status_code == 200
    assert json.loads(page.context["form"]["area"].value())["type"] == "Polygon"

    smaller = [[25.62, 54.52], [25.68, 54.52], [25.68, 54.58], [25.62, 54.58], [25.62, 54.52]]
    response = client.post(
        reverse("dispatch:zone-edit", kwargs={"pk": zone.pk}),
        form_data(name=zone.name, area=geojson(smaller), active=None),
    )

    assert response.status_code == 302
    zone.refresh_from_db()
    assert not zone.active
    assert zone.area.extent == pytest.approx((25.62, 54.52, 25.68, 54.58))
    record = AuditRecord.objects.get(object_type="dispatch.patrolzone", action="update")
    assert record.changes["active"] == [True, False]
    assert "area" in record.changes


def test_an_unchanged_save_writes_no_audit_record(dispatcher, client_for, zone):
    client_for(dispatcher).post(
        reverse("dispatch:zone-edit", kwargs={"pk": zone.pk}),
        form_data(name=zone.name, description="", colour=zone.colour),
    )

    assert not AuditRecord.objects.filter(object_type="dispatch.patrolzone").exists()


def test_a_bad_edit_changes_nothing(dispatcher, client_for, zone):
    before = zone.area.wkt

    response = client_for(dispatcher).post(
        reverse("dispatch:zone-edit", kwargs={"pk": zone.pk}),
        form_data(name="Renamed", area=geojson(BOW_TIE)),
    )

    assert response.status_code == 200
    zone.refresh_from_db()
    assert zone.name == "Šalčininkai"
    assert zone.area.wkt == before


def test_officers_and_analysts_see_zones_but_cannot_draw_them(officer, analyst, client_for, zone):
    for user in (officer, analyst):
        client = client_for(user)
        listing = client.get(reverse("dispatch:zone-list"))
        assert listing.status_code == 200
        assert zone.name in listing.content.decode()
        assert reverse("dispatch:zone-create") not in listing.content.decode()
        assert client.post(reverse("dispatch:zone-create"), form_data()).status_code == 403
    assert PatrolZone.objects.count() == 1


def test_the_zone_api_gives_geojson_of_the_active_zones(officer, api_client_for, zone):
    PatrolZone.objects.create(
        name="Retired",
        active=False,
        area=Polygon([tuple(p) for p in MEDININKAI], srid=4326),
    )
    client = api_client_for(officer)

    active = client.get(reverse("api:zone-list")).json()
    everything = client.get(reverse("api:zone-list") + "?all=1").json()

    assert active["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in active["features"]] == ["Šalčininkai"]
    assert active["features"][0]["geometry"]["type"] == "Polygon"
    assert active["features"][0]["geometry"]["coordinates"][0][0] == [25.6, 54.5]
    assert len(everything["features"]) == 2


def test_the_zone_list_costs_the_same_queries_for_one_zone_or_many(dispatcher, client_for, zone):
    client = client_for(dispatcher)
    client.get(reverse("dispatch:zone-list"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dispatch:zone-list"))
    for n in range(5):
        PatrolZone.objects.create(
            name=f"Zone {n}", area=Polygon([tuple(p) for p in MEDININKAI], srid=4326)
        )

    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("dispatch:zone-list"))

    assert response.content.decode().count("data-zone=") == 6
    assert len(six) == len(one)


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("[" * 100_000, "not readable"),
        ('{"type": "Polygon", "coordinates": [' + "[" * 100_000 + "]}", "not readable"),
        ("x" * 200_001, "too long"),
    ],
)
def test_an_outline_nested_or_long_beyond_reason_is_refused_clearly(
    dispatcher, client_for, area, message
):
    response = client_for(dispatcher).post(reverse("dispatch:zone-create"), form_data(area=area))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["area"])
    assert not PatrolZone.objects.exists()
