"""The violation pages through the test client: the form with its category fields, map
and typed coordinates; the detail page with its goods, people, vehicles and evidence
forms; submit and verify; the list with its filters; the review queue; evidence files."""

import html
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Entity,
    Evidence,
    GoodsLine,
    Relation,
    Violation,
    ViolationCategory,
    ViolationEntity,
    ViolationStatus,
)
from cases.selectors.violations import (
    violation_history,
    violation_may_verify,
    violation_verify_problems,
)
from cases.services.evidence import evidence_add
from cases.services.violations import violation_submit
from portal.models import AuditAction, AuditRecord
from tests.cases.support import (
    MEDININKAI_LKS94,
    TOBACCO_FACTS,
    audit_trail,
    draft_of,
    jpeg_photo,
    upload,
)
from tests.factories import UserFactory

NEW = reverse("cases:violation-create")
LIST = reverse("cases:violation-list")
REVIEW = reverse("cases:violation-review")


def url(name: str, violation: Violation, **kwargs: Any) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": violation.pk, **kwargs})


def text_of(response: Any) -> str:
    """The page as the reader sees it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def violation_form(**changes: str) -> dict[str, str]:
    """What the officer's browser posts for a tobacco seizure an hour ago (no location)."""
    data = {
        "category": "tobacco",
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "client_key": str(uuid.uuid4()),
        "coordinate_system": "dd",
        "coordinates": "",
        "place_description": "Medininkai, lorry lane 3",
        "narrative": "Cigarettes behind the spare wheel.",
        **{f"d_tobacco_{name}": value for name, value in TOBACCO_FACTS.items()},
    }
    data.update(changes)
    return data


# --- The form ---------------------------------------------------------------------------
def test_the_form_offers_the_fields_of_every_category_and_a_map(client_for, officer):
    response = client_for(officer).get(NEW)

    assert response.status_code == 200
    page = text_of(response)
    categories = list(ViolationCategory.objects.filter(is_active=True))
    assert len(categories) == 14
    for category in categories:
        assert f'data-category="{category.code}"' in page
        for definition in category.field_definitions:
            assert f'name="d_{category.code}_{definition["name"]}"' in page
    assert 'id="location-map"' in page
    assert 'name="client_key"' in page


def test_typed_dms_coordinates_place_the_draft(client_for, officer):
    response = client_for(officer).post(
        NEW,
        violation_form(coordinate_system="dms", coordinates="54°32'22.2\"N 25°39'13.0\"E"),
    )

    violation = Violation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("violation-detail", violation)
    assert violation.status == ViolationStatus.DRAFT
    assert violation.location is not None
    assert violation.location.y == pytest.approx(54.5395, abs=1e-6)
    assert violation.location.x == pytest.approx(25.653611, abs=1e-6)
    assert violation.location_source == "typed"
    assert violation.crossing_point is not None
    assert violation.crossing_point.name == "Medininkai"
    assert violation.details == TOBACCO_FACTS
    assert violation.reported_by == officer


def test_typed_lks94_coordinates_place_the_draft(client_for, officer):
    response = client_for(officer).post(
        NEW, violation_form(coordinate_system="lks94", coordinates=MEDININKAI_LKS94)
    )

    assert response.status_code == 302
    violation = Violation.objects.get()
    assert violation.location is not None
    assert violation.location.y == pytest.approx(54.5395, abs=2e-5)
    assert violation.location.x == pytest.approx(25.6536, abs=2e-5)
    assert violation.location_source == "typed"


def test_a_map_click_keeps_its_source(client_for, officer):
    client_for(officer).post(
        NEW, violation_form(latitude="54.5395", longitude="25.6536", location_source="map")
    )

    violation = Violation.objects.get()
    assert violation.location_source == "map"
    assert violation.crossing_point is not None


def test_the_saved_draft_page_says_what_to_do_next(client_for, officer):
    response = client_for(officer).post(NEW, violation_form(), follow=True)

    violation = Violation.objects.get()
    assert response.status_code == 200
    assert (
        f"Draft {violation.reference} saved. Add goods, people, vehicles and photos, then submit."
        in text_of(response)
    )


