"""Every link a case reader is offered leads somewhere that lets them in: an
administrator reads every case (restricted ones too) but opens no violation, so on the
case's page, its timeline, its document's suggestions, the dossiers of its entities and
the case's API items a violation is named in plain text for them; the case team still
gets every link."""

import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from cases.models import Case, DocumentSuggestion, Entity, EntityKind, PortalLink
from cases.services.case_content import case_event_add
from cases.services.documents.upload import case_documents_upload
from cases.services.entities import relation_add, violation_entity_link
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_violation_link,
)
from portal.services.jobs import job_run
from tests.cases.document_support import upload_of
from tests.cases.support import draft_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)
HREF = re.compile(r'href="(/[^"#]*)')


@pytest.fixture
def lead(db):
    return UserFactory(username="lead_l", first_name="Laima", last_name="Lukė", roles=["analyst"])


@pytest.fixture
def restricted(lead, officer, violation_of_officer) -> Case:
    """A restricted case of the lead that holds everything a case page names: a person
    with an address (coordinates, a dated relation), a violation, the person met at a
    second violation and in a second case, an event with a place, a document whose
    name suggestion the lead accepted."""
    person = Entity.objects.create(kind=EntityKind.PERSON, label="Jonas Šimkus")
    address = Entity.objects.create(
        kind="Address",
        label="Gedimino pr. 1, Vilnius",
        properties={"latitude": ["54.6872"], "longitude": ["25.2797"]},
    )
    relation_add(
        actor=lead,
        source=person,
        target=address,
        kind=PortalLink.HAS_ADDRESS,
        valid_from=date(2026, 1, 5),
    )
    case = case_create(actor=lead, data=CaseInput(title="Operation Birch", restricted=True))
    case_entity_link(actor=lead, case=case, entity=person, reason="Organiser")
    case_entity_link(actor=lead, case=case, entity=address, reason="Stash")
    violation_entity_link(actor=lead, violation=violation_of_officer, entity=person, role="driver")
    case_violation_link(actor=lead, case=case, violation=violation_of_officer, reason="Lorry")
    again = draft_of(officer, narrative="The same driver, a month later.")
    violation_entity_link(actor=officer, violation=again, entity=person, role="driver")
    other = case_create(actor=lead, data=CaseInput(title="Phone cluster"))
    case_entity_link(actor=lead, case=other, entity=person, reason="Caller")
    case_event_add(
        actor=lead,
        case=case,
        title="Meeting at the depot",
        starts_at=violation_of_officer.occurred_at,
        place=violation_of_officer.location,
    )
    _documents, job = case_documents_upload(
        actor=lead,
        case=case,
        upload=upload_of("tip.txt", "Vairuotojas Jonas Šimkus vežė cigaretes.".encode()),
    )
    job_run(job_id=job.pk)
    return case


def _accept_the_name(client: Client, case: Case) -> None:
    name = DocumentSuggestion.objects.get(document__case=case, kind="name")
    client.post(
        reverse(
            "investigations:document-suggestion-accept",
            kwargs={"pk": case.pk, "document_id": name.document_id, "suggestion_id": name.pk},
        )
    )


def _hrefs(response) -> set[str]:
    """The links in the page's main part (not the menu), as paths."""
    main = MAIN.search(response.content.decode())
    assert main is not None
    return {href.replace("&amp;", "&") for href in HREF.findall(main.group(0))}


def _case_reading(client: Client, case: Case) -> dict[str, set[str]]:
    """The case's pages, the dossiers they link to and the case's API items: each
    page's links (the API's "url" values), by page."""
    document = case.documents.get()
    pages = [
        reverse("investigations:case-detail", args=[case.pk]),
        reverse("investigations:case-timeline", args=[case.pk]),
        reverse("investigations:case-document-detail", args=[case.pk, document.pk]),
    ]
    links: dict[str, set[str]] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        links[page] = _hrefs(response)
    dossiers = {
        href
        for found in links.values()
        for href in found
        if re.fullmatch(r"/entities/\d+/", urlsplit(href).path)
    }
    for dossier in dossiers:
        # A dossier outside one's own cases asks for a purpose first.
        response = client.post(dossier, {"purpose": "Oversight of the case"}, follow=True)
        assert response.status_code == 200, dossier
        links[dossier] = _hrefs(response)
        entity_id = urlsplit(dossier).path.split("/")[2]
        places = client.get(reverse("api:entity-places", args=[entity_id])).json()
        links[f"{dossier} places"] = {f["properties"]["url"] for f in places["features"]}
    for name in ("api:case-timeline", "api:case-places"):
        body = json.loads(client.get(reverse(name, args=[case.pk])).content)
        items = body["items"] if "items" in body else [f["properties"] for f in body["features"]]
        links[name] = {item["url"] for item in items}
    return links


