"""Which matches fill the search's cap (cases/selectors/search.py): words that are all
common are looked for in the newest entries first, then in older ones only when those
did not fill the cap; rare words straight in the text index. The share of the index a
word is in comes from the statistics; reach holds on every path."""

from datetime import date
from typing import cast

import pytest
from django.db import connection

from cases.models import SearchEntry
from cases.selectors import search
from cases.selectors.search import SearchQuery, search_for_user
from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entry(n: int, body: str, restricted: tuple[int, ...] = ()) -> SearchEntry:
    return SearchEntry.objects.create(
        kind="violation",
        object_id=n,
        title=f"V-2026-{n:07d}",
        body=body,
        status="submitted",
        occurred_on=date(2026, 1, 1),
        restricted_case_ids=list(restricted),
    )


def found(user, text: str) -> list[int]:
    results = search_for_user(user=user, query=SearchQuery(text=text))
    hits = [hit.object_id for hit in results.hits]
    assert results.matches == len(hits)  # a page holds them all here
    return sorted(hits)


@pytest.fixture
def small_caps(monkeypatch):
    """A cap of 5 and a window of the newest 10 entries; every query counts as common."""
    monkeypatch.setattr(search, "CANDIDATE_CAP", 5)
    monkeypatch.setattr(search, "RECENT_WINDOW", 10)
    monkeypatch.setattr(search, "FREQUENT_SHARE", 0.0)


def test_common_words_take_the_newest_matches_first(analyst, small_caps):
    for n in range(1, 31):
        entry(n, "Cigarettes found in the spare wheel")
    assert found(analyst, "cigarettes") == [26, 27, 28, 29, 30]
    results = search_for_user(user=analyst, query=SearchQuery(text="cigarettes"))
    assert results.capped  # the page says that more matched


def test_older_matches_fill_the_cap_when_the_newest_hold_too_few(analyst, small_caps):
    for n in range(1, 21):
        entry(n, "Amber in the fuel tank" if n <= 10 or n in (15, 19) else "Nothing found")
    hits = found(analyst, "amber")
    # The two among the newest ten, and three older ones from the text index.
    assert {15, 19} <= set(hits)
    assert len(hits) == 5
    assert set(hits) - {15, 19} <= set(range(1, 11))


def test_the_newest_hold_fewer_than_the_cap_and_nothing_older(analyst, small_caps):
    for n in range(1, 21):
        entry(n, "Caviar in the boot" if n in (12, 18) else "Nothing found")
    assert found(analyst, "caviar") == [12, 18]
    results = search_for_user(user=analyst, query=SearchQuery(text="caviar"))
    assert not results.capped


def test_rare_words_are_read_from_the_text_index_alone(analyst, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_CAP", 5)
    monkeypatch.setattr(search, "RECENT_WINDOW", 10)
    for n in range(1, 31):
        entry(n, "Heroin under the seat" if n % 3 == 0 else "Nothing found")
    # No statistics: every word counts as rare, the window is not read, and the cap
    # is filled from the text index.
    hits = found(analyst, "heroin")
    assert len(hits) == 5
    assert all(n % 3 == 0 for n in hits)


def test_the_newest_entries_out_of_reach_are_skipped_and_not_counted(analyst, small_caps):
    outsider = cast(User, UserFactory(username="analyst_out", roles=["analyst"]))
    for n in range(1, 21):
        # The newest five are held by a restricted case that neither analyst is on.
        entry(n, "Vodka in the trailer", restricted=(10**9,) if n > 15 else ())
    assert found(outsider, "vodka") == [11, 12, 13, 14, 15]
    results = search_for_user(user=outsider, query=SearchQuery(text="vodka"))
    assert sum(value.count for value in results.facets["kind"]) == 5
    assert found(analyst, "vodka") == [11, 12, 13, 14, 15]


def test_the_share_of_a_query_is_that_of_its_rarest_word(db, monkeypatch):
    for n in range(1, 201):
        words = ["cigarettes"]
        if n % 10 == 0:
            words.append("lorry")
        if n == 7:
            words.append("zebra")
        entry(n, " ".join(words))

    def share(text: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ({search._tsquery()})::text", {"q": text})
            return search._estimated_share(cursor, cursor.fetchone()[0])

    monkeypatch.setitem(search._common_lexemes, "read_at", None)
    monkeypatch.setitem(search._common_lexemes, "shares", {})
    assert share("cigarettes") == 0.0  # no statistics yet
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_searchentry")
    assert share("cigarettes") == 0.0  # read less than STATS_TTL ago
    monkeypatch.setattr(search, "STATS_TTL", -1.0)
    assert share("cigarettes") == pytest.approx(1.0, abs=0.01)
    # Words that go together are at most as common as the rarer one.
    assert share("cigarettes lorry") == pytest.approx(0.1, abs=0.02)
    assert share("cigarettes zebra") == pytest.approx(0.005)
    # A word outside the most common ones counts as rare: the text index.
    assert share("O'Neil's cigarettes") == 0.0
    assert share("") == 0.0
