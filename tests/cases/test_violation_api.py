"""The violations API through the API client: create (idempotent per client key), scope,
filters and pagination, goods, entities, evidence, submit and verify, the map, and the
reference look-ups. Every failure answers in one shape."""

import struct
import uuid
import warnings
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import Entity, Evidence, GoodsLine, Violation, ViolationEntity, ViolationStatus
from cases.services.violations import violation_submit
from portal.models import AuditAction
from tests.cases.support import (
    MEDININKAI,
    MINSK,
    TOBACCO_FACTS,
    audit_trail,
    draft_of,
    jpeg_photo,
    point_north_of,
    upload,
)

VIOLATIONS = reverse("api:violation-list")
MAP = reverse("api:violation-map")
HS_CODES = reverse("api:hs-code-list")
ENTITIES = reverse("api:entity-search")
# The east of Lithuania around Medininkai and Kena; Minsk lies outside it.
EAST_LITHUANIA = "25.0,54.0,26.5,55.0"


def detail_url(violation: Violation) -> str:
    return reverse("api:violation-detail", kwargs={"pk": violation.pk})


def action_url(name: str, violation: Violation) -> str:
    return reverse(f"api:violation-{name}", kwargs={"pk": violation.pk})


def new_violation(**changes: Any) -> dict[str, Any]:
    """The body a phone sends for a tobacco seizure an hour ago at Medininkai."""
    body: dict[str, Any] = {
        "category": "tobacco",
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "latitude": 54.5395,
        "longitude": 25.6536,
        "location_accuracy_m": 8,
        "place_description": "Medininkai, lorry lane 3",
        "details": dict(TOBACCO_FACTS),
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}


def references(response: Any) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


# --- Create -----------------------------------------------------------------------------
def test_an_officer_logs_a_violation(api_client_for, officer, unit_a):
    response = api_client_for(officer).post(VIOLATIONS, new_violation(), format="json")

    assert response.status_code == 201
    body = response.json()
    violation = Violation.objects.get()
    assert body["id"] == violation.pk
    assert body["reference"] == violation.reference
    assert body["status"] == "draft"
    assert body["category"] == "tobacco"
    assert (body["latitude"], body["longitude"]) == (54.5395, 25.6536)
    assert body["location_source"] == "gps"
    assert body["crossing_point"] == "Medininkai"
    assert body["unit"] == unit_a.name
    assert body["details"] == TOBACCO_FACTS
    assert (body["goods"], body["involvements"], body["evidence"]) == ([], [], [])
    assert violation.reported_by == officer
    assert [record.action for record in audit_trail(violation)] == [AuditAction.CREATE]


def test_the_same_client_key_again_answers_200_with_the_same_violation(api_client_for, officer):
    client = api_client_for(officer)
    body = new_violation(client_key=str(uuid.uuid4()))

    first = client.post(VIOLATIONS, body, format="json")
    again = client.post(VIOLATIONS, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["client_key"] == body["client_key"]
    assert Violation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 95}, "latitude"),
        ({"category": "nope"}, "category"),
        ({"longitude": None}, "longitude"),
        ({"occurred_at": "yesterday at noon"}, "occurred_at"),
        ({"details": {**TOBACCO_FACTS, "packs": "a lot"}}, "details.packs"),
        ({"location_accuracy_m": 250_000}, "location_accuracy_m"),
        ({"details": {**TOBACCO_FACTS, "packs": 10**40}}, "details.packs"),
        ({"details": {**TOBACCO_FACTS, "packs": "1" + "0" * 40}}, "details.packs"),
    ],
    ids=[
        "latitude-95",
        "unknown-category",
        "latitude-without-longitude",
        "unreadable-time",
        "packs-not-a-number",
        "accuracy-too-large",
        "packs-10-to-the-40",
        "packs-10-to-the-40-as-text",
    ],
)
def test_bad_input_is_refused_in_the_one_error_shape_and_nothing_is_saved(
    api_client_for, officer, changes, field
):
    response = api_client_for(officer).post(VIOLATIONS, new_violation(**changes), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) and message for message in body["errors"][field])
    assert not Violation.objects.exists()