@pytest.mark.parametrize(
    ("system", "typed", "message"),
    [
        ("dd", "54.5395", "Enter both latitude and longitude, for example 54.6872, 25.2797."),
        ("dd", "95, 25", "Latitude must be between -90 and 90; 95 is not."),
        (
            "lks94",
            "607003",
            "Enter two numbers, easting and northing in metres, for example 582000 6061000.",
        ),
    ],
    ids=["one-number", "latitude-95", "lks94-one-number"],
)
def test_bad_coordinates_show_the_form_again_with_the_message(
    client_for, officer, system, typed, message
):
    response = client_for(officer).post(
        NEW, violation_form(coordinate_system=system, coordinates=typed)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["coordinates"] == [message]
    page = text_of(response)
    assert message in page
    assert 'value="Medininkai, lorry lane 3"' in page  # what was typed is kept
    assert not Violation.objects.exists()


def test_a_missing_category_shows_the_form_again(client_for, officer):
    response = client_for(officer).post(NEW, violation_form(category=""))

    assert response.status_code == 200
    assert response.context["form"].errors["category"] == ["Choose the category of the violation."]
    assert "Choose the category of the violation." in text_of(response)
    assert not Violation.objects.exists()


def test_a_category_fact_of_the_wrong_type_is_shown_next_to_its_field(client_for, officer):
    response = client_for(officer).post(NEW, violation_form(d_tobacco_packs="ten"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Enter a whole number." in page
    assert 'name="d_tobacco_packs"' in page
    assert not Violation.objects.exists()


def test_a_time_in_the_future_is_shown_on_the_form(client_for, officer):
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client_for(officer).post(NEW, violation_form(occurred_at=tomorrow))

    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == ["The time is in the future."]
    assert not Violation.objects.exists()


def test_the_same_form_posted_twice_creates_one_violation(client_for, officer):
    client = client_for(officer)
    data = violation_form()

    first = client.post(NEW, data)
    again = client.post(NEW, data)

    violation = Violation.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == url("violation-detail", violation)
    assert str(violation.client_key) == data["client_key"]


# --- The detail page --------------------------------------------------------------------
def test_the_detail_page_lists_what_stops_a_draft_from_being_submitted(client_for, officer):
    facts = {name: value for name, value in TOBACCO_FACTS.items() if name != "brand"}
    draft = draft_of(officer, location=None, details=facts)

    response = client_for(officer).get(url("violation-detail", draft))

    assert response.status_code == 200
    page = text_of(response)
    assert "Before you can submit:" in page
    assert "Give the location: use the device position, click the map or type coordinates." in page
    assert "Brand is required for this category." in page
    assert [record.actor for record in audit_trail(draft, AuditAction.VIEW)] == [officer]


def test_a_complete_draft_has_no_problems_listed(client_for, officer, violation_of_officer):
    response = client_for(officer).get(url("violation-detail", violation_of_officer))

    page = text_of(response)
    assert "Before you can submit:" not in page
    assert url("violation-submit", violation_of_officer) in page


def test_a_goods_line_is_added_from_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("goods-add", violation_of_officer),
        {
            "hs_code": "2402.20",
            "description": "Cigarettes 'Minsk'",
            "quantity": "500",
            "quantity_unit": "packs",
            "value_eur": "2250",
            "seized": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "Goods line added." in page
    assert "Cigarettes 'Minsk'" in page
    [line] = GoodsLine.objects.filter(violation=violation_of_officer)
    assert (line.hs_code_id, line.quantity_unit, line.seized) == ("240220", "packs", True)


def test_a_chapter_alone_is_refused_on_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("goods-add", violation_of_officer),
        {"hs_code": "24", "description": "Tobacco", "quantity": "3", "quantity_unit": "kg"},
        follow=True,
    )

    assert response.status_code == 400  # the page again, the message at the HS code
    page = text_of(response)
    field = page[page.index('<div class="field field--error">') :]
    assert field.index('name="hs_code"') < field.index(
        "Give at least the four-digit heading, not only the chapter."
    )
    assert not GoodsLine.objects.exists()


def test_a_vehicle_is_added_from_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("vehicle-add", violation_of_officer),
        {
            "vehicle-plate": "abc-123",
            "vehicle-plate_country": "lt",
            "vehicle-vin": "",
            "vehicle-make_model": "Volvo FH",
            "vehicle-role": "vehicle_used",
        },
        follow=True,
    )

    page = text_of(response)
    assert "Vehicle added." in page
    assert "ABC123" in page
    [link] = ViolationEntity.objects.filter(violation=violation_of_officer)
    assert (link.entity.kind, link.entity.key, link.role) == (
        "Vehicle",
        "LT:ABC123",
        "vehicle_used",
    )
    assert link.entity.properties["model"] == ["Volvo FH"]
    assert link.entity.properties["registrationNumber"] == ["ABC123"]


def test_a_bad_vin_is_refused_on_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("vehicle-add", violation_of_officer),
        {
            "vehicle-plate": "",
            "vehicle-plate_country": "LT",
            "vehicle-vin": "WVWZZZ1JZ",
            "vehicle-role": "vehicle_used",
        },
        follow=True,
    )

    assert response.status_code == 400
    page = text_of(response)
    field = page[page.index('<div class="field field--error">') :]
    assert field.index('name="vehicle-vin"') < field.index(
        "A VIN has 17 characters; this one has 9."
    )
    assert not Entity.objects.exists()


def test_a_person_with_a_passport_is_added_from_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("person-add", violation_of_officer),
        {
            "person-first_name": "Jonas",
            "person-last_name": "Jonaitis",
            "person-birth_date": "1980-01-02",
            "person-nationality": "lt",
            "person-document_type": "passport",
            "person-document_number": "AB 123 456",
            "person-document_country": "LT",
            "person-role": "driver",
        },
        follow=True,
    )

    page = text_of(response)
    assert "Person added." in page
    assert "Jonas Jonaitis" in page
    [link] = ViolationEntity.objects.filter(violation=violation_of_officer)
    assert (link.entity.label, link.role) == ("Jonas Jonaitis", "driver")
    assert link.entity.properties["birthDate"] == ["1980-01-02"]
    assert link.entity.properties["nationality"] == ["lt"]
    [relation] = Relation.objects.all()
    assert (relation.source, relation.kind) == (link.entity, "holds_document")
    assert relation.target.key == "LT:PASSPORT:AB123456"


