"""The violation services: create (idempotent per device key), category facts, submit,
update, verify, goods lines, the entity registry and evidence files. Each one validates,
writes in one transaction and leaves an audit record."""

import hashlib
import re
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from PIL import Image

from cases.models import (
    Entity,
    EntityKind,
    Evidence,
    GoodsLine,
    HSCode,
    Relation,
    Violation,
    ViolationStatus,
)
from cases.services.entities import entity_resolve, person_properties, relation_add
from cases.services.evidence import evidence_add
from cases.services.goods import GoodsInput, goods_line_add
from cases.services.violations import (
    violation_create,
    violation_submit,
    violation_update,
    violation_verify,
)
from portal.models import AuditAction, AuditRecord
from portal.services.audit import AUDIT_CHAIN_LOCK_ID
from tests.cases.support import (
    MEDININKAI,
    MINSK,
    TOBACCO_FACTS,
    a_pdf,
    audit_trail,
    distance_km,
    draft_of,
    jpeg_photo,
    point_north_of,
    upload,
    violation_input,
)
from tests.factories import UserFactory

MEDININKAI_CROSSING = Point(25.6667, 54.5333, srid=4326)  # UN/LOCODE LTMDK


def refused(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def goods(hs_code: str, quantity: str = "200") -> GoodsInput:
    return GoodsInput(
        hs_code=hs_code,
        description="Cigarettes 'Minsk', 20 per pack",
        quantity=Decimal(quantity),
        quantity_unit="packs",
        value_eur=Decimal("900.00"),
    )


# --- Create -----------------------------------------------------------------------------
def test_a_new_violation_is_a_draft_of_the_reporters_unit_near_its_crossing_point(officer, unit_a):
    two_km_away = point_north_of(MEDININKAI_CROSSING, 2)
    assert distance_km(two_km_away, MEDININKAI_CROSSING) == pytest.approx(2, abs=0.01)

    violation, created = violation_create(
        actor=officer, data=violation_input(location=two_km_away, place_description="  lane 3 ")
    )

    assert created
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.DRAFT
    assert re.fullmatch(rf"V-{timezone.localdate().year}-\d{{6}}", violation.reference)
    assert violation.unit == unit_a
    assert violation.reported_by == officer
    assert violation.crossing_point is not None
    assert violation.crossing_point.name == "Medininkai"
    assert violation.location_source == "gps"
    assert violation.place_description == "lane 3"
    assert violation.details == TOBACCO_FACTS
    [record] = audit_trail(violation)
    assert record.action == AuditAction.CREATE
    assert record.actor == officer
    assert record.changes["category_id"] == [None, violation.category_id]
    assert record.changes["place_description"] == [None, "lane 3"]


def test_each_violation_gets_its_own_reference(officer):
    first, second = draft_of(officer), draft_of(officer)

    assert first.reference != second.reference
    assert int(second.reference[-6:]) > int(first.reference[-6:])


def test_a_point_far_from_every_crossing_point_has_none(officer):
    violation = draft_of(officer, location=MINSK)

    violation.refresh_from_db()
    assert violation.crossing_point is None


def test_the_same_client_key_twice_returns_the_first_violation_corrected(officer):
    key = uuid.uuid4()

    first, first_created = violation_create(actor=officer, data=violation_input(), client_key=key)
    again, again_created = violation_create(
        actor=officer, data=violation_input(narrative="sent again"), client_key=key
    )

    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert Violation.objects.count() == 1
    first.refresh_from_db()
    assert first.client_key == key
    # The officer corrected the entry after the answer was lost: the draft takes it.
    assert first.narrative == "sent again"
    assert len(audit_trail(first, AuditAction.CREATE)) == 1
    assert audit_trail(first, AuditAction.UPDATE)[-1].changes["narrative"] == ["", "sent again"]


def _waiting_backends() -> set[str]:
    """What the other sessions on this database are waiting for (lock wait events)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_request_finds_the_violation_it_created(officer):
    """A phone re-sends while its first request is still being written. The second
    request cannot see the first one's row yet, so both insert the same key; the loser
    must answer with the winner's violation, not fail."""
    key = uuid.uuid4()
    results: dict[str, Any] = {}

    def send(name: str) -> None:
        try:
            results[name] = violation_create(actor=officer, data=violation_input(), client_key=key)
        except Exception as error:  # reported by the assertions below
            results[name] = error
        finally:
            connection.close()

    first, retry = (threading.Thread(target=send, args=(name,)) for name in ("first", "retry"))
    # Hold the audit chain's lock: the first request inserts its row, then waits to audit.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [AUDIT_CHAIN_LOCK_ID])
    try:
        first.start()
        deadline = time.monotonic() + 10
        while "advisory" not in _waiting_backends() and time.monotonic() < deadline:
            time.sleep(0.02)
        retry.start()
        # The retry's insert now waits for the first transaction (same unique key).
        while "transactionid" not in _waiting_backends() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting_backends() == {"advisory", "transactionid"}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [AUDIT_CHAIN_LOCK_ID])
    first.join(10)
    retry.join(10)

    assert not isinstance(results["first"], Exception), results["first"]
    assert not isinstance(results["retry"], Exception), results["retry"]
    (violation, created), (again, again_created) = results["first"], results["retry"]
    assert (created, again_created) == (True, False)
    assert again.pk == violation.pk
    assert Violation.objects.filter(client_key=key).count() == 1
    assert len(audit_trail(violation, AuditAction.CREATE)) == 1