@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_a_boolean_coordinate_is_refused_naming_the_field(api_client_for, officer, field):
    response = api_client_for(officer).post(
        VIOLATIONS, new_violation(**{field: True}), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["Give a number, not true or false."]}
    assert not Violation.objects.exists()


def test_a_coordinate_written_as_a_numeric_string_is_still_accepted(api_client_for, officer):
    response = api_client_for(officer).post(
        VIOLATIONS, new_violation(latitude="54.5395", longitude="25.6536"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == (54.5395, 25.6536)


def test_a_narrative_over_20000_characters_is_refused_and_nothing_is_saved(api_client_for, officer):
    response = api_client_for(officer).post(
        VIOLATIONS, new_violation(narrative="x" * 20_001), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["narrative"]
    assert not Violation.objects.exists()


def test_packs_beyond_a_thousand_million_are_refused_with_the_bound(api_client_for, officer):
    response = api_client_for(officer).post(
        VIOLATIONS, new_violation(details={**TOBACCO_FACTS, "packs": 10**40}), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "details.packs": ["The number must be at most 1000000000."]
    }
    assert not Violation.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "stored"),
    [(54.5395, 5e-324, (54.5395, 0.0)), (-5e-324, 25.6536, (0.0, 25.6536))],
)
def test_a_subnormal_coordinate_is_stored_as_zero(
    api_client_for, officer, latitude, longitude, stored
):
    body = new_violation(latitude=latitude, longitude=longitude)

    response = api_client_for(officer).post(VIOLATIONS, body, format="json")

    assert response.status_code == 201
    location = Violation.objects.get().location
    assert location is not None
    assert (location.y, location.x) == stored


def test_a_time_in_the_future_is_refused_naming_occurred_at(api_client_for, officer):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()

    response = api_client_for(officer).post(
        VIOLATIONS, new_violation(occurred_at=tomorrow), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "detail": "The input is not valid; see the messages per field.",
        "errors": {"occurred_at": ["The time is in the future."]},
    }
    assert not Violation.objects.exists()


def test_a_dispatcher_cannot_log_a_violation(api_client_for, dispatcher):
    response = api_client_for(dispatcher).post(VIOLATIONS, new_violation(), format="json")

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    assert not Violation.objects.exists()


# --- Reading: scope and audit -----------------------------------------------------------
def test_the_detail_shows_the_violation_and_records_the_view(
    api_client_for, officer, violation_of_officer
):
    response = api_client_for(officer).get(detail_url(violation_of_officer))

    assert response.status_code == 200
    assert response.json()["reference"] == violation_of_officer.reference
    [view] = audit_trail(violation_of_officer, AuditAction.VIEW)
    assert view.actor == officer


def test_an_officer_of_another_unit_does_not_see_the_violation(
    api_client_for, officer_b, violation_of_officer
):
    client = api_client_for(officer_b)

    detail = client.get(detail_url(violation_of_officer))
    listed = client.get(VIOLATIONS)

    assert detail.status_code == 404
    assert detail.json()["type"] == "not_found"
    assert listed.status_code == 200
    assert listed.json()["results"] == []
    assert audit_trail(violation_of_officer, AuditAction.VIEW) == []


def test_a_dispatcher_sees_the_violations_of_every_unit(
    api_client_for, dispatcher, officer_b, violation_of_officer
):
    own_of_b = draft_of(officer_b)

    listed = api_client_for(dispatcher).get(VIOLATIONS)

    assert listed.status_code == 200
    assert references(listed) == {violation_of_officer.reference, own_of_b.reference}


@pytest.fixture
def three_violations(officer) -> dict[str, Violation]:
    """A submitted tobacco seizure at Medininkai an hour ago, a draft of alcohol near
    Kena three days ago and a draft of fuel in Minsk ten days ago."""
    now = timezone.now()
    tobacco = draft_of(officer, place_description="Medininkai, lorry lane 3")
    violation_submit(actor=officer, violation=tobacco)
    alcohol = draft_of(
        officer,
        category_code="alcohol",
        details={"transport_mode": "road"},
        location=point_north_of(MEDININKAI, 12),
        occurred_at=now - timedelta(days=3),
        narrative="Vodka in the spare wheel.",
    )
    fuel = draft_of(
        officer,
        category_code="fuel",
        details={},
        location=MINSK,
        occurred_at=now - timedelta(days=10),
    )
    return {"tobacco": tobacco, "alcohol": alcohol, "fuel": fuel}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "submitted"}, {"tobacco"}),
        ({"status": "draft"}, {"alcohol", "fuel"}),
        ({"category": "alcohol"}, {"alcohol"}),
        ({"text": "spare wheel"}, {"alcohol"}),
        ({"text": "LORRY LANE"}, {"tobacco"}),
        ({"bbox": "25.5,54.4,25.8,54.7"}, {"tobacco", "alcohol"}),
        ({"bbox": "27.0,53.5,28.0,54.2"}, {"fuel"}),
        ({"date_from": "-5", "date_to": "-2"}, {"alcohol"}),
        ({"date_from": "-1"}, {"tobacco"}),
        ({}, {"tobacco", "alcohol", "fuel"}),
    ],
    ids=[
        "submitted",
        "drafts",
        "category",
        "text",
        "text-any-case",
        "bbox-east",
        "bbox-minsk",
        "date-range",
        "since-yesterday",
        "no-filter",
    ],
)
def test_the_list_filters(api_client_for, dispatcher, three_violations, query, expected):
    today = timezone.localdate()
    params = {
        name: (today + timedelta(days=int(value))).isoformat() if name.startswith("date") else value
        for name, value in query.items()
    }

    response = api_client_for(dispatcher).get(VIOLATIONS, params)

    assert response.status_code == 200
    assert references(response) == {three_violations[name].reference for name in expected}


