"""The small forms of the violation page on a weak network and with bad input: a refused
goods line, vehicle, person or photo comes back as typed with the message at its field
(status 400), and every write carries the device's key, so a re-send after a lost answer
adds nothing twice (cases.services.writes)."""

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import (
    ClientWrite,
    Evidence,
    GoodsLine,
    Violation,
    ViolationEntity,
    ViolationStatus,
)
from cases.services.goods import GoodsInput, goods_line_add
from cases.services.violations import violation_submit
from tests.cases.support import draft_of, jpeg_photo, upload
from tests.cases.test_violation_pages import text_of, url, violation_form
from tests.factories import UserFactory

NEW = reverse("cases:violation-create")
TOBACCO_LINE = GoodsInput(
    hs_code="2402", description="Cigarettes", quantity=Decimal(10), quantity_unit="kg"
)

GOODS = {
    "hs_code": "2402.20",
    "description": "Cigarettes 'Minsk' behind the spare wheel",
    "quantity": "500",
    "quantity_unit": "packs",
    "value_eur": "2250",
    "seized": "on",
}
PERSON = {
    "person-first_name": "Jonas",
    "person-last_name": "Jonaitis",
    "person-birth_date": "1985-04-02",
    "person-nationality": "LT",
    "person-document_type": "passport",
    "person-document_number": "LT1234567",
    "person-document_country": "LT",
    "person-role": "driver",
}
VEHICLE = {
    "vehicle-plate": "ABC-123",
    "vehicle-plate_country": "LT",
    "vehicle-vin": "",
    "vehicle-make_model": "Volvo FH",
    "vehicle-role": "vehicle_used",
}
COMPANY = {
    "company-name": "UAB Krovinys",
    "company-registration_code": "302123455",
    "company-country": "LT",
    "company-role": "carrier",
}


def field_block(page: str, name: str) -> str:
    """The .field element around the control named ``name``: its label, control, errors."""
    start = page.index(f'name="{name}"')
    opening = page.rindex('<div class="field', 0, start)
    return page[opening : page.index("</div>", page.index("</ul>", start))]


def value_of(page: str, name: str, form: str = "goods-form") -> str:
    """The value of the first input named ``name`` in or after the small form ``form``
    (the Submit button's own key comes before them all)."""
    page = page[page.index(f'id="{form}"') :]
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, name
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


# --- Refused: the input stays, the message is at the field ------------------------------
def test_a_refused_goods_line_comes_back_as_typed_with_the_message_at_the_hs_code(
    client_for, officer, violation_of_officer
):
    typed = {**GOODS, "hs_code": "9999 99", "client_key": str(uuid.uuid4())}

    response = client_for(officer).post(url("goods-add", violation_of_officer), typed)

    assert response.status_code == 400
    page = text_of(response)
    block = field_block(page, "hs_code")
    assert "field--error" in block
    assert "Chapter 99 is reserved for national and statistical use" in block
    assert value_of(page, "hs_code") == "9999 99"
    assert value_of(page, "description") == "Cigarettes 'Minsk' behind the spare wheel"
    assert value_of(page, "quantity") == "500"
    assert value_of(page, "value_eur") == "2250"
    # The same key again, so that the corrected form is still the first of its kind.
    assert value_of(page, "client_key") == typed["client_key"]
    # Not only in a banner at the top: no message list, the goods panel open, the form
    # reached by its fragment.
    assert 'class="messages' not in page
    assert re.search(r"<details class=\"add-panel\" open>\s*<summary>Add a goods line", page)
    assert f'action="{url("goods-add", violation_of_officer)}#goods-form"' in page
    assert not GoodsLine.objects.exists()
    assert not ClientWrite.objects.exists()