def test_a_person_with_an_unreadable_document_is_not_added(
    client_for, officer, violation_of_officer
):
    """The whole form is one change: when the document number is refused, the person is
    not linked either (the officer corrects the number and sends the form again)."""
    response = client_for(officer).post(
        url("person-add", violation_of_officer),
        {
            "person-first_name": "Jonas",
            "person-last_name": "Jonaitis",
            "person-document_type": "passport",
            "person-document_number": "12",
            "person-document_country": "LT",
            "person-role": "driver",
        },
        follow=True,
    )

    assert "A document number has 5 to 20 letters and digits; this one has 2." in text_of(response)
    assert "Person added." not in text_of(response)
    assert not ViolationEntity.objects.filter(violation=violation_of_officer).exists()
    assert not Entity.objects.exists()


def test_a_photo_is_uploaded_from_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("evidence-add", violation_of_officer),
        {"file": upload("IMG_0042.jpg", jpeg_photo(size=(640, 480))), "description": "The load"},
        follow=True,
    )

    page = text_of(response)
    assert "File added." in page
    assert "IMG_0042.jpg" in page
    evidence = Evidence.objects.get(violation=violation_of_officer)
    assert (
        url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="thumbnail")
        in page
    )


def test_a_text_file_is_refused_on_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("evidence-add", violation_of_officer),
        {"file": upload("IMG_0042.jpg", b"just words", "image/jpeg")},
        follow=True,
    )

    assert "IMG_0042.jpg is not a JPEG or PNG photo or a PDF document." in text_of(response)
    assert not Evidence.objects.exists()


def test_the_officer_submits_from_the_page(client_for, officer, violation_of_officer):
    response = client_for(officer).post(url("violation-submit", violation_of_officer), follow=True)

    assert f"{violation_of_officer.reference} submitted for verification." in text_of(response)
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.status == ViolationStatus.SUBMITTED
    assert audit_trail(violation_of_officer, AuditAction.UPDATE)[-1].changes == {
        "status": ["draft", "submitted"]
    }


def test_an_incomplete_draft_stays_a_draft_with_the_reasons_shown(client_for, officer):
    draft = draft_of(officer, location=None)

    response = client_for(officer).post(url("violation-submit", draft), follow=True)

    assert (
        "Give the location: use the device position, click the map or type coordinates."
        in text_of(response)
    )
    draft.refresh_from_db()
    assert draft.status == ViolationStatus.DRAFT


