"""The registry speaks followthemoney: FtM JSON lines come in and go out again without
loss (ids, schemata, every property value), interstitial entities become relations and
come back as the same entities, and a bad file is refused whole with its line numbers."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases.models import Entity, EntityKind, PortalLink, ProvenanceKind, Relation
from cases.services.entities import entity_resolve
from cases.services.ftm import ftm_export_lines, ftm_import
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

# The openly licensed FtM samples kept beside the repository (shared/data/03-ftm).
FTM_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "03-ftm"
FTM_FILES = sorted(FTM_DATA.glob("*.jsonl")) if FTM_DATA.is_dir() else []


@pytest.fixture
def _shared_ftm_files() -> None:
    """The round trip is proved on the real files; without them the test fails and says
    where they belong, rather than passing unseen."""
    assert len(FTM_FILES) == 3, f"the three shared FtM samples are expected in {FTM_DATA}"


needs_shared_data = pytest.mark.usefixtures("_shared_ftm_files")


def records_of(path: Path) -> dict[str, dict]:
    return {
        record["id"]: record
        for record in (json.loads(line) for line in path.read_text("utf-8").splitlines() if line)
    }


@needs_shared_data
@pytest.mark.parametrize("path", FTM_FILES, ids=lambda p: p.name)
def test_an_ftm_file_comes_back_from_the_registry_as_it_went_in(path, analyst):
    original = records_of(path)
    content = path.read_bytes()

    result = ftm_import(
        actor=analyst,
        lines=content.decode("utf-8").splitlines(),
        source_name=path.name,
        content=content,
    )

    exported = {
        record["id"]: record
        for record in map(json.loads, ftm_export_lines(entities=Entity.objects.all()))
    }
    assert set(exported) == set(original)
    for entity_id, record in original.items():
        back = exported[entity_id]
        assert back["schema"] == record["schema"], entity_id
        assert back["properties"] == record["properties"], entity_id
        assert back == record, entity_id
    edges = [
        r
        for r in original.values()
        if r["schema"] in ("Ownership", "Directorship", "Family", "Payment")
    ]
    assert result.relations_created == len(edges)
    # Beside them, each address a thing names is a link of the portal's own (the chart
    # shows it), which the export left out: the property above carried it.
    assert Relation.objects.exclude(kind=PortalLink.HAS_ADDRESS).count() == len(edges)
    named = {
        (entity_id, address)
        for entity_id, record in original.items()
        for address in record["properties"].get("addressEntity", [])
        if original.get(address, {}).get("schema") == "Address"
    }
    links = Relation.objects.filter(kind=PortalLink.HAS_ADDRESS)
    assert set(links.values_list("source__ftm_id", "target__ftm_id")) == named
    assert result.address_links_created == len(named)


@needs_shared_data
def test_interstitial_entities_become_dated_relations_with_their_provenance(analyst):
    path = FTM_DATA / "opensanctions_zala_aero_cluster.ftm.jsonl"
    ftm_import(actor=analyst, lines=path.read_text("utf-8").splitlines(), source_name=path.name)

    ownerships = Relation.objects.filter(kind="Ownership").select_related("source", "target")
    assert ownerships.count() == 14
    record = next(r for r in records_of(path).values() if r["schema"] == "Ownership")
    relation = Relation.objects.get(ftm_id=record["id"])
    assert relation.source.ftm_id == record["properties"]["owner"][0]
    assert relation.target.ftm_id == record["properties"]["asset"][0]
    assert relation.provenance_kind == ProvenanceKind.IMPORT
    assert relation.provenance.startswith(f"import {path.name}")
    if record["properties"].get("startDate"):
        assert relation.valid_from is not None
    family = Relation.objects.filter(kind="Family").first()
    assert family is not None
    assert family.source.kind == "Person"


@needs_shared_data
def test_importing_the_same_file_twice_updates_instead_of_duplicating(analyst):
    path = FTM_DATA / "opensanctions_eu_fsf_sample.ftm.jsonl"
    lines = path.read_text("utf-8").splitlines()
    ftm_import(actor=analyst, lines=lines, source_name=path.name)
    again = ftm_import(actor=analyst, lines=lines, source_name=path.name)

    assert (again.entities_created, again.entities_updated) == (0, len(lines))
    assert Entity.objects.count() == len(lines)


@needs_shared_data
def test_the_management_commands_import_and_export_a_file(tmp_path, analyst):
    path = FTM_DATA / "parteispenden_donations.ftm.jsonl"
    out = StringIO()
    call_command("ftm_import", str(path), "--user", analyst.username, stdout=out)
    assert "relations: 290 new" in out.getvalue()

    target = tmp_path / "export.jsonl"
    call_command("ftm_export", str(target), stdout=StringIO())

    assert records_of(target) == records_of(path)
    assert AuditRecord.objects.filter(action="export", object_type="cases.entity").exists()


def test_an_entity_registered_here_is_exported_as_ftm_with_a_stable_id(officer):
    person, _new = entity_resolve(
        actor=officer,
        kind=EntityKind.PERSON,
        values={"first_name": "Ona", "last_name": "Onaitė"},
        properties={"birth_date": "1980-02-03", "nationality": "LT"},
    )

    (line,) = list(ftm_export_lines(entities=Entity.objects.filter(pk=person.pk)))

    record = json.loads(line)
    assert record["id"] == person.ftm_id
    assert record["id"].startswith("cep-")
    assert record["schema"] == "Person"
    assert record["properties"]["birthDate"] == ["1980-02-03"]
    assert record["properties"]["nationality"] == ["lt"]
    assert record["properties"]["firstName"] == ["Ona"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2 is not JSON."),
        ('{"schema": "Person", "properties": {}}', "line 2 has no “id”."),
        (
            '{"id": "x1", "schema": "Spaceship", "properties": {}}',
            "line 2: “Spaceship” is not a followthemoney schema.",
        ),
        (
            '{"id": "x1", "schema": "Person", "properties": {"wingspan": ["3"]}}',
            "line 2: Person has no property “wingspan”.",
        ),
        (
            '{"id": "x1", "schema": "Person", "properties": {"name": "Ona"}}',
            "line 2: the values of “name” are not a list of texts.",
        ),
        ("[1, 2]", "line 2 is not an FtM entity (a JSON object)."),
    ],
)
def test_a_bad_line_refuses_the_whole_file_and_writes_nothing(line, message, analyst):
    good = '{"id": "ok-1", "schema": "Person", "properties": {"name": ["Ona Onaitė"]}}'

    with pytest.raises(ValidationError) as refused:
        ftm_import(actor=analyst, lines=[good, line], source_name="bad.jsonl")

    assert refused.value.message_dict["file"] == [message]
    assert not Entity.objects.exists()


def test_an_empty_file_is_refused(analyst):
    with pytest.raises(ValidationError) as refused:
        ftm_import(actor=analyst, lines=["", "  "], source_name="empty.jsonl")
    assert refused.value.message_dict["file"] == ["The file holds no FtM entities."]


def test_a_value_ftm_does_not_accept_is_kept_and_reported(analyst):
    line = '{"id": "p1", "schema": "Person", "properties": {"birthDate": ["not a date"]}}'

    result = ftm_import(actor=analyst, lines=[line], source_name="odd.jsonl")

    assert Entity.objects.get(ftm_id="p1").properties == {"birthDate": ["not a date"]}
    assert result.warnings == ["line 1: a value of “birthDate” is not a valid date; kept as given."]


def test_an_edge_whose_ends_are_unknown_stays_an_entity_and_comes_back(analyst):
    line = (
        '{"id": "own-1", "schema": "Ownership", '
        '"properties": {"owner": ["nobody"], "asset": ["nothing"], "percentage": ["50"]}}'
    )

    ftm_import(actor=analyst, lines=[line], source_name="edge.jsonl")

    assert not Relation.objects.exists()
    (back,) = map(json.loads, ftm_export_lines(entities=Entity.objects.all()))
    assert back == json.loads(line)
