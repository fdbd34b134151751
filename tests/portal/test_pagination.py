"""Page-numbered lists that stop counting at a cap: the paginator, and the violation
list that uses it."""

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse

from portal.pagination import CappedCountPaginator
from tests.cases.support import draft_of

LIST = reverse("cases:violation-list")


@pytest.mark.django_db
def test_the_count_stops_one_past_the_cap(django_assert_num_queries):
    paginator = CappedCountPaginator(Group.objects.order_by("name"), 2, count_cap=2)

    with django_assert_num_queries(1):
        assert (paginator.count, paginator.count_is_capped) == (2, True)
    assert paginator.num_pages == 1
    assert [group.name for group in paginator.get_page(5)] == ["administrator", "analyst"]


@pytest.mark.django_db
def test_below_the_cap_the_count_is_exact():
    paginator = CappedCountPaginator(Group.objects.order_by("name"), 3, count_cap=10)

    assert (paginator.count, paginator.count_is_capped, paginator.num_pages) == (4, False, 2)
    assert [group.name for group in paginator.get_page(2)] == ["officer"]


def test_the_page_links_say_only_the_first_pages_are_offered():
    page = CappedCountPaginator(list(range(7)), 2, count_cap=4).get_page(1)

    text = " ".join(render_to_string("_pagination.html", {"page": page, "query": ""}).split())

    assert "Page 1 of the first 2" in text
    assert 'href="?&page=2"' in text


def test_a_list_is_counted_too():
    paginator = CappedCountPaginator(list(range(7)), 2, count_cap=4)

    assert (paginator.count, paginator.count_is_capped, paginator.num_pages) == (4, True, 2)


def test_the_violation_list_says_more_than_the_cap(client_for, dispatcher, officer, monkeypatch):
    for _ in range(3):
        draft_of(officer)
    client = client_for(dispatcher)
    assert "3 violations" in " ".join(client.get(LIST).content.decode().split())

    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    text = " ".join(client.get(LIST, {"category": "tobacco"}).content.decode().split())

    assert "More than 2 violations" in text
    assert "narrow the filters" in text