@pytest.mark.parametrize("bbox", ["25,54,26", "east,south,west,north", "26.5,54,25,55"])
def test_a_bad_bbox_is_refused(api_client_for, dispatcher, bbox):
    response = api_client_for(dispatcher).get(VIOLATIONS, {"bbox": bbox})

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert list(body["errors"]) == ["bbox"]


def test_the_list_pages_by_cursor_newest_first(api_client_for, dispatcher, three_violations):
    client = api_client_for(dispatcher)

    first = client.get(VIOLATIONS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [row["reference"] for row in first["results"]] == [
        three_violations["tobacco"].reference,
        three_violations["alcohol"].reference,
    ]
    assert [row["reference"] for row in second["results"]] == [three_violations["fuel"].reference]
    assert second["next"] is None
    assert "count" not in first


# --- Changing a violation ---------------------------------------------------------------
def test_the_reporter_changes_the_violation(api_client_for, officer, violation_of_officer):
    response = api_client_for(officer).put(
        detail_url(violation_of_officer),
        new_violation(narrative="Behind the spare wheel."),
        format="json",
    )

    assert response.status_code == 200
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.narrative == "Behind the spare wheel."
    record = audit_trail(violation_of_officer)[-1]
    assert record.changes["narrative"] == ["", "Behind the spare wheel."]


def test_an_officer_of_another_unit_cannot_change_it(
    api_client_for, officer_b, violation_of_officer
):
    response = api_client_for(officer_b).put(
        detail_url(violation_of_officer), new_violation(narrative="Mine now."), format="json"
    )

    assert response.status_code == 404
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.narrative == ""


def test_a_dispatcher_sees_but_cannot_change_it(api_client_for, dispatcher, violation_of_officer):
    response = api_client_for(dispatcher).put(
        detail_url(violation_of_officer), new_violation(narrative="Edited."), format="json"
    )

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.narrative == ""


def test_goods_are_added_through_the_api(api_client_for, officer, violation_of_officer):
    client = api_client_for(officer)
    url = action_url("goods", violation_of_officer)

    added = client.post(
        url,
        {
            "hs_code": "2402.20",
            "description": "Cigarettes",
            "quantity": "500",
            "quantity_unit": "packs",
            "value_eur": "2250.00",
        },
        format="json",
    )
    chapter = client.post(
        url,
        {"hs_code": "24", "description": "Tobacco", "quantity": "1", "quantity_unit": "kg"},
        format="json",
    )

    assert added.status_code == 201
    assert added.json()["hs_code"] == "240220"
    assert added.json()["hs_description"] == "Cigarettes; containing tobacco"
    assert chapter.status_code == 400
    assert chapter.json()["errors"] == {
        "hs_code": ["Give at least the four-digit heading, not only the chapter."]
    }
    [line] = GoodsLine.objects.filter(violation=violation_of_officer)
    assert (line.hs_code_id, line.quantity_unit) == ("240220", "packs")


def test_a_goods_line_is_removed_through_the_api(api_client_for, officer, violation_of_officer):
    client = api_client_for(officer)
    line = client.post(
        action_url("goods", violation_of_officer),
        {"hs_code": "2402", "description": "Cigars", "quantity": "3", "quantity_unit": "pcs"},
        format="json",
    ).json()

    response = client.delete(
        reverse(
            "api:violation-goods-line",
            kwargs={"pk": violation_of_officer.pk, "line_id": line["id"]},
        )
    )

    assert response.status_code == 204
    assert not GoodsLine.objects.exists()
    assert "goods_removed" in audit_trail(violation_of_officer)[-1].changes


def test_a_vehicle_and_a_person_are_linked_through_the_api(
    api_client_for, officer, violation_of_officer
):
    client = api_client_for(officer)
    url = action_url("entities", violation_of_officer)

    vehicle = client.post(
        url,
        {
            "kind": "vehicle",
            "role": "vehicle_used",
            "values": {"plate": "abc-123", "plate_country": "lt"},
        },
        format="json",
    )
    person = client.post(
        url,
        {
            "kind": "person",
            "role": "driver",
            "values": {"first_name": "Jonas", "last_name": "Jonaitis"},
            "properties": {"birth_date": "1980-01-02"},
        },
        format="json",
    )

    assert vehicle.status_code == 201
    assert vehicle.json()["entity"]["key"] == "LT:ABC123"
    assert vehicle.json()["role"] == "vehicle_used"
    assert person.status_code == 201
    assert person.json()["entity"]["label"] == "Jonas Jonaitis"
    roles = ViolationEntity.objects.filter(violation=violation_of_officer)
    assert {(link.entity.kind, link.role) for link in roles} == {
        ("Vehicle", "vehicle_used"),
        ("Person", "driver"),
    }


@pytest.mark.parametrize(
    ("kind", "role", "values", "field"),
    [
        ("person", "driver", {"first_name": "Jonas", "last_name": "Jon\u202eaitis"}, "last_name"),
        ("person", "driver", {"first_name": "Jo\u200bnas", "last_name": "Jonaitis"}, "first_name"),
        ("company", "consignor", {"name": "UAB \u2067Transit\u2069", "country": "LT"}, "name"),
        ("vehicle", "vehicle_used", {"plate": "ABC\u200d123", "plate_country": "LT"}, "plate"),
    ],
    ids=["person-last-name-override", "person-zero-width", "company-isolate", "plate-joiner"],
)
def test_a_name_or_identifier_with_invisible_characters_is_refused_and_nothing_is_linked(
    api_client_for, officer, violation_of_officer, kind, role, values, field
):
    response = api_client_for(officer).post(
        action_url("entities", violation_of_officer),
        {"kind": kind, "role": role, "values": values},
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert "invisible characters" in response.json()["errors"][field][0]
    assert not Entity.objects.exists()
    assert not ViolationEntity.objects.exists()


def test_a_bad_vin_is_refused_under_vin(api_client_for, officer, violation_of_officer):
    response = api_client_for(officer).post(
        action_url("entities", violation_of_officer),
        {"kind": "vehicle", "role": "vehicle_used", "values": {"vin": "WVWZZZ1JZ"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"vin": ["A VIN has 17 characters; this one has 9."]}
    assert not Entity.objects.exists()


def test_a_photo_is_uploaded_as_multipart(api_client_for, officer, violation_of_officer):
    photo = jpeg_photo(size=(640, 480))

    response = api_client_for(officer).post(
        action_url("evidence", violation_of_officer),
        {"file": upload("load.jpg", photo), "description": "The load"},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    evidence = Evidence.objects.get()
    assert body["sha256"] == evidence.sha256
    assert (body["original_name"], body["size"]) == ("load.jpg", len(photo))
    assert evidence.exif_location is not None


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that states its size and holds no pixels worth decoding: what a
    decompression bomb looks like to the server before it decodes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height"), [(12_000, 12_000), (8_000, 7_500)], ids=["144-megapixels", "60-megapixels"]
)
def test_a_photo_over_50_megapixels_is_refused_before_it_is_decoded(
    api_client_for, officer, violation_of_officer, width, height
):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = api_client_for(officer).post(
            action_url("evidence", violation_of_officer),
            {"file": upload("bomb.png", png_header_only(width, height), "image/png")},
            format="multipart",
        )

    # Refused by our own check, before Pillow warns of a decompression bomb (between
    # 50 and 100 megapixels it would, and the warning would reach the log).
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["bomb.png has more than 50 megapixels; send a smaller photo."]
    }
    assert not Evidence.objects.exists()


def test_a_text_file_named_jpg_is_refused(api_client_for, officer, violation_of_officer):
    response = api_client_for(officer).post(
        action_url("evidence", violation_of_officer),
        {"file": upload("load.jpg", b"not a photo", "image/jpeg")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["load.jpg is not a JPEG or PNG photo or a PDF document."]
    }
    assert not Evidence.objects.exists()


def test_the_reporter_submits_and_an_analyst_verifies(
    api_client_for, officer, analyst, violation_of_officer
):
    submitted = api_client_for(officer).post(action_url("submit", violation_of_officer))
    verified = api_client_for(analyst).post(action_url("verify", violation_of_officer))

    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.status == ViolationStatus.VERIFIED
    assert violation_of_officer.verified_by == analyst
    assert [record.changes.get("status") for record in audit_trail(violation_of_officer)][-2:] == [
        ["draft", "submitted"],
        ["submitted", "verified"],
    ]


def test_an_incomplete_draft_is_not_submitted(api_client_for, officer):
    draft = draft_of(officer, location=None)

    response = api_client_for(officer).post(action_url("submit", draft))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location"]
    draft.refresh_from_db()
    assert draft.status == ViolationStatus.DRAFT


def test_a_draft_is_not_verified(api_client_for, analyst, violation_of_officer):
    response = api_client_for(analyst).post(action_url("verify", violation_of_officer))

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Only a submitted violation can be verified."]}


# --- The map ----------------------------------------------------------------------------
@pytest.fixture
def map_violations(officer, officer_b) -> list[Violation]:
    """Three violations in eastern Lithuania (two of unit A, one of unit B), one in
    Minsk and one without a location."""
    return [
        draft_of(officer),
        draft_of(officer, location=point_north_of(MEDININKAI, 12)),
        draft_of(officer_b, location=point_north_of(MEDININKAI, 30)),
        draft_of(officer, location=MINSK),
        draft_of(officer, location=None),
    ]


def test_the_map_sends_cells_when_zoomed_out(api_client_for, dispatcher, map_violations):
    response = api_client_for(dispatcher).get(MAP, {"bbox": EAST_LITHUANIA, "zoom": 7})

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "cells"
    assert body["points"] == []
    assert body["total"] == 3
    assert sum(cell["count"] for cell in body["cells"]) == 3
    for cell in body["cells"]:
        assert 54.0 <= cell["lat"] <= 55.0
        assert 25.0 <= cell["lon"] <= 26.5


def test_the_map_sends_points_when_zoomed_in(api_client_for, dispatcher, map_violations):
    response = api_client_for(dispatcher).get(MAP, {"bbox": EAST_LITHUANIA, "zoom": 13})

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "points"
    assert body["cells"] == []
    assert body["total"] == 3
    assert {point["id"] for point in body["points"]} == {v.pk for v in map_violations[:3]}
    first = next(point for point in body["points"] if point["id"] == map_violations[0].pk)
    assert (first["lat"], first["lon"]) == (54.5395, 25.6536)
    assert (first["category"], first["status"]) == ("tobacco", "draft")


def test_the_map_shows_an_officer_only_their_units_violations(
    api_client_for, officer, map_violations
):
    body = api_client_for(officer).get(MAP, {"bbox": EAST_LITHUANIA, "zoom": 13}).json()

    assert {point["id"] for point in body["points"]} == {v.pk for v in map_violations[:2]}


def test_the_map_filters_like_the_list(api_client_for, dispatcher, map_violations):
    violation_submit(actor=map_violations[0].reported_by, violation=map_violations[0])

    body = (
        api_client_for(dispatcher)
        .get(MAP, {"bbox": EAST_LITHUANIA, "zoom": 7, "status": "submitted"})
        .json()
    )

    assert body["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"zoom": 7}, "bbox"),
        ({"bbox": EAST_LITHUANIA}, "zoom"),
        ({"bbox": "1,2", "zoom": 7}, "bbox"),
    ],
    ids=["no-bbox", "no-zoom", "bad-bbox"],
)
def test_the_map_needs_a_viewport_and_a_zoom(api_client_for, dispatcher, query, field):
    response = api_client_for(dispatcher).get(MAP, query)

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert field in response.json()["errors"]


# --- Reference look-ups -----------------------------------------------------------------
@pytest.mark.parametrize("query", ["2402", "2402.20", "cigarettes", "Cigarettes tobacco"])
def test_the_hs_codes_are_found_by_code_or_words(api_client_for, officer, query):
    response = api_client_for(officer).get(HS_CODES, {"q": query})

    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert "240220" in codes
    assert all(len(code) >= 4 for code in codes)


def test_the_hs_code_prefix_lists_only_that_heading(api_client_for, officer):
    response = api_client_for(officer).get(HS_CODES, {"q": "2402"})

    assert [row["code"] for row in response.json()["results"]] == [
        "2402",
        "240210",
        "240220",
        "240290",
    ]


def test_the_registry_finds_a_vehicle_by_part_of_its_plate(
    api_client_for, officer, violation_of_officer
):
    api_client_for(officer).post(
        action_url("entities", violation_of_officer),
        {
            "kind": "vehicle",
            "role": "vehicle_used",
            "values": {"plate": "ABC 123", "plate_country": "LT"},
        },
        format="json",
    )

    found = api_client_for(officer).get(ENTITIES, {"q": "ABC"})
    by_key = api_client_for(officer).get(ENTITIES, {"q": "abc-1"})
    nothing = api_client_for(officer).get(ENTITIES, {"q": "XYZ"})

    assert found.status_code == 200
    assert [row["key"] for row in found.json()["results"]] == ["LT:ABC123"]
    assert [row["key"] for row in by_key.json()["results"]] == ["LT:ABC123"]
    assert nothing.json()["results"] == []