def test_another_users_client_key_is_refused(officer, officer_b):
    key = uuid.uuid4()
    violation_create(actor=officer, data=violation_input(), client_key=key)

    with pytest.raises(ValidationError) as error:
        violation_create(actor=officer_b, data=violation_input(), client_key=key)

    assert refused(error) == {"client_key": ["This key belongs to another user's entry."]}
    assert Violation.objects.count() == 1
    assert not Violation.objects.filter(reported_by=officer_b).exists()


@pytest.fixture
def officer_without_unit(db):
    return UserFactory(username="no_unit", org_unit=None, roles=["officer"])


def test_an_account_without_a_unit_cannot_log_a_violation(officer_without_unit):
    with pytest.raises(ValidationError) as error:
        violation_create(actor=officer_without_unit, data=violation_input())

    assert refused(error) == {
        "unit": ["Your account has no unit; ask an administrator to assign one."]
    }
    assert not Violation.objects.exists()


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (timedelta(minutes=11), "The time is in the future."),
        (timedelta(days=2), "The time is in the future."),
        (-timedelta(days=5 * 365 + 1), "The time is more than five years ago; check the year."),
    ],
    ids=["11-minutes-ahead", "two-days-ahead", "over-five-years-ago"],
)
def test_an_impossible_time_is_refused_and_nothing_is_saved(officer, offset, message):
    with pytest.raises(ValidationError) as error:
        violation_create(actor=officer, data=violation_input(occurred_at=timezone.now() + offset))

    assert refused(error) == {"occurred_at": [message]}
    assert not Violation.objects.exists()
    assert not AuditRecord.objects.filter(object_type="cases.violation").exists()


@pytest.mark.parametrize(("field", "limit"), [("narrative", 20_000), ("place_description", 300)])
def test_a_text_over_its_limit_is_refused_for_every_path(officer, field, limit):
    with pytest.raises(ValidationError) as error:
        violation_create(actor=officer, data=violation_input(**{field: "x" * (limit + 1)}))

    assert refused(error) == {field: [f"At most {limit} characters; this text has {limit + 1}."]}
    assert not Violation.objects.exists()


@pytest.mark.parametrize(
    "offset",
    [timedelta(minutes=9), -timedelta(days=5 * 365 - 1)],
    ids=["a-phone-clock-9-minutes-ahead", "almost-five-years-ago"],
)
def test_a_time_just_inside_the_limits_is_accepted(officer, offset):
    violation = draft_of(officer, occurred_at=timezone.now() + offset)

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.DRAFT


