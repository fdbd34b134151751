"""The entity registry in Chromium: the analyst finds a man in the list, reads his
dossier (relations, violations, the map of his places), merges his Cyrillic duplicate
from the review queue and undoes it; screenshots of each page at 1280 and 390 px in
English and Lithuanian."""

from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import EntityKind, EntityMerge
from cases.services.entities import entity_resolve, relation_add, violation_entity_link
from cases.services.ftm import ftm_import
from cases.services.resolution import matches_propose
from tests.conftest import login_verified
from tests.e2e.conftest import screenshot

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

FTM_SAMPLE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "03-ftm"
    / "opensanctions_zala_aero_cluster.ftm.jsonl"
)


def signed_in(new_page, live_server, user, viewport, locale="en-GB"):
    client = login_verified(Client(), user)
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def state_purpose(page) -> None:
    """A person's dossier outside one's own cases asks why first: say why."""
    purpose = page.locator("#id_purpose")
    if purpose.count():
        purpose.fill("Check requested by the border post")
        page.locator("form[data-purpose-form] button[type=submit]").click()
        expect(purpose).to_have_count(0)


@pytest.fixture
def registry(analyst, violation_of_officer):
    """Ivan Zhukov, met at the officer's violation, director of a company, with a
    duplicate written in Cyrillic waiting in the review queue; and a cluster of
    sanctioned companies imported from FtM when the shared sample is here."""
    man, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Ivan", "last_name": "Zhukov"},
        properties={"birthDate": ["1971-04-02"], "nationality": ["ru"]},
        provenance=f"violation {violation_of_officer.reference}",
    )
    twin, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Иван", "last_name": "Жуков"},
        properties={"birthDate": ["1971-04-02"], "idNumber": ["4509123456"]},
        provenance="import rilo-2026-11.jsonl",
    )
    company, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.COMPANY,
        values={"name": "Tabakas UAB", "registration_code": "302123455", "country": "LT"},
    )
    relation_add(
        actor=analyst,
        source=man,
        target=company,
        kind="Directorship",
        provenance="Registrų centras extract",
        provenance_kind="document",
        confidence=90,
        valid_from=date(2019, 3, 1),
    )
    violation_entity_link(actor=analyst, violation=violation_of_officer, entity=man, role="driver")
    matches_propose(entity_ids=[twin.pk])
    if FTM_SAMPLE.is_file():
        ftm_import(
            actor=analyst,
            lines=FTM_SAMPLE.read_text("utf-8").splitlines(),
            source_name=FTM_SAMPLE.name,
        )
    return {"man": man, "twin": twin, "company": company}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "lt"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_the_registry_pages_at_a_desktop_and_a_phone(
    new_page, live_server, analyst, registry, viewport, locale
):
    page = signed_in(new_page, live_server, analyst, viewport, locale=locale)
    language = "lt" if locale == "lt" else "en"
    size = viewport["width"]

    page.goto(reverse("entities:entity-list") + "?q=zhukov")
    expect(page.get_by_role("link", name="Ivan Zhukov")).to_be_visible()
    screenshot(page, f"entity-list-{size}-{language}")

    page.goto(reverse("entities:entity-detail", args=[registry["man"].pk]))

    state_purpose(page)
    expect(page.get_by_role("link", name="Tabakas UAB")).to_be_visible()
    page.locator("#entity-map path.entity-place").first.wait_for()
    screenshot(page, f"entity-dossier-{size}-{language}")

    page.goto(reverse("entities:match-list"))
    expect(page.get_by_role("link", name="Иван Жуков")).to_be_visible()
    screenshot(page, f"entity-matches-{size}-{language}")

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1


@pytest.mark.django_db(transaction=True)
def test_an_analyst_merges_a_duplicate_and_undoes_it(new_page, live_server, analyst, registry):
    page = signed_in(new_page, live_server, analyst, WIDE)
    page.goto(reverse("entities:match-list"))

    page.get_by_role("button", name="Merge, keep Ivan Zhukov").click()

    expect(page.get_by_text("“Иван Жуков” merged into “Ivan Zhukov”.")).to_be_visible()
    merge = EntityMerge.objects.get()
    page.goto(reverse("entities:entity-detail", args=[registry["man"].pk]))
    state_purpose(page)
    expect(page.get_by_text("4509123456")).to_be_visible()
    screenshot(page, "entity-dossier-merged-1280-en")

    page.get_by_role("button", name="Undo the merge").click()

    expect(page.get_by_text("Merge undone: “Иван Жуков” stands on its own again.")).to_be_visible()
    merge.refresh_from_db()
    assert merge.undone_at is not None
    page.goto(reverse("entities:entity-detail", args=[registry["man"].pk]))
    state_purpose(page)
    expect(page.get_by_text("4509123456")).to_have_count(0)
