"""The mapping step of an import offers, for each column, the properties of the schema
of the entity the column goes to, labelled in the reader's language with the property's
name as the value; a property the schema lacks is refused beside the column with the
schema named."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.forms.imports import schema_property_choices
from cases.models import DataImport
from cases.services.imports.upload import data_import_upload
from tests.cases.import_support import COLUMNS, csv_bytes, declarations_mapping

pytestmark = pytest.mark.django_db

COMPANY = COLUMNS.index("company")
DRIVER_FIRST = COLUMNS.index("driver_first")


@pytest.fixture
def analyst_client(analyst, client_for):
    return client_for(analyst)


@pytest.fixture
def waiting(analyst) -> DataImport:
    return data_import_upload(
        actor=analyst,
        upload=SimpleUploadedFile("declarations.csv", csv_bytes()),
        dataset="Declarations",
    )


def options_of(html: str, index: int) -> dict[str, str]:
    """The options of a column's property list: value -> label."""
    select = re.search(rf'<select name="property_{index}".*?</select>', html, re.S)
    assert select is not None, f"no property list for column {index}"
    return {
        value: label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])
    }


def test_a_schemas_properties_are_its_own_without_ftm_bookkeeping_or_entity_links():
    person = dict(schema_property_choices("Person"))

    assert person["firstName"] == "First name"
    assert person["birthDate"] == "Birth date"
    assert "registrationNumber" in person
    assert "addressEntity" not in person  # an entity link: a relation, not a column
    assert "proof" not in person
    assert "indexText" not in person  # hidden
    assert "imoNumber" not in person  # a Vessel's
    assert schema_property_choices("NoSuchSchema") == []


def test_a_redisplayed_form_lists_the_chosen_schemas_properties_for_each_column(
    analyst_client, waiting
):
    response = analyst_client.post(
        waiting.get_absolute_url(),
        {
            "encoding": waiting.encoding,
            "schema_A": "Company",
            "schema_C": "Person",
            "target_1": "A",
            "property_1": "name",
            f"target_{DRIVER_FIRST}": "C",
            f"property_{DRIVER_FIRST}": "firstName",
            "target_2": "C",
            "property_2": "imoNumber",  # a vessel's, not a person's
        },
    )
    html = response.content.decode()

    assert response.status_code == 400
    driver = options_of(html, DRIVER_FIRST)
    assert driver["firstName"] == "First name"
    assert "jurisdiction" in driver
    assert "vatCode" in options_of(html, COMPANY)
    assert "firstName" not in options_of(html, COMPANY)
    assert re.search(r'<option value="firstName"[^>]*selected', html)
    assert "Entity C: a Person has no property “imoNumber”." in html
    assert "property_2-errors" in html
    assert response.context["form"].errors["property_2"]
    assert waiting.job_id is None


def test_the_labels_are_lithuanian_for_a_lithuanian_reader(analyst_client, waiting):
    response = analyst_client.post(
        waiting.get_absolute_url(),
        {
            "encoding": waiting.encoding,
            "schema_C": "Person",
            f"target_{DRIVER_FIRST}": "C",
            f"property_{DRIVER_FIRST}": "bogus",
        },
        HTTP_ACCEPT_LANGUAGE="lt",
    )
    driver = options_of(response.content.decode(), DRIVER_FIRST)

    assert driver["firstName"] == "Vardas"
    assert driver["lastName"] == "Pavardė"
    assert driver["birthDate"] == "Gimimo data"
    assert driver["bogus"] == "bogus"  # kept as sent, beside its error


def test_before_any_schema_a_column_offers_nothing_and_the_script_has_every_list(
    analyst_client, waiting
):
    response = analyst_client.get(waiting.get_absolute_url())
    html = response.content.decode()

    assert options_of(html, 0) == {"": "—"}
    data = re.search(r'<script id="ftm-schema-properties"[^>]*>(.*?)</script>', html, re.S)
    assert data is not None
    by_schema = json.loads(data[1])
    assert ["imoNumber", "IMO Number"] in by_schema["Vessel"]
    assert "firstName" not in dict(by_schema["Company"])
    assert "cases/import_mapping" in html


def test_a_property_of_an_entity_without_a_schema_is_refused_by_name(analyst_client, waiting):
    response = analyst_client.post(
        waiting.get_absolute_url(),
        {"encoding": waiting.encoding, "target_1": "B", "property_1": "name"},
    )

    assert response.status_code == 400
    assert "Entity B has no schema: choose it above to map “company”." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.job_id is None


def test_with_a_saved_mapping_the_columns_below_are_not_checked(analyst_client, waiting):
    mapping = declarations_mapping()

    response = analyst_client.post(
        waiting.get_absolute_url(),
        {"encoding": waiting.encoding, "saved": mapping.pk, "target_1": "B", "property_1": "x"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.mapping == mapping


def test_without_the_script_the_schemata_sent_bring_their_lists_back(analyst_client, waiting):
    response = analyst_client.post(
        waiting.get_absolute_url(),
        {"encoding": waiting.encoding, "schema_A": "Company", "target_1": "A"},
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert "Entity A: map at least one column to it." in html
    assert options_of(html, 1)["registrationNumber"] == "Registration number"