# --- Review and verification ------------------------------------------------------------
def test_the_review_queue_lists_submitted_violations_oldest_first(client_for, officer, analyst):
    first, second, third, draft = (draft_of(officer) for _ in range(4))
    for violation in (third, first, second):
        violation_submit(actor=officer, violation=violation)

    response = client_for(analyst).get(REVIEW)

    assert response.status_code == 200
    page = text_of(response)
    positions = [page.index(v.reference) for v in (third, first, second)]
    assert positions == sorted(positions)
    assert draft.reference not in page


def test_the_analyst_verifies_from_the_detail_page(
    client_for, officer, analyst, violation_of_officer
):
    violation_submit(actor=officer, violation=violation_of_officer)
    client = client_for(analyst)

    detail = client.get(url("violation-detail", violation_of_officer))
    response = client.post(url("violation-verify", violation_of_officer), follow=True)

    assert url("violation-verify", violation_of_officer) in text_of(detail)
    assert f"{violation_of_officer.reference} verified." in text_of(response)
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.status == ViolationStatus.VERIFIED
    assert violation_of_officer.verified_by == analyst
    assert violation_of_officer.reference not in text_of(client.get(REVIEW))


def test_the_reporter_is_not_offered_a_verify_button(client_for, officer, violation_of_officer):
    violation_submit(actor=officer, violation=violation_of_officer)

    response = client_for(officer).get(url("violation-detail", violation_of_officer))

    assert url("violation-verify", violation_of_officer) not in text_of(response)


@pytest.fixture
def officer_analyst(unit_a):
    """An officer of unit A who is also an analyst (a verifier)."""
    return UserFactory(username="officer_analyst", org_unit=unit_a, roles=["officer", "analyst"])


def test_a_verifier_who_reported_the_violation_is_neither_offered_nor_allowed_to_verify(
    client_for, officer_analyst
):
    both = officer_analyst
    violation = draft_of(both, details=TOBACCO_FACTS)
    violation_submit(actor=both, violation=violation)
    client = client_for(both)

    detail = client.get(url("violation-detail", violation))
    response = client.post(url("violation-verify", violation), follow=True)

    assert detail.context["can_verify"] is False
    assert url("violation-verify", violation) not in text_of(detail)
    assert "A violation is verified by someone other than its reporter." in text_of(response)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.verified_by is None


def test_a_verifier_is_not_offered_to_verify_a_draft(client_for, analyst, violation_of_officer):
    detail = client_for(analyst).get(url("violation-detail", violation_of_officer))

    assert detail.context["can_verify"] is False
    assert url("violation-verify", violation_of_officer) not in text_of(detail)


def test_may_verify_and_the_verify_service_follow_one_rule(officer, analyst, violation_of_officer):
    assert violation_verify_problems(user=analyst, violation=violation_of_officer) == {
        "status": "Only a submitted violation can be verified."
    }
    violation_submit(actor=officer, violation=violation_of_officer)
    violation_of_officer.refresh_from_db()

    assert violation_may_verify(user=analyst, violation=violation_of_officer)
    assert not violation_may_verify(user=officer, violation=violation_of_officer)
    assert violation_verify_problems(user=officer, violation=violation_of_officer) == {
        "status": "A violation is verified by someone other than its reporter."
    }


def test_the_history_shows_changes_newest_first_and_no_consultations(
    client_for, officer, analyst, violation_of_officer
):
    violation_submit(actor=officer, violation=violation_of_officer)
    client_for(analyst).get(url("violation-detail", violation_of_officer))

    response = client_for(officer).get(url("violation-detail", violation_of_officer))

    history = response.context["history"]
    assert [record.action for record in history] == [AuditAction.UPDATE, AuditAction.CREATE]
    assert history == violation_history(violation=violation_of_officer)
    assert AuditRecord.objects.filter(
        object_id=str(violation_of_officer.pk), action=AuditAction.VIEW
    ).exists()


# --- The list ---------------------------------------------------------------------------
@pytest.fixture
def listed(officer) -> dict[str, Violation]:
    tobacco = draft_of(officer, place_description="Medininkai, lorry lane 3")
    violation_submit(actor=officer, violation=tobacco)
    alcohol = draft_of(
        officer,
        category_code="alcohol",
        details={},
        place_description="Kena railway station",
        occurred_at=timezone.now() - timedelta(days=3),
    )
    return {"tobacco": tobacco, "alcohol": alcohol}


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"category": "alcohol"}, "alcohol", "tobacco"),
        ({"status": "submitted"}, "tobacco", "alcohol"),
        ({"text": "railway"}, "alcohol", "tobacco"),
        ({"sort": "oldest"}, "alcohol", None),
    ],
    ids=["category", "status", "text", "sorted"],
)
def test_the_list_filters(client_for, dispatcher, listed, query, shown, hidden):
    response = client_for(dispatcher).get(LIST, query)

    assert response.status_code == 200
    page = text_of(response)
    assert listed[shown].reference in page
    if hidden is not None:
        assert listed[hidden].reference not in page
    else:
        assert page.index(listed["alcohol"].reference) < page.index(listed["tobacco"].reference)


