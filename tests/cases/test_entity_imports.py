"""Imports into the entity registry: every format and encoding, a mapping that makes a
company, a vehicle and a driver of each row with their links, provenance on every
record, an idempotent re-import, exact identifiers merged and near names proposed, the
error report, "import the valid rows", hostile files refused with nothing written, and
the same import from the API."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import (
    DataImport,
    Entity,
    EntityMatch,
    ImportedRecord,
    ImportStatus,
    ProvenanceKind,
    Relation,
)
from cases.services.entities import entity_resolve
from portal.models import JobStatus
from portal.services.jobs import job_run
from tests.cases.import_support import (
    BILLION_LAUGHS,
    DECLARATION_FILES,
    EXTERNAL_ENTITY,
    ROWS,
    SHARED,
    csv_bytes,
    declarations_mapping,
    xlsx_bytes,
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.django_db


def upload(client, name: str, content: bytes, dataset: str = "Declarations"):
    return client.post(
        reverse("entities:import-list"),
        {"file": SimpleUploadedFile(name, content), "dataset": dataset},
    )


def uploaded(client, name: str, content: bytes, dataset: str = "Declarations") -> DataImport:
    response = upload(client, name, content, dataset)
    assert response.status_code == 302, response.context["form"].errors
    return DataImport.objects.latest("pk")


def start(client, data_import: DataImport, mapping=None, **fields) -> None:
    data = {"saved": mapping.pk if mapping else "", **fields}
    if data_import.encoding and "encoding" not in data:
        data["encoding"] = data_import.encoding
    response = client.post(data_import.get_absolute_url(), data)
    assert response.status_code == 302, response.context["form"].errors


def run(data_import: DataImport) -> DataImport:
    data_import.refresh_from_db()
    assert data_import.job_id is not None
    job_run(job_id=data_import.job_id)
    data_import.refresh_from_db()
    return data_import


def import_file(client, name, content, mapping, **fields) -> DataImport:
    data_import = uploaded(client, name, content)
    start(client, data_import, mapping, **fields)
    return run(data_import)


@pytest.fixture
def analyst_client(analyst, client_for):
    return client_for(analyst)


def assert_declarations_imported(data_import: DataImport) -> None:
    assert data_import.status == ImportStatus.DONE, data_import.message
    assert (data_import.rows_read, data_import.rows_valid, data_import.rows_invalid) == (2, 2, 0)
    # One company and one vehicle (the second row's are the same identifiers), two people.
    assert data_import.entities_created == 4
    assert data_import.entities_matched == 2
    company = Entity.objects.get(kind="Company")
    assert company.key == "LT:302123455"
    assert company.label == "Šiaurės krovinys UAB"
    vehicle = Entity.objects.get(kind="Vehicle")
    assert vehicle.key == "LT:ABC123"
    drivers = sorted(Entity.objects.filter(kind="Person").values_list("label", flat=True))
    assert drivers == ["Ona Ąžuolienė", "Žydrūnas Čiurlionis"]
    person = Entity.objects.get(label="Žydrūnas Čiurlionis")
    assert person.properties["birthDate"] == ["1980-02-03"]
    assert person.properties["phone"] == ["+37061234567"]
    # Provenance: dataset, the file's SHA-256 and the row.
    digest = data_import.sha256[:16]
    assert person.provenance == f"import Declarations sha256:{digest} row 2" or (
        person.provenance == f"import Declarations sha256:{digest} row 1"
    )
    ownership = Relation.objects.get(kind="Ownership")
    assert (ownership.source, ownership.target) == (company, vehicle)
    assert ownership.provenance_kind == ProvenanceKind.IMPORT
    assert digest in ownership.provenance
    assert Relation.objects.filter(kind="Employment", target=company).count() == 2


@pytest.mark.parametrize("file_format", sorted(DECLARATION_FILES))
def test_each_format_gives_the_companies_vehicles_drivers_and_their_links(
    file_format, analyst_client
):
    name, make = DECLARATION_FILES[file_format]
    record_element = "declaration" if file_format == "xml" else ""
    mapping = declarations_mapping(file_format, record_element)
    fields = {"record_element": record_element} if record_element else {}

    data_import = import_file(analyst_client, name, make(), mapping, **fields)

    assert data_import.file_format == file_format
    assert_declarations_imported(data_import)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1257"])
def test_a_csv_in_each_regional_encoding_is_detected_shown_and_read(encoding, analyst_client):
    data_import = uploaded(analyst_client, "declarations.csv", csv_bytes(encoding=encoding))

    page = analyst_client.get(data_import.get_absolute_url()).content.decode()

    expected = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "cp1257": "cp1257"}[encoding]
    assert data_import.detected_encoding == expected
    assert f"<dd data-detected-encoding>{expected}</dd>" in page
    assert "Žydrūnas" in page
    assert "Šiaurės krovinys UAB" in page
    start(analyst_client, data_import, declarations_mapping())
    assert_declarations_imported(run(data_import))


def test_a_cyrillic_file_in_windows_1251_is_read_and_the_encoding_can_be_overridden(
    analyst_client,
):
    rows = [["D-9", "Север", "", "", "", "", "Иван", "Жуков", "1971-04-02", ""]] * 3
    data_import = uploaded(analyst_client, "ru.csv", csv_bytes(rows, encoding="cp1251"))
    assert data_import.detected_encoding == "cp1251"
    assert "Жуков" in analyst_client.get(data_import.get_absolute_url()).content.decode()

    # Read as Windows-1257 instead, the preview shows what that would give.
    page = analyst_client.get(data_import.get_absolute_url() + "?encoding=cp1257")
    assert "Жуков" not in page.content.decode()
    assert 'value="cp1257" selected' in page.content.decode()


def test_geojson_features_become_places_with_their_coordinates(analyst_client):
    from cases.models import ImportMapping

    mapping = ImportMapping.objects.create(
        name="Ports",
        file_format="geojson",
        entities=[
            {
                "ref": "A",
                "schema": "Address",
                "properties": {
                    "full": "name",
                    "latitude": "geometry.latitude",
                    "longitude": "geometry.longitude",
                },
            }
        ],
    )
    content = (SHARED / "02-poi" / "ne_10m_ports_baltic.geojson").read_bytes()

    data_import = import_file(analyst_client, "ports.geojson", content, mapping)

    assert data_import.status == ImportStatus.DONE, data_import.message
    assert data_import.rows_read == 5
    klaipeda = Entity.objects.get(kind="Address", label__icontains="Klaip")
    assert float(klaipeda.properties["latitude"][0]) == pytest.approx(55.7, abs=0.1)
    assert float(klaipeda.properties["longitude"][0]) == pytest.approx(21.1, abs=0.1)


def test_the_un_sanctions_xml_is_read_by_its_entity_element(analyst_client):
    from cases.models import ImportMapping

    mapping = ImportMapping.objects.create(
        name="UN entities",
        file_format="xml",
        record_element="ENTITY",
        entities=[
            {
                "ref": "A",
                "schema": "Organization",
                "properties": {"name": "FIRST_NAME", "alias": "ENTITY_ALIAS.ALIAS_NAME"},
            }
        ],
    )
    content = (SHARED / "04-sanctions" / "un_sc_consolidated_list_2026-02-27.xml").read_bytes()
    data_import = uploaded(analyst_client, "un.xml", content)
    page = analyst_client.get(data_import.get_absolute_url()).content.decode()
    assert '<option value="INDIVIDUAL" selected>' in page  # proposed: the shallowest record

    start(analyst_client, data_import, mapping, record_element="ENTITY", valid_rows_only="on")
    data_import = run(data_import)

    assert data_import.status == ImportStatus.DONE, data_import.message
    assert data_import.rows_read == 273
    assert data_import.rows_valid > 260
    assert data_import.entities_created + data_import.entities_matched == data_import.rows_valid
    assert Entity.objects.filter(kind="Organization").count() == data_import.entities_created


def test_an_ftm_stream_goes_through_the_registry_ftm_import(analyst_client):
    content = (SHARED / "03-ftm" / "opensanctions_eu_fsf_sample.ftm.jsonl").read_bytes()
    data_import = uploaded(analyst_client, "eu_fsf.ftm.jsonl", content)
    assert data_import.file_format == "ftm"

    start(analyst_client, data_import)
    data_import = run(data_import)

    assert data_import.status == ImportStatus.DONE, data_import.message
    assert data_import.entities_created == Entity.objects.count() > 0
    assert all(data_import.sha256[:16] in e.provenance for e in Entity.objects.all())


def test_reimporting_the_same_file_changes_nothing(analyst_client):
    mapping = declarations_mapping()
    import_file(analyst_client, "declarations.csv", csv_bytes(), mapping)
    before = (Entity.objects.count(), Relation.objects.count(), ImportedRecord.objects.count())

    again = import_file(analyst_client, "copy-of-declarations.csv", csv_bytes(), mapping)

    assert again.status == ImportStatus.DONE
    assert (again.rows_skipped, again.entities_created, again.relations_created) == (2, 0, 0)
    after = (Entity.objects.count(), Relation.objects.count(), ImportedRecord.objects.count())
    assert after == before


def test_an_exact_identifier_joins_the_registry_entity_and_a_near_name_is_proposed(
    analyst, analyst_client
):
    known, _created = entity_resolve(
        actor=analyst,
        kind="Company",
        values={"name": "Siaures krovinys", "registration_code": "302123455", "country": "LT"},
    )
    near, _created = entity_resolve(
        actor=analyst,
        kind="Person",
        values={"first_name": "Zydrunas", "last_name": "Ciurlionis"},
        properties={"birthDate": ["1980-02-03"]},
    )

    data_import = import_file(
        analyst_client, "declarations.csv", csv_bytes(), declarations_mapping()
    )

    assert Entity.objects.filter(kind="Company").count() == 1
    known.refresh_from_db()
    assert "Šiaurės krovinys UAB" in known.properties["name"]  # the row's name joined it
    assert data_import.entities_matched == 3
    imported = Entity.objects.get(label="Žydrūnas Čiurlionis")
    assert EntityMatch.objects.filter(left=near, right=imported).exists()


BAD_ROWS = [
    *ROWS,
    [
        "D-3",
        "Blogas UAB",
        "302123456",
        "LT",
        "ABC124",
        "LT",
        "Jonas",
        "Jonaitis",
        "not a date",
        "+37061234569",
    ],
]


def test_a_file_with_an_invalid_row_imports_nothing_and_reports_why(analyst_client):
    data_import = import_file(
        analyst_client, "declarations.csv", csv_bytes(BAD_ROWS), declarations_mapping()
    )

    assert data_import.status == ImportStatus.REFUSED
    assert data_import.job is not None
    assert data_import.job.status == JobStatus.FAILED
    assert "1 of 3 rows have problems; nothing was imported" in data_import.message
    assert Entity.objects.count() == 0
    assert Relation.objects.count() == 0
    response = analyst_client.get(reverse("entities:import-errors", args=[data_import.pk]))
    report = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert report[0] == ["row", "column", "value", "reason"]
    by_column = {line[1]: line for line in report[1:]}
    assert by_column["company_code"][0] == "4"
    assert by_column["company_code"][2] == "302123456"
    assert "check digit" in by_column["company_code"][3]
    assert by_column["driver_born"][2] == "not a date"
    page = analyst_client.get(data_import.get_absolute_url()).content.decode()
    assert "Download the error report (CSV)" in page


def test_import_the_valid_rows_writes_them_and_reports_the_others(analyst_client):
    data_import = import_file(
        analyst_client,
        "declarations.csv",
        csv_bytes(BAD_ROWS),
        declarations_mapping(),
        valid_rows_only="on",
    )

    assert data_import.status == ImportStatus.DONE
    assert (data_import.rows_valid, data_import.rows_invalid) == (2, 1)
    assert not Entity.objects.filter(label__contains="Blogas").exists()
    assert Entity.objects.filter(kind="Person").count() == 2
    assert data_import.error_report


def test_a_formula_is_kept_as_text_never_evaluated(analyst_client):
    rows = [["D-1", "=1+1", "", "", "", "", "Jonas", '=HYPERLINK("http://x")', "", ""]]
    data_import = import_file(
        analyst_client, "formulas.xlsx", xlsx_bytes(rows), declarations_mapping("xlsx")
    )

    assert data_import.status == ImportStatus.DONE, data_import.message
    assert Entity.objects.get(kind="Company").label == "=1+1"
    assert Entity.objects.get(kind="Person").properties["lastName"] == ['=HYPERLINK("http://x")']


HOSTILE = {
    "billion-laughs": ("lol.xml", BILLION_LAUGHS, "declares entities"),
    "external-entity": ("xxe.xml", EXTERNAL_ENTITY, "declares entities"),
    "zip-bomb": ("bomb.xlsx", zip_bomb_xlsx(), "refused as a zip bomb"),
    "not-a-workbook": ("fake.xlsx", b"PK\x03\x04 not a zip", "cannot be read as an Excel"),
    "unknown-kind": ("tool.exe", b"MZ\x90\x00", "is not a file an import reads"),
    "empty": ("empty.csv", b"", "The submitted file is empty"),
    "broken-json": ("broken.json", b'[{"a": 1}, {"a": ', "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_at_upload_with_its_reason_and_nothing_kept(
    case, analyst_client, settings
):
    name, content, message = HOSTILE[case]

    response = upload(analyst_client, name, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert DataImport.objects.count() == 0
    assert (
        not list((settings.MEDIA_ROOT / "imports").rglob("*"))
        if (settings.MEDIA_ROOT / "imports").exists()
        else True
    )


def test_size_and_column_limits_are_refused_at_upload(analyst_client, settings):
    settings.ENTITY_IMPORT_MAX_BYTES = 100
    response = upload(analyst_client, "big.csv", csv_bytes())
    assert "larger than 100" in response.content.decode()

    settings.ENTITY_IMPORT_MAX_BYTES = 10_000
    settings.ENTITY_IMPORT_MAX_COLUMNS = 5
    response = upload(analyst_client, "wide.csv", csv_bytes())
    assert "The file has 10 columns; an import accepts at most 5." in response.content.decode()
    assert DataImport.objects.count() == 0


def test_a_row_limit_met_while_importing_refuses_the_file_and_writes_nothing(
    analyst_client, settings
):
    data_import = uploaded(analyst_client, "declarations.csv", csv_bytes())
    settings.ENTITY_IMPORT_MAX_ROWS = 1
    start(analyst_client, data_import, declarations_mapping())

    data_import = run(data_import)

    assert data_import.status == ImportStatus.REFUSED
    assert "more than 1 rows" in data_import.message
    assert Entity.objects.count() == 0


def test_an_entity_bomb_deep_in_an_xml_file_is_refused_by_the_job(analyst_client):
    # The preview reads the start; the job reads the whole file and meets the DTD late.
    content = b"<rows>" + b"<row><name>x</name></row>" * 3 + b"</rows>"
    data_import = uploaded(analyst_client, "rows.xml", content)
    data_import.file.open("wb").write(BILLION_LAUGHS)
    data_import.file.close()
    start(analyst_client, data_import, declarations_mapping("xml", "row"), record_element="row")

    data_import = run(data_import)

    assert data_import.status == ImportStatus.REFUSED
    assert "declares entities" in data_import.message
    assert Entity.objects.count() == 0


def test_the_uploaded_name_loses_its_path(analyst_client):
    data_import = uploaded(analyst_client, "../../etc/cron.d/declarations.csv", csv_bytes())

    assert data_import.original_name == "declarations.csv"
    assert data_import.file.name.startswith("imports/")
    assert ".." not in data_import.file.name


def test_a_saved_mapping_is_offered_again_and_a_new_one_saved_from_the_columns(analyst_client):
    data_import = uploaded(analyst_client, "declarations.csv", csv_bytes())
    fields = {
        "encoding": data_import.encoding,
        "schema_A": "Company",
        "save_as": "Carriers",
        "target_1": "A",
        "property_1": "name",
        "target_2": "A",
        "property_2": "registrationNumber",
        "target_3": "A",
        "property_3": "jurisdiction",
    }
    response = analyst_client.post(data_import.get_absolute_url(), fields)
    assert response.status_code == 302

    data_import = run(data_import)

    assert data_import.mapping is not None
    assert data_import.mapping.name == "Carriers"
    assert data_import.mapping.entities == [
        {
            "ref": "A",
            "schema": "Company",
            "properties": {
                "name": "company",
                "registrationNumber": "company_code",
                "jurisdiction": "company_country",
            },
        }
    ]
    assert Entity.objects.get().key == "LT:302123455"
    second = uploaded(analyst_client, "more.csv", csv_bytes())
    page = analyst_client.get(second.get_absolute_url() + f"?mapping={data_import.mapping.pk}")
    assert 'value="registrationNumber"' in page.content.decode()


def test_a_mapping_naming_a_property_the_schema_lacks_is_refused(analyst_client):
    data_import = uploaded(analyst_client, "declarations.csv", csv_bytes())
    response = analyst_client.post(
        data_import.get_absolute_url(),
        {
            "encoding": data_import.encoding,
            "schema_A": "Vehicle",
            "target_1": "A",
            "property_1": "birthDate",
        },
    )

    assert response.status_code == 400
    assert "Entity A: a Vehicle has no property “birthDate”." in response.content.decode()
    assert data_import.job_id is None


def test_the_api_imports_a_file_with_a_saved_mapping(analyst, api_client_for):
    mapping = declarations_mapping()
    client = api_client_for(analyst)

    response = client.post(
        reverse("api:entity-import-create"),
        {
            "file": SimpleUploadedFile("declarations.csv", csv_bytes()),
            "mapping": mapping.pk,
            "dataset": "Declarations",
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["job"]
    assert_declarations_imported(run(DataImport.objects.get(pk=body["id"])))
    detail = client.get(reverse("api:entity-import-detail", args=[body["id"]])).json()
    assert detail["entities_created"] == 4
    mappings = client.get(reverse("api:import-mapping-list")).json()
    assert [m["name"] for m in mappings] == ["Declarations (csv)"]


def test_the_api_refuses_a_mapping_of_another_format_and_keeps_nothing(analyst, api_client_for):
    mapping = declarations_mapping("xlsx")
    response = api_client_for(analyst).post(
        reverse("api:entity-import-create"),
        {"file": SimpleUploadedFile("declarations.csv", csv_bytes()), "mapping": mapping.pk},
        format="multipart",
    )

    assert response.status_code == 400
    assert DataImport.objects.count() == 0


@pytest.mark.parametrize("role", ["officer", "dispatcher"])
def test_officers_and_dispatchers_may_not_import(role, personas, client_for, api_client_for):
    assert client_for(personas[role]).get(reverse("entities:import-list")).status_code == 403
    response = api_client_for(personas[role]).post(
        reverse("api:entity-import-create"),
        {"file": SimpleUploadedFile("declarations.csv", csv_bytes())},
        format="multipart",
    )
    assert response.status_code == 403
    assert DataImport.objects.count() == 0


def test_an_administrator_imports_too(administrator, client_for):
    client = client_for(administrator)
    data_import = import_file(client, "declarations.csv", csv_bytes(), declarations_mapping())
    assert_declarations_imported(data_import)


def test_a_cancelled_import_writes_nothing_and_may_be_started_again(analyst, analyst_client):
    from portal.services.jobs import job_cancel

    mapping = declarations_mapping()
    data_import = uploaded(analyst_client, "declarations.csv", csv_bytes())
    start(analyst_client, data_import, mapping)
    data_import.refresh_from_db()
    assert data_import.job is not None

    job_cancel(actor=analyst, job=data_import.job)

    data_import.refresh_from_db()
    assert data_import.job is not None
    assert data_import.job.status == JobStatus.CANCELLED
    assert Entity.objects.count() == 0
    page = analyst_client.get(data_import.get_absolute_url()).content.decode()
    assert "Start the import" in page
    start(analyst_client, data_import, mapping)
    assert_declarations_imported(run(data_import))


def test_every_entity_an_import_touches_keeps_its_count_of_relations(analyst, analyst_client):
    """New entities are written after their relations and count them as they are
    inserted; entities already in the registry are counted up by the relations' trigger."""
    from django.db import connection

    known, _created = entity_resolve(
        actor=analyst,
        kind="Company",
        values={"name": "Siaures krovinys", "registration_code": "302123455", "country": "LT"},
    )
    import_file(analyst_client, "declarations.csv", csv_bytes(), declarations_mapping())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.label, e.relation_count,"
            " (SELECT count(*) FROM cases_relation r WHERE r.source_id = e.id)"
            " + (SELECT count(*) FROM cases_relation r WHERE r.target_id = e.id)"
            " FROM cases_entity e"
        )
        counts = {label: (stored, actual) for label, stored, actual in cursor.fetchall()}
    # The carrier (known before) owns the truck and employs both drivers.
    assert counts[known.label] == (3, 3)
    assert all(stored == actual > 0 for stored, actual in counts.values()), counts