# --- Category facts ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("category_code", "field", "value", "message"),
    [
        ("tobacco", "packs", "ten", "Enter a whole number."),
        ("tobacco", "packs", "1.5", "Enter a whole number."),
        ("tobacco", "packs", "-3", "The number cannot be negative."),
        ("alcohol", "alcohol_percent", "strong", "Enter a number, e.g. 12.5."),
        ("alcohol", "alcohol_percent", "-40", "The number cannot be negative."),
        ("alcohol", "alcohol_percent", "NaN", "Enter a number, e.g. 12.5."),
        ("bulk_cash", "amount", "Infinity", "Enter a number, e.g. 12.5."),
        ("tobacco", "excise_stamps", "purple", "Choose one of the listed options."),
        ("bulk_cash", "declared", "maybe", "Answer yes or no."),
        ("tobacco", "origin_country", "Belarus", "Enter a two-letter country code, e.g. LT or BY."),
        ("tobacco", "origin_country", "XX", "Enter a two-letter country code, e.g. LT or BY."),
        ("bulk_cash", "currency", "XYZ", "Enter a three-letter currency code, e.g. EUR or USD."),
        ("false_documents", "document_type", "x" * 301, "Keep this under 300 characters."),
    ],
)
def test_a_category_fact_of_the_wrong_type_is_refused_with_a_message(
    officer, category_code, field, value, message
):
    with pytest.raises(ValidationError) as error:
        violation_create(
            actor=officer,
            data=violation_input(category_code=category_code, details={field: value}),
        )

    assert refused(error) == {f"details.{field}": [message]}
    assert not Violation.objects.exists()


def test_category_facts_are_stored_cleaned_and_unknown_ones_dropped(officer):
    violation = draft_of(
        officer,
        category_code="bulk_cash",
        details={
            "transport_mode": " road ",
            "origin_country": "by",
            "currency": "usd",
            "amount": "12500,50",
            "declared": "no",
            "colour_of_the_bag": "black",
        },
    )

    violation.refresh_from_db()
    assert violation.details == {
        "transport_mode": "road",
        "origin_country": "BY",
        "currency": "USD",
        "amount": "12500.50",
        "declared": False,
    }


def test_whole_numbers_and_yes_no_answers_are_stored_as_such(officer):
    tobacco = draft_of(officer, details={**TOBACCO_FACTS, "packs": "200"})
    drugs = draft_of(
        officer,
        category_code="narcotic_drugs",
        details={"drug_type": "cocaine", "field_test_positive": "yes"},
    )

    tobacco.refresh_from_db()
    drugs.refresh_from_db()
    assert tobacco.details["packs"] == 200
    assert drugs.details["field_test_positive"] is True


# --- Submit -----------------------------------------------------------------------------
def test_a_draft_without_a_location_cannot_be_submitted(officer):
    violation = draft_of(officer, location=None)

    with pytest.raises(ValidationError) as error:
        violation_submit(actor=officer, violation=violation)

    assert refused(error) == {
        "location": [
            "Give the location: use the device position, click the map or type coordinates."
        ]
    }
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.DRAFT
    assert violation.submitted_at is None


def test_tobacco_without_a_brand_cannot_be_submitted(officer):
    facts = {name: value for name, value in TOBACCO_FACTS.items() if name != "brand"}
    violation = draft_of(officer, details=facts)

    with pytest.raises(ValidationError) as error:
        violation_submit(actor=officer, violation=violation)

    assert refused(error) == {"details.brand": ["Brand is required for this category."]}
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.DRAFT


def test_a_location_outside_the_operational_area_is_submitted_once_confirmed(officer):
    violation = draft_of(officer, location=MINSK)

    with pytest.raises(ValidationError) as error:
        violation_submit(actor=officer, violation=violation)

    assert list(refused(error)) == ["outside_area_confirmed"]
    assert refused(error)["outside_area_confirmed"][0].startswith(
        "The location is outside the operational area."
    )
    violation_update(
        actor=officer,
        violation=violation,
        data=violation_input(location=MINSK, outside_area_confirmed=True),
    )
    violation_submit(actor=officer, violation=violation)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.outside_area_confirmed


def test_submitting_a_complete_draft_sets_the_status_and_time_and_is_audited(officer):
    violation = draft_of(officer)
    before = timezone.now()

    violation_submit(actor=officer, violation=violation)

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.submitted_at is not None
    assert before <= violation.submitted_at <= timezone.now()
    record = audit_trail(violation)[-1]
    assert record.action == AuditAction.UPDATE
    assert record.actor == officer
    assert record.changes == {"status": ["draft", "submitted"]}


def test_a_violation_is_submitted_only_once(officer):
    violation = draft_of(officer)
    violation_submit(actor=officer, violation=violation)

    with pytest.raises(ValidationError) as error:
        violation_submit(actor=officer, violation=violation)

    assert refused(error) == {"status": ["Only a draft can be submitted."]}
    assert len(audit_trail(violation, AuditAction.UPDATE)) == 1