def test_an_empty_result_says_so(client_for, dispatcher, listed):
    response = client_for(dispatcher).get(LIST, {"text": "no such place"})

    page = text_of(response)
    assert "No violation matches these filters." in page
    assert listed["tobacco"].reference not in page


def test_an_end_date_before_the_start_shows_the_error_and_lists_nothing(
    client_for, dispatcher, listed
):
    today = timezone.localdate()

    response = client_for(dispatcher).get(
        LIST, {"date_from": today.isoformat(), "date_to": (today - timedelta(days=7)).isoformat()}
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "The end date is before the start date." in page
    assert "No violation matches these filters." in page
    assert listed["alcohol"].reference not in page
    assert listed["tobacco"].reference not in page


def test_an_officer_of_another_unit_does_not_see_the_list_entries(client_for, officer_b, listed):
    page = text_of(client_for(officer_b).get(LIST))

    assert listed["tobacco"].reference not in page
    assert "No violation matches these filters." in page


def test_the_list_costs_a_bounded_number_of_queries(
    client_for, dispatcher, officer, officer_b, django_assert_max_num_queries
):
    drafts = [
        draft_of(officer if index % 2 else officer_b, place_description=f"Lane {index}")
        for index in range(30)
    ]
    client = client_for(dispatcher)

    with django_assert_max_num_queries(15):
        response = client.get(LIST)

    assert response.status_code == 200
    page = text_of(response)
    assert all(draft.reference in page for draft in drafts)


# --- Evidence files ---------------------------------------------------------------------
@pytest.fixture
def photo_evidence(officer, violation_of_officer) -> tuple[Evidence, bytes]:
    photo = jpeg_photo(size=(640, 480))
    evidence = evidence_add(
        actor=officer, violation=violation_of_officer, upload=upload("IMG_0042.jpg", photo)
    )
    return evidence, photo


def test_opening_an_evidence_file_is_audited_as_a_download(
    client_for, dispatcher, violation_of_officer, photo_evidence
):
    evidence, photo = photo_evidence

    response = client_for(dispatcher).get(
        url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="view")
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    [record] = audit_trail(violation_of_officer, AuditAction.DOWNLOAD)
    assert record.actor == dispatcher
    assert record.changes == {"evidence": evidence.pk, "sha256": evidence.sha256}


def test_downloading_sends_the_file_as_an_attachment(
    client_for, officer, violation_of_officer, photo_evidence
):
    evidence, _photo = photo_evidence

    response = client_for(officer).get(
        url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="download")
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="IMG_0042.jpg"' in response["Content-Disposition"]
    b"".join(response.streaming_content)
    assert len(audit_trail(violation_of_officer, AuditAction.DOWNLOAD)) == 1


def test_a_thumbnail_is_not_audited(client_for, dispatcher, violation_of_officer, photo_evidence):
    evidence, photo = photo_evidence

    response = client_for(dispatcher).get(
        url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="thumbnail")
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    thumbnail = b"".join(response.streaming_content)
    assert thumbnail.startswith(b"\xff\xd8\xff")
    assert thumbnail != photo
    assert not AuditRecord.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_an_officer_of_another_unit_cannot_open_the_file(
    client_for, officer_b, violation_of_officer, photo_evidence
):
    evidence, _photo = photo_evidence

    response = client_for(officer_b).get(
        url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="view")
    )

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_coordinates_read_with_a_decimal_point_in_lithuanian_too(client_for, officer):
    """ "54,590000, 25,710000" cannot be told apart from four numbers, nor pasted into a
    GPS: coordinates keep the decimal point whatever the language."""
    violation = draft_of(officer, location=Point(25.71, 54.59, srid=4326))
    client = client_for(officer)
    client.cookies["django_language"] = "lt"

    page = text_of(client.get(url("violation-detail", violation)))

    assert "54.590000, 25.710000" in page
    assert "54,590000" not in page