def test_a_refused_person_keeps_every_field_typed(client_for, officer, violation_of_officer):
    response = client_for(officer).post(
        url("person-add", violation_of_officer), {**PERSON, "person-birth_date": "2090-01-01"}
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "The date of birth is in the future." in field_block(page, "person-birth_date")
    assert value_of(page, "person-first_name") == "Jonas"
    assert value_of(page, "person-last_name") == "Jonaitis"
    assert value_of(page, "person-document_number") == "LT1234567"
    assert re.search(r"<details class=\"add-panel\" open>\s*<summary>Add a person", page)
    assert not ViolationEntity.objects.exists()


def test_a_vehicle_without_plate_or_vin_says_so_above_its_fields(
    client_for, officer, violation_of_officer
):
    response = client_for(officer).post(
        url("vehicle-add", violation_of_officer), {**VEHICLE, "vehicle-plate": ""}
    )

    assert response.status_code == 400
    page = text_of(response)
    form = page[
        page.index('id="vehicle-form"') : page.index("</form>", page.index('id="vehicle-form"'))
    ]
    assert "Give the plate number or the VIN." in form
    assert value_of(page, "vehicle-make_model") == "Volvo FH"


def test_a_refused_photo_keeps_its_description_and_says_why_at_the_file(
    client_for, officer, violation_of_officer
):
    response = client_for(officer).post(
        url("evidence-add", violation_of_officer),
        {
            "file": upload("notes.txt", b"not a photo", "text/plain"),
            "description": "Spare wheel, opened",
        },
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "field--error" in field_block(page, "file")
    assert value_of(page, "description", form="evidence-form") == "Spare wheel, opened"
    assert not Evidence.objects.exists()


# --- Sent twice: done once ----------------------------------------------------------------
def _twice(client: Any, address: str, data: dict[str, Any]) -> list[Any]:
    return [client.post(address, data, follow=True) for _ in range(2)]


def test_a_goods_line_sent_again_after_a_lost_answer_is_added_once(
    client_for, officer, violation_of_officer
):
    client = client_for(officer)
    key = str(uuid.uuid4())

    first, again = _twice(
        client, url("goods-add", violation_of_officer), {**GOODS, "client_key": key}
    )

    assert "Goods line added." in text_of(first)
    assert "Goods line added." in text_of(again)
    [line] = GoodsLine.objects.filter(violation=violation_of_officer)
    [record] = ClientWrite.objects.all()
    assert (record.kind, str(record.client_key), record.result_id) == ("goods", key, line.pk)
    # A new key is a new line, even with the same goods.
    client.post(url("goods-add", violation_of_officer), {**GOODS, "client_key": str(uuid.uuid4())})
    assert GoodsLine.objects.filter(violation=violation_of_officer).count() == 2


def test_the_page_gives_each_form_a_fresh_key(client_for, officer, violation_of_officer):
    page = text_of(client_for(officer).get(url("violation-detail", violation_of_officer)))

    keys = re.findall(r'name="(?:[a-z]+-)?client_key" value="([0-9a-f-]{36})"', page)
    # goods, vehicle, person, company, photo and Submit
    assert len(keys) == 6
    assert len(set(keys)) == 6


def test_people_vehicles_companies_and_photos_sent_again_are_added_once(
    client_for, officer, violation_of_officer
):
    client = client_for(officer)
    photo = jpeg_photo()
    for name, data in (
        ("person-add", {**PERSON, "person-client_key": str(uuid.uuid4())}),
        ("vehicle-add", {**VEHICLE, "vehicle-client_key": str(uuid.uuid4())}),
        ("company-add", {**COMPANY, "company-client_key": str(uuid.uuid4())}),
    ):
        _twice(client, url(name, violation_of_officer), data)
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(
            url("evidence-add", violation_of_officer),
            {"file": upload("wheel.jpg", photo), "description": "Wheel", "client_key": key},
        )

    assert ViolationEntity.objects.filter(violation=violation_of_officer).count() == 3
    assert Evidence.objects.filter(violation=violation_of_officer).count() == 1
    assert ClientWrite.objects.count() == 4


def test_a_submit_sent_again_answers_submitted_not_only_a_draft(
    client_for, officer, violation_of_officer
):
    key = str(uuid.uuid4())

    first, again = _twice(
        client_for(officer), url("violation-submit", violation_of_officer), {"client_key": key}
    )

    reference = violation_of_officer.reference
    assert f"{reference} submitted for verification." in text_of(first)
    assert f"{reference} submitted for verification." in text_of(again)
    assert "Only a draft can be submitted." not in text_of(again)
    violation_of_officer.refresh_from_db()
    assert violation_of_officer.status == ViolationStatus.SUBMITTED


def test_a_refused_submit_is_said_at_the_button_with_status_400(client_for, officer):
    draft = draft_of(officer, location=None)

    response = client_for(officer).post(
        url("violation-submit", draft), {"client_key": str(uuid.uuid4())}
    )

    assert response.status_code == 400
    page = text_of(response)
    errors = page[page.index('id="submit-errors"') :]
    assert "Give the location" in errors[: errors.index("</ul>")]
    assert not ClientWrite.objects.exists()


@pytest.fixture
def colleague(officer):
    """Another officer of the same unit, who may edit the same violations."""
    return UserFactory(username="officer_a2", org_unit=officer.org_unit, roles=["officer"])


def test_a_key_of_another_officer_is_refused(officer, colleague, violation_of_officer):
    key = uuid.uuid4()
    goods_line_add(actor=officer, violation=violation_of_officer, data=TOBACCO_LINE, client_key=key)

    with pytest.raises(ValidationError) as refused:
        goods_line_add(
            actor=colleague, violation=violation_of_officer, data=TOBACCO_LINE, client_key=key
        )

    assert refused.value.message_dict == {
        "client_key": ["This key belongs to another user's entry."]
    }
    assert GoodsLine.objects.count() == 1


# --- A correction sent after a lost answer ------------------------------------------------
def test_a_correction_of_a_draft_already_saved_updates_it(client_for, officer):
    client = client_for(officer)
    form = violation_form(narrative="Cigarettes behind the spare wheel.")
    client.post(NEW, form)  # the server saved it; the answer was lost
    violation = Violation.objects.get(client_key=form["client_key"])

    response = client.post(
        NEW,
        {**form, "narrative": "Cigarettes behind the spare wheel and in the roof."},
        follow=True,
    )

    assert response.status_code == 200
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes behind the spare wheel and in the roof."
    assert Violation.objects.count() == 1


def test_a_correction_after_the_draft_was_submitted_is_refused_plainly(client_for, officer):
    client = client_for(officer)
    form = violation_form(coordinates="54.5395, 25.6536")
    client.post(NEW, form)
    violation = Violation.objects.get(client_key=form["client_key"])
    violation_submit(actor=officer, violation=violation)

    response = client.post(NEW, {**form, "narrative": "Changed later."})

    assert response.status_code == 200  # the form again, with the message
    assert (
        f"{violation.reference} was already submitted, so this correction was not saved."
        in text_of(response)
    )
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes behind the spare wheel."


def test_an_old_correction_arriving_late_does_not_undo_a_newer_one(
    client_for, officer, violation_of_officer
):
    client = client_for(officer)
    edit = url("violation-edit", violation_of_officer)
    first = {**violation_form(narrative="First correction."), "client_key": str(uuid.uuid4())}
    client.post(edit, first)
    client.post(
        edit, {**violation_form(narrative="Second correction."), "client_key": str(uuid.uuid4())}
    )

    client.post(edit, first)  # the first one again, its answer had been lost

    violation_of_officer.refresh_from_db()
    assert violation_of_officer.narrative == "Second correction."


# --- The API --------------------------------------------------------------------------------
def test_the_api_adds_a_goods_line_once_per_key(api_client_for, officer, violation_of_officer):
    client = api_client_for(officer)
    address = reverse("api:violation-goods", kwargs={"pk": violation_of_officer.pk})
    body = {
        "hs_code": "240220",
        "description": "Cigarettes",
        "quantity": "500",
        "quantity_unit": "packs",
        "client_key": str(uuid.uuid4()),
    }

    first = client.post(address, body, format="json")
    again = client.post(address, body, format="json")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert GoodsLine.objects.count() == 1


def test_the_api_submits_and_links_once_per_key(api_client_for, officer, violation_of_officer):
    client = api_client_for(officer)
    entity_body = {
        "kind": "vehicle",
        "role": "vehicle_used",
        "values": {"plate": "ABC123", "plate_country": "LT"},
        "client_key": str(uuid.uuid4()),
    }
    entities = reverse("api:violation-entities", kwargs={"pk": violation_of_officer.pk})
    submit = reverse("api:violation-submit", kwargs={"pk": violation_of_officer.pk})
    submit_body = {"client_key": str(uuid.uuid4())}

    linked = [client.post(entities, entity_body, format="json") for _ in range(2)]
    submitted = [client.post(submit, submit_body, format="json") for _ in range(2)]

    assert [r.status_code for r in linked] == [201, 201]
    assert linked[0].json()["id"] == linked[1].json()["id"]
    assert [r.status_code for r in submitted] == [200, 200]
    assert ViolationEntity.objects.count() == 1
    # Without a key, as before: a second submit is refused.
    assert client.post(submit, {}, format="json").status_code == 400