# --- Update -----------------------------------------------------------------------------
def test_an_update_records_what_changed(officer):
    violation = draft_of(officer, location=None)

    violation_update(
        actor=officer,
        violation=violation,
        data=violation_input(narrative="Found behind the spare wheel."),
    )

    violation.refresh_from_db()
    assert violation.location is not None
    assert violation.location.equals_exact(MEDININKAI, tolerance=1e-9)
    assert violation.crossing_point is not None
    assert violation.narrative == "Found behind the spare wheel."
    record = audit_trail(violation)[-1]
    assert record.action == AuditAction.UPDATE
    assert record.changes["narrative"] == ["", "Found behind the spare wheel."]
    assert record.changes["location"][0] is None
    assert "category_id" not in record.changes


def test_a_draft_may_lose_a_required_fact_but_a_submitted_violation_may_not(officer):
    without_brand = {name: value for name, value in TOBACCO_FACTS.items() if name != "brand"}
    draft = draft_of(officer)
    submitted = draft_of(officer)
    violation_submit(actor=officer, violation=submitted)

    violation_update(actor=officer, violation=draft, data=violation_input(details=without_brand))
    with pytest.raises(ValidationError) as error:
        violation_update(
            actor=officer, violation=submitted, data=violation_input(details=without_brand)
        )

    assert refused(error) == {"details.brand": ["Brand is required for this category."]}
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert "brand" not in draft.details
    assert submitted.details["brand"] == "Minsk"


def test_a_submitted_violation_cannot_lose_its_location(officer):
    violation = draft_of(officer)
    violation_submit(actor=officer, violation=violation)

    with pytest.raises(ValidationError) as error:
        violation_update(actor=officer, violation=violation, data=violation_input(location=None))

    assert list(refused(error)) == ["location"]
    violation.refresh_from_db()
    assert violation.location is not None
    assert violation.crossing_point is not None


def test_a_submitted_violation_is_not_moved_outside_the_area_unconfirmed(officer):
    violation = draft_of(officer)
    violation_submit(actor=officer, violation=violation)

    with pytest.raises(ValidationError) as error:
        violation_update(actor=officer, violation=violation, data=violation_input(location=MINSK))
    violation_update(
        actor=officer,
        violation=violation,
        data=violation_input(location=MINSK, outside_area_confirmed=True),
    )

    assert list(refused(error)) == ["outside_area_confirmed"]
    violation.refresh_from_db()
    assert violation.location is not None
    assert violation.location.equals_exact(MINSK, tolerance=1e-9)
    assert violation.outside_area_confirmed


# --- Verify -----------------------------------------------------------------------------
def test_the_reporter_cannot_verify_their_own_violation(officer):
    violation = draft_of(officer)
    violation_submit(actor=officer, violation=violation)

    with pytest.raises(ValidationError) as error:
        violation_verify(actor=officer, violation=violation)

    assert refused(error) == {
        "status": ["A violation is verified by someone other than its reporter."]
    }
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.verified_by is None


def test_a_draft_cannot_be_verified(officer, analyst):
    violation = draft_of(officer)

    with pytest.raises(ValidationError) as error:
        violation_verify(actor=analyst, violation=violation)

    assert refused(error) == {"status": ["Only a submitted violation can be verified."]}
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.DRAFT


def test_an_analyst_verifies_a_submitted_violation(officer, analyst):
    violation = draft_of(officer)
    violation_submit(actor=officer, violation=violation)

    violation_verify(actor=analyst, violation=violation)

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.VERIFIED
    assert violation.verified_by == analyst
    assert violation.verified_at is not None
    record = audit_trail(violation)[-1]
    assert (record.actor, record.changes) == (analyst, {"status": ["submitted", "verified"]})


# --- Goods lines ------------------------------------------------------------------------
def test_a_goods_line_takes_the_hs_code_as_typed_with_a_dot(violation_of_officer, officer):
    line = goods_line_add(actor=officer, violation=violation_of_officer, data=goods("2402.20"))

    line.refresh_from_db()
    assert line.hs_code_id == "240220"
    assert line.quantity == Decimal("200.000")
    assert line.violation == violation_of_officer
    record = audit_trail(violation_of_officer)[-1]
    assert record.changes == {
        "goods_added": {"hs_code": "240220", "quantity": "200", "unit": "packs"}
    }


