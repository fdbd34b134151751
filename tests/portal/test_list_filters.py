"""The filters of a list say which are set, in words, each with a way to remove it (the
phone shows them as chips under the folded "Filters (n)" button)."""

import re

import pytest
from django.urls import reverse

from tests.cases.support import draft_of

X = "\N{MULTIPLICATION SIGN}"  # the chip's "remove" mark


def chips(html: str) -> list[tuple[str, str]]:
    """(address, text) of each chip of the page."""
    found = re.findall(r'<a class="filter-chip" href="([^"]*)">(.*?)</a>', html, re.S)
    return [
        (href.replace("&amp;", "&"), " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for href, text in found
    ]


def toggle_text(html: str) -> str:
    match = re.search(r'<summary class="[^"]*filters-fold__toggle">(.*?)</summary>', html, re.S)
    assert match, "no Filters button"
    return " ".join(match.group(1).split())


@pytest.mark.django_db
def test_set_filters_are_counted_and_named_in_words(client_for, officer):
    draft_of(officer)
    url = reverse("cases:violation-list")
    query = (
        f"?unit={officer.org_unit.pk}&mine=on&status=draft&date_from=2026-01-02&sort=oldest&page=1"
    )
    html = client_for(officer).get(url + query).content.decode()

    assert toggle_text(html) == "Filters (4)"
    found = {text: href for href, text in chips(html)}
    assert set(found) == {
        f"Remove the filter From: 2 Jan 2026 {X}",
        f"Remove the filter Unit: {officer.org_unit.name} {X}",
        f"Remove the filter Only those I reported {X}",
        f"Remove the filter Status: Draft {X}",
    }
    # Removing one keeps the others and the order, and goes back to the first page.
    removed = found[f"Remove the filter Status: Draft {X}"]
    assert removed.startswith(url + "?")
    assert "status=" not in removed
    assert "page=" not in removed
    assert "sort=oldest" in removed
    assert "mine=on" in removed


@pytest.mark.django_db
def test_no_filter_set_no_count_and_no_chips(client_for, officer):
    html = (
        client_for(officer).get(reverse("cases:violation-list") + "?sort=oldest").content.decode()
    )
    assert toggle_text(html) == "Filters"
    assert chips(html) == []


@pytest.mark.django_db
def test_a_filter_with_an_error_is_open(client_for, administrator):
    html = (
        client_for(administrator)
        .get(reverse("portal:audit-list") + "?date_from=2026-05-02&date_to=2026-05-01")
        .content.decode()
    )
    assert '<details class="filters-fold" open>' in html
    assert "The end date is before the start date." in html


@pytest.mark.django_db
def test_the_shift_boards_day_is_no_filter_but_its_zone_is(client_for, dispatcher):
    from django.contrib.gis.geos import Polygon

    from dispatch.models import PatrolZone

    zone = PatrolZone.objects.create(
        name="Medininkai belt",
        area=Polygon(((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.5)), srid=4326),
    )
    url = reverse("dispatch:shift-list")
    html = client_for(dispatcher).get(f"{url}?view=day&date=2026-12-03&zone={zone.pk}").content
    page = html.decode()
    assert toggle_text(page) == "Filters (1)"
    [(href, text)] = chips(page)
    assert text == f"Remove the filter Patrol zone: Medininkai belt {X}"
    assert "zone=" not in href
    assert "date=2026-12-03" in href