def _refused(client: Client, links: dict[str, set[str]]) -> list[tuple[str, str]]:
    return [
        (page, href)
        for page, found in links.items()
        for href in sorted(found - {""})
        if client.get(href).status_code == 403
    ]


def test_an_administrator_reading_a_restricted_case_meets_no_link_that_refuses_them(
    administrator, lead, client_for, restricted
):
    _accept_the_name(client_for(lead), restricted)
    client = client_for(administrator)

    links = _case_reading(client, restricted)

    assert _refused(client, links) == []
    # What they may open stays a link: the case's entities' dossiers, the other case.
    case_page = links[reverse("investigations:case-detail", args=[restricted.pk])]
    jonas = Entity.objects.get(label="Jonas Šimkus")
    assert jonas.get_absolute_url() in case_page
    assert Case.objects.get(title="Phone cluster").get_absolute_url() in case_page


def test_an_administrator_sees_the_violations_references_as_plain_text(
    administrator, client_for, restricted, violation_of_officer
):
    response = client_for(administrator).get(restricted.get_absolute_url())

    page = response.content.decode()
    assert violation_of_officer.reference in page
    assert violation_of_officer.get_absolute_url() not in page
    assert not [href for href in _hrefs(response) if href.startswith("/violations/")]


def test_the_case_team_gets_every_link_and_none_refuses_them(lead, client_for, restricted):
    client = client_for(lead)
    _accept_the_name(client, restricted)

    links = _case_reading(client, restricted)

    assert _refused(client, links) == []
    case_page = links[reverse("investigations:case-detail", args=[restricted.pk])]
    violations = set(restricted.violation_links.values_list("violation_id", flat=True))
    for violation_id in violations:
        assert reverse("cases:violation-detail", args=[violation_id]) in case_page
    assert Entity.objects.get(label="Jonas Šimkus").get_absolute_url() in case_page
    timeline = links["api:case-timeline"]
    assert any(url.startswith("/violations/") for url in timeline)
    document_page = links[
        reverse(
            "investigations:case-document-detail",
            args=[restricted.pk, restricted.documents.get().pk],
        )
    ]
    assert Entity.objects.get(label="Jonas Šimkus").get_absolute_url() in document_page


def test_a_link_is_offered_only_to_a_page_whose_rule_lets_the_reader_in(
    administrator, analyst, violation_of_officer
):
    from portal.access import url_allowed_for

    url = violation_of_officer.get_absolute_url()
    assert url_allowed_for(analyst, url)
    assert url_allowed_for(analyst, f"{url}?tab=goods#goods")
    assert not url_allowed_for(administrator, url)
    # Deny by default: nothing of ours, or not a path at all.
    assert not url_allowed_for(analyst, "/no-such-page/")
    assert not url_allowed_for(analyst, "https://example.com/violations/1/")
    assert not url_allowed_for(analyst, "//example.com/")
    assert not url_allowed_for(analyst, "")
    assert not url_allowed_for(AnonymousUser(), url)


def test_the_case_page_names_each_entitys_kind_in_the_readers_language(
    lead, client_for, restricted
):
    client = client_for(lead)

    english = client.get(restricted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    lithuanian = client.get(restricted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="lt")

    assert re.search(r'<span class="badge">\s*Person\s*</span>', english.content.decode())
    assert re.search(r'<span class="badge">\s*Address\s*</span>', english.content.decode())
    assert re.search(r'<span class="badge">\s*Asmuo\s*</span>', lithuanian.content.decode())