def test_a_four_digit_heading_is_enough(violation_of_officer, officer):
    line = goods_line_add(actor=officer, violation=violation_of_officer, data=goods("2402"))

    assert line.hs_code_id == "2402"


@pytest.mark.parametrize(
    ("hs_code", "quantity", "errors"),
    [
        ("2402.99", "1", {"hs_code": ["2402.99 is not a code of the Harmonized System."]}),
        ("24", "1", {"hs_code": ["Give at least the four-digit heading, not only the chapter."]}),
        ("2402.20", "0", {"quantity": ["The quantity must be more than zero."]}),
        ("2402.20", "-5", {"quantity": ["The quantity must be more than zero."]}),
    ],
    ids=["unknown-code", "chapter-only", "zero", "negative"],
)
def test_a_bad_goods_line_is_refused_with_a_message(
    violation_of_officer, officer, hs_code, quantity, errors
):
    assert not HSCode.objects.filter(code="240299").exists()

    with pytest.raises(ValidationError) as error:
        goods_line_add(actor=officer, violation=violation_of_officer, data=goods(hs_code, quantity))

    assert refused(error) == errors
    assert not GoodsLine.objects.exists()
    assert len(audit_trail(violation_of_officer)) == 1  # the creation only


# --- The entity registry ----------------------------------------------------------------
def test_a_plate_typed_two_ways_is_one_vehicle(officer):
    first, first_created = entity_resolve(
        actor=officer, kind=EntityKind.VEHICLE, values={"plate": "abc-123", "plate_country": "lt"}
    )
    second, second_created = entity_resolve(
        actor=officer, kind=EntityKind.VEHICLE, values={"plate": "ABC 123", "plate_country": "LT"}
    )

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    first.refresh_from_db()
    assert (first.key, first.label) == ("LT:ABC123", "ABC123")
    assert Entity.objects.count() == 1
    [record] = audit_trail(first)
    assert (record.action, record.actor) == (AuditAction.CREATE, officer)


def test_a_bad_vin_is_refused_under_the_vin_field(officer):
    with pytest.raises(ValidationError) as error:
        entity_resolve(actor=officer, kind=EntityKind.VEHICLE, values={"vin": "WVWZZZ1JZXW00000O"})

    assert refused(error) == {
        "vin": ["A VIN never contains the letters I, O or Q; found “O” at position 17."]
    }
    assert not Entity.objects.exists()


def test_a_person_is_matched_by_name_and_date_of_birth(officer):
    born = person_properties(birth_date=date(1980, 1, 2), nationality="lt")

    jonas, _ = entity_resolve(
        actor=officer,
        kind=EntityKind.PERSON,
        values={"first_name": "Jonas", "last_name": "Jonaitis"},
        properties=born,
    )
    same, same_created = entity_resolve(
        actor=officer,
        kind=EntityKind.PERSON,
        values={"first_name": "JONAS", "last_name": "jonaitis"},
        properties=born,
    )
    namesake, namesake_created = entity_resolve(
        actor=officer,
        kind=EntityKind.PERSON,
        values={"first_name": "Jonas", "last_name": "Jonaitis"},
        properties=person_properties(birth_date=date(1991, 5, 6), nationality=""),
    )

    assert (same.pk, same_created) == (jonas.pk, False)
    assert namesake_created
    assert namesake.pk != jonas.pk
    jonas.refresh_from_db()
    assert jonas.label == "Jonas Jonaitis"
    assert jonas.properties == {
        "name": ["Jonas Jonaitis"],
        "firstName": ["Jonas"],
        "lastName": ["Jonaitis"],
        "birthDate": ["1980-01-02"],
        "nationality": ["lt"],
    }


def test_a_relation_between_two_entities_is_audited_once(officer):
    person, _ = entity_resolve(
        actor=officer, kind=EntityKind.PERSON, values={"first_name": "Ona", "last_name": "Onaitė"}
    )
    lorry, _ = entity_resolve(
        actor=officer, kind=EntityKind.VEHICLE, values={"plate": "ABC123", "plate_country": "LT"}
    )

    relation = relation_add(
        actor=officer, source=person, target=lorry, kind="drives", provenance="V-2026-000001"
    )
    again = relation_add(actor=officer, source=person, target=lorry, kind="drives")

    assert again.pk == relation.pk
    assert Relation.objects.count() == 1
    [record] = audit_trail(relation)
    assert record.action == AuditAction.CREATE
    assert record.actor == officer
    assert record.changes == {
        "source": person.pk,
        "target": lorry.pk,
        "kind": "drives",
        "provenance": "V-2026-000001",
    }


