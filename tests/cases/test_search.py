"""The search through the front door (the page and the API) as the personas: ranking,
escaped snippets, names found misspelt and in another alphabet, facets and their counts,
the purpose required and audited, bad input answered at the field, and the roles that
may search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import SearchEntry
from cases.services.entities import entity_resolve
from cases.services.search import search_index_rebuild
from portal.models import AuditAction, AuditRecord
from tests.cases.support import draft_of

pytestmark = pytest.mark.django_db

PAGE = reverse("search:search")
API = reverse("api:search")
PURPOSE = "Case 2026/14: tobacco lorries at Medininkai"


def person(first: str, last: str):
    entity, _created = entity_resolve(
        actor=None,
        kind="person",
        values={"first_name": first, "last_name": last},
    )
    return entity


def company(name: str):
    entity, _created = entity_resolve(actor=None, kind="company", values={"name": name})
    return entity


def search(client, q: str, **params):
    return client.get(PAGE, {"q": q, "purpose": PURPOSE, **params})


def api_search(api, q: str, **params):
    return api.get(API, {"q": q, "purpose": PURPOSE, **params})


@pytest.fixture
def page(client_for, analyst):
    return client_for(analyst)


@pytest.fixture
def api(api_client_for, analyst):
    return api_client_for(analyst)


def titles(body: dict) -> list[str]:
    return [hit["title"] for hit in body["hits"]]


def test_the_services_keep_the_index_in_step_with_what_they_write(officer):
    violation = draft_of(officer, narrative="Cigarettes hidden in the roof of the trailer.")
    entity = person("Jonas", "Šimkus")

    entry = SearchEntry.objects.get(kind="violation", object_id=violation.pk)
    assert "roof of the trailer" in entry.body
    assert entry.status == "draft"
    assert SearchEntry.objects.get(kind="entity", object_id=entity.pk).names == "jonas simkus"


def test_a_narrative_is_found_by_an_english_word_in_another_form(api, officer):
    draft_of(officer, narrative="The driver smuggled 400 cartons of cigarettes.")
    draft_of(officer, narrative="Nothing found in the cabin.")

    body = api_search(api, "smuggling cigarette").json()

    assert body["matches"] == 1
    assert "<mark>smuggled</mark>" in body["hits"][0]["snippet"]


def test_lithuanian_words_are_found_without_their_diacritics(api, officer):
    draft_of(officer, narrative="Vairuotojas slėpė kontrabandines cigaretes priekabos stoge.")

    body = api_search(api, "slepe priekabos").json()

    assert body["matches"] == 1


def test_the_better_match_ranks_first(api, officer):
    draft_of(officer, narrative="A lorry crossed at noon; its papers were in order.")
    draft_of(
        officer,
        narrative="Heroin in the lorry's fuel tank: the heroin was wrapped in foil.",
    )
    draft_of(officer, narrative="Heroin traces on the lorry floor.")

    body = api_search(api, "heroin lorry").json()

    assert body["matches"] == 2
    assert body["hits"][0]["rank"] > body["hits"][1]["rank"]
    assert "fuel tank" in body["hits"][0]["snippet"]


def test_a_name_is_found_misspelt_and_transliterated(api):
    simkus = person("Jonas", "Šimkus")
    zhukov = person("Андрей", "Жуков")
    person("Petras", "Kazlauskas")

    for query, wanted in (("Simkus", simkus), ("Simkis", simkus), ("Zhukov", zhukov)):
        body = api_search(api, query).json()
        assert [hit["object_id"] for hit in body["hits"]] == [wanted.pk], query


def test_a_name_found_as_typed_brings_no_look_alikes(api):
    # The words found the company itself: its name was not misspelt, so the names close
    # to it (its namesakes with other numbers) are not looked for. A misspelt one still
    # finds them.
    wanted = company("UAB Baltic Freight 12")
    company("UAB Baltic Freight 13")
    company("UAB Baltic Freight 14")
    body = api_search(api, "UAB Baltic Freight 12").json()
    assert [hit["object_id"] for hit in body["hits"]] == [wanted.pk]
    assert body["matches"] == 1
    misspelt = api_search(api, "Baltik Freight").json()
    assert len(misspelt["hits"]) == 3


def test_a_snippet_shows_markup_in_the_narrative_as_text(page, api, officer):
    draft_of(officer, narrative='Note: <script>alert("x")</script> written on the crate.')

    hit = api_search(api, "crate").json()["hits"][0]
    response = search(page, "crate")

    assert "&lt;script&gt;" in hit["snippet"]
    assert "<script>alert" not in hit["snippet"]
    content = response.content.decode()
    assert "&lt;script&gt;alert" in content
    assert '<script>alert("x")' not in content
    assert "<mark>crate</mark>" in content


def test_facets_count_by_type_status_and_year_and_narrow_the_results(api, officer):
    last_year = timezone.now() - timedelta(days=400)
    draft_of(officer, narrative="Amber necklaces in a suitcase.")
    draft_of(officer, narrative="Amber in the spare wheel.", occurred_at=last_year)
    company("Amber Logistics UAB")

    body = api_search(api, "amber").json()
    facets = {
        name: {v["value"]: v["count"] for v in values} for name, values in body["facets"].items()
    }

    assert facets["kind"] == {"violation": 2, "entity": 1}
    assert facets["status"] == {"draft": 2, "Company": 1}
    this_year, before = str(timezone.localdate().year), str(last_year.year)
    assert facets["year"][before] == 1
    assert facets["year"][this_year] == 2

    narrowed = api_search(api, "amber", kind="violation", year=before).json()
    assert narrowed["matches"] == 1
    assert "spare wheel" in narrowed["hits"][0]["snippet"]
    # The counts stay those of every match: a facet narrows the results only.
    assert {v["value"]: v["count"] for v in narrowed["facets"]["kind"]} == facets["kind"]


def test_every_search_is_audited_with_its_query_and_purpose(page, analyst, officer):
    draft_of(officer, narrative="Diesel in a hidden tank.")

    response = search(page, "diesel")

    assert response.status_code == 200
    record = AuditRecord.objects.filter(actor=analyst, action=AuditAction.SEARCH).last()
    assert record is not None
    assert record.reason == PURPOSE
    assert record.changes["query"] == "diesel"
    assert record.changes["matches"] == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "", "purpose": PURPOSE}, "q", "Type what to search for."),
        ({"q": "x" * 201, "purpose": PURPOSE}, "q", "Keep the search under 200 characters"),
        ({"q": "?!… -- ''", "purpose": PURPOSE}, "q", "at least one letter or digit"),
        ({"q": "diesel", "purpose": ""}, "purpose", "Say why you are searching"),
        ({"q": "diesel", "purpose": "p" * 301}, "purpose", "Keep the purpose under 300"),
        ({"q": "diesel", "purpose": PURPOSE, "kind": "dispatch_task"}, "kind", "Not a type"),
    ],
)
def test_bad_input_is_answered_at_its_field_and_nothing_is_searched(
    page, api, analyst, params, field, message
):
    response = page.get(PAGE, params)
    answer = api.get(API, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert answer.status_code == 400
    assert message in str(answer.json())
    assert not AuditRecord.objects.filter(actor=analyst, action=AuditAction.SEARCH).exists()


def test_the_top_bar_box_asks_for_the_purpose_offering_the_last_one(page, analyst, officer):
    draft_of(officer, narrative="Diesel in a hidden tank.")
    search(page, "diesel")

    response = page.get(PAGE, {"q": "tank"})

    content = response.content.decode()
    assert "Give the purpose of this search" in content
    assert f'value="{PURPOSE}"' in content
    assert AuditRecord.objects.filter(actor=analyst, action=AuditAction.SEARCH).count() == 1


def test_the_box_is_in_the_top_bar_of_those_who_may_search(client_for, personas):
    for role, user in personas.items():
        content = client_for(user).get(reverse("portal:dashboard")).content.decode()
        assert ('role="search"' in content) == (role in {"analyst", "administrator"}), role


def test_an_administrator_finds_only_the_kinds_their_roles_read(client_for, administrator, officer):
    draft_of(officer, narrative="Diesel in a hidden tank.")

    body = client_for(administrator).get(API, {"q": "diesel", "purpose": PURPOSE}).json()

    assert body["matches"] == 0
    assert body["facets"]["kind"] == []


def test_the_rebuild_indexes_what_came_in_past_the_services(api, officer):
    violation = draft_of(officer, narrative="Counterfeit perfume.")
    SearchEntry.objects.all().delete()
    assert api_search(api, "perfume").json()["matches"] == 0

    written = search_index_rebuild()

    assert written["violation"] >= 1
    assert [hit["object_id"] for hit in api_search(api, "perfume").json()["hits"]] == [violation.pk]


def test_paging_through_the_ranked_matches(api, officer):
    for number in range(23):
        draft_of(officer, narrative=f"Tobacco seizure number {number}.")

    first = api_search(api, "tobacco seizure").json()
    second = api_search(api, "tobacco seizure", page=2).json()

    assert (first["matches"], first["pages"], len(first["hits"])) == (23, 2, 20)
    assert len(second["hits"]) == 3
    assert not {h["object_id"] for h in first["hits"]} & {h["object_id"] for h in second["hits"]}