# --- Evidence ---------------------------------------------------------------------------
def test_a_photo_is_stored_unchanged_with_a_thumbnail_and_its_position(
    violation_of_officer, officer
):
    photo = jpeg_photo()

    evidence = evidence_add(
        actor=officer,
        violation=violation_of_officer,
        upload=upload("IMG_0042.jpg", photo),
        description="The load",
    )

    evidence.refresh_from_db()
    digest = hashlib.sha256(photo).hexdigest()
    assert evidence.sha256 == digest
    assert (evidence.content_type, evidence.size) == ("image/jpeg", len(photo))
    assert evidence.original_name == "IMG_0042.jpg"
    with evidence.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == digest
    assert evidence.file.name == f"evidence/{digest[:2]}/{digest}"
    with evidence.thumbnail.open("rb") as thumbnail, Image.open(thumbnail) as preview:
        assert preview.format == "JPEG"
        assert max(preview.size) == 480
    assert evidence.exif_location is not None
    assert evidence.exif_location.y == pytest.approx(54.5395, abs=1e-6)
    assert evidence.exif_location.x == pytest.approx(25.653611, abs=1e-6)
    record = audit_trail(violation_of_officer)[-1]
    assert record.changes == {
        "evidence_added": {"name": "IMG_0042.jpg", "sha256": digest, "size": len(photo)}
    }


def test_a_pdf_is_stored_without_a_thumbnail(violation_of_officer, officer):
    evidence = evidence_add(
        actor=officer,
        violation=violation_of_officer,
        upload=upload("cmr.pdf", a_pdf(), "application/pdf"),
    )

    evidence.refresh_from_db()
    assert evidence.content_type == "application/pdf"
    assert not evidence.thumbnail
    assert evidence.exif_location is None


def test_a_photo_without_gps_has_no_position(violation_of_officer, officer):
    evidence = evidence_add(
        actor=officer,
        violation=violation_of_officer,
        upload=upload("no-gps.jpg", jpeg_photo(with_gps=False, size=(200, 100))),
    )

    evidence.refresh_from_db()
    assert evidence.exif_location is None
    assert evidence.thumbnail


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "holiday.jpg",
            b"Dear officer, this is not a photo at all.\n",
            "holiday.jpg is not a JPEG or PNG photo or a PDF document.",
        ),
        ("empty.jpg", b"", "empty.jpg is empty."),
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0" + b"\x00" * 64,
            "broken.jpg could not be read as an image.",
        ),
    ],
    ids=["text-named-jpg", "empty", "jpeg-header-only"],
)
def test_a_file_that_is_not_evidence_is_refused(
    violation_of_officer, officer, name, content, message
):
    with pytest.raises(ValidationError) as error:
        evidence_add(actor=officer, violation=violation_of_officer, upload=upload(name, content))

    assert refused(error) == {"file": [message]}
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_written(
    violation_of_officer, officer, settings
):
    settings.EVIDENCE_MAX_BYTES = 2**20
    oversized = jpeg_photo(size=(64, 64)) + b"\x00" * 2**20

    with pytest.raises(ValidationError) as error:
        evidence_add(
            actor=officer, violation=violation_of_officer, upload=upload("huge.jpg", oversized)
        )

    assert refused(error) == {"file": ["huge.jpg is larger than 1 MB."]}
    assert not Evidence.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_the_same_file_twice_on_one_violation_is_stored_once(violation_of_officer, officer):
    photo = jpeg_photo(size=(320, 240))

    first = evidence_add(
        actor=officer, violation=violation_of_officer, upload=upload("a.jpg", photo)
    )
    second = evidence_add(
        actor=officer, violation=violation_of_officer, upload=upload("a-copy.jpg", photo)
    )

    assert second.pk == first.pk
    assert Evidence.objects.count() == 1
    originals = list((Path(first.file.storage.location) / "evidence").glob("??/*"))
    assert [path.name for path in originals] == [first.sha256]
    added = [r for r in audit_trail(violation_of_officer) if "evidence_added" in r.changes]
    assert len(added) == 1
