"""Reads of the search index (cases.models.SearchEntry): ranked results with highlighted
snippets and facet counts, within the user's reach.

Reach is one WHERE clause shared by results and facet counts: the kinds whose source the
user may read (each source states its permissions) and, for the things that only
restricted investigation cases hold, the teams of those cases (administrators see all).

Cost: a very common word matches a large part of a million texts, and ranking every
match costs hundreds of milliseconds (docs/benchmarks.md). So the matches are capped
(CANDIDATE_CAP, read off the GIN indexes in no particular order), ranked within the cap,
and the page says when the cap was reached; facet counts are counted within their own
cap (FACET_CAP) and shown as "N+" beyond it. Adding a word or choosing a facet narrows
the matches below the caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils.safestring import SafeString

from cases.lib.search import (
    GT_STANDIN,
    LT_STANDIN,
    MARK_START,
    MARK_STOP,
    SearchSource,
    names_ascii,
    snippet_html,
)
from cases.models.search import ENGLISH_CONFIG, SIMPLE_CONFIG
from portal.models import User

PER_PAGE = 20
# Matches ranked per query; beyond it the best among the first CANDIDATE_CAP are shown.
CANDIDATE_CAP = 1000
# Matches counted for the facets; beyond it a facet says "N+".
FACET_CAP = 1000
# How close a typed word must be to a word of a name (pg_trgm word similarity, 0..1):
# "simkis" meets "simkus" at 0.57, unrelated names stay below 0.4.
NAME_SIMILARITY = 0.5

_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@cache
def search_sources() -> dict[str, SearchSource]:
    """Every app's search sources by kind (AppConfig ``search_sources``)."""
    sources: dict[str, SearchSource] = {}
    for app_config in apps.get_app_configs():
        for source in getattr(app_config, "search_sources", []):
            sources[source.kind] = source
    return sources


def search_kinds_for_user(*, user: User) -> list[SearchSource]:
    """The sources ``user`` may search; PermissionDenied without ``cases.use_search``."""
    if not user.has_perm("cases.use_search"):
        raise PermissionDenied
    return [source for source in search_sources().values() if source.readable_by(user)]


def restricted_reach(*, user: User) -> tuple[bool, list[int]]:
    """(sees every restricted case, the restricted cases ``user`` is on). Until
    investigation cases exist nothing is restricted and this is (False, [])."""
    return False, []


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kind: str = ""
    status: str = ""
    year: int | None = None
    page: int = 1


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    object_id: int
    title: str
    status: str
    status_label: str
    occurred_on: date | None
    rank: float
    url: str
    snippet: SafeString


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    hits: list[SearchHit]
    matches: int
    capped: bool
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_capped: bool = False


def _reach_sql(*, user: User, kinds: list[str]) -> tuple[str, dict[str, Any]]:
    sees_all, case_ids = restricted_reach(user=user)
    sql = "e.kind = ANY(%(kinds)s)"
    if not sees_all:
        sql += " AND (e.restricted_case_ids = '{}' OR e.restricted_case_ids && %(cases)s)"
    return sql, {"kinds": kinds, "cases": case_ids}


def _tsquery() -> str:
    return (
        f"(websearch_to_tsquery('{SIMPLE_CONFIG}', %(q)s)"
        f" || websearch_to_tsquery('{ENGLISH_CONFIG}', %(q)s))"
    )


def _matches_sql(reach: str, filters: str, cap: str) -> str:
    """The ids of the matches, at most ``cap`` of the words and ``cap`` of the names:
    two capped scans, each on its own index (a common word stops after ``cap`` rows
    instead of reading every match)."""
    return f"""
    (SELECT e.id FROM cases_searchentry e
     WHERE e.search_vector @@ {_tsquery()} AND {reach}{filters} LIMIT {cap})
    UNION
    (SELECT e.id FROM cases_searchentry e
     WHERE %(ascii)s <> '' AND %(ascii)s <%% e.names AND {reach}{filters} LIMIT {cap})
"""  # noqa: S608


def _facet_filters(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    sql = ""
    params: dict[str, Any] = {}
    if query.kind:
        sql += " AND e.kind = %(kind)s"
        params["kind"] = query.kind
    if query.status:
        sql += " AND e.status = %(status)s"
        params["status"] = query.status
    if query.year:
        sql += " AND e.occurred_on BETWEEN %(year_from)s AND %(year_to)s"
        params["year_from"] = date(query.year, 1, 1)
        params["year_to"] = date(query.year, 12, 31)
    return sql, params


def _results_sql(reach: str, filters: str) -> str:
    # Only constant SQL fragments are formatted in; every value is a parameter. The
    # capped matches are ranked on their vectors alone; titles, bodies and snippets
    # are read for the one page shown.
    return f"""
WITH q AS (SELECT {_tsquery()} AS tsq),
candidates AS ({_matches_sql(reach, filters, "%(cap)s")}),
ranked AS (
    SELECT e.id, e.occurred_on,
           ts_rank_cd(e.search_vector, q.tsq, 32)
           + CASE WHEN %(ascii)s <> '' THEN word_similarity(%(ascii)s, e.names) ELSE 0 END
             AS rank,
           count(*) OVER () AS matches
    FROM candidates c JOIN cases_searchentry e ON e.id = c.id CROSS JOIN q
    ORDER BY rank DESC, e.occurred_on DESC NULLS LAST, e.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT e.kind, e.object_id, e.title, e.status, e.occurred_on, r.rank, r.matches,
       CASE WHEN e.body = '' THEN ''
            ELSE ts_headline('{ENGLISH_CONFIG}', translate(e.body, '<>', %(standins)s), q.tsq,
                             %(headline)s) END
FROM ranked r JOIN cases_searchentry e ON e.id = r.id CROSS JOIN q
ORDER BY r.rank DESC, r.occurred_on DESC NULLS LAST, r.id DESC
"""  # noqa: S608


def _facets_sql(reach: str) -> str:
    return f"""
WITH matched AS (
    SELECT e.kind, e.status, extract(year FROM e.occurred_on)::int AS year
    FROM ({_matches_sql(reach, "", "%(facet_cap)s")}) m JOIN cases_searchentry e ON e.id = m.id
)
SELECT 'kind', kind, count(*) FROM matched GROUP BY kind
UNION ALL SELECT 'status', kind || ':' || status, count(*) FROM matched GROUP BY kind, status
UNION ALL SELECT 'year', coalesce(year::text, ''), count(*) FROM matched GROUP BY year
"""  # noqa: S608


def _facets(
    rows: list[tuple[str, str, int]], query: SearchQuery, sources: dict[str, SearchSource]
) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {"kind": [], "status": [], "year": []}
    for facet, value, count in rows:
        if facet == "kind":
            label = str(sources[value].label)
            facets["kind"].append(FacetValue(value, label, count, value == query.kind))
        elif facet == "status":
            kind, status = value.split(":", 1)
            if not status or (query.kind and kind != query.kind):
                continue
            label = str(sources[kind].status_labels.get(status, status))
            facets["status"].append(FacetValue(status, label, count, status == query.status))
        elif value:
            facets["year"].append(FacetValue(value, value, count, value == str(query.year)))
    facets["kind"].sort(key=lambda item: -item.count)
    facets["status"].sort(key=lambda item: -item.count)
    facets["year"].sort(key=lambda item: item.value, reverse=True)
    return facets


def search_for_user(*, user: User, query: SearchQuery) -> SearchResults:
    """The matches of ``query.text`` within ``user``'s reach, best first, one page of
    PER_PAGE with snippets, and the facet counts (type, status, year) of every match
    within reach (the chosen facets narrow the results, not the counts). The caller has
    validated the text (cases/forms/search.py) and audits the search (services)."""
    sources = {source.kind: source for source in search_kinds_for_user(user=user)}
    if not sources:
        return SearchResults(
            hits=[],
            matches=0,
            capped=False,
            page=1,
            pages=1,
            facets={"kind": [], "status": [], "year": []},
        )
    reach, params = _reach_sql(user=user, kinds=sorted(sources))
    filters, filter_params = _facet_filters(query)
    page = max(query.page, 1)
    params.update(filter_params)
    params.update(
        q=query.text,
        ascii=names_ascii(query.text) if len(query.text) <= 80 else "",
        cap=CANDIDATE_CAP,
        facet_cap=FACET_CAP + 1,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
        headline=_HEADLINE_OPTIONS,
        standins=LT_STANDIN + GT_STANDIN,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(NAME_SIMILARITY)],
        )
        cursor.execute(_results_sql(reach, filters), params)
        rows = cursor.fetchall()
        cursor.execute(_facets_sql(reach), params)
        facet_rows = cursor.fetchall()
    matches = rows[0][6] if rows else 0
    hits = [
        SearchHit(
            kind=kind,
            kind_label=str(sources[kind].label),
            object_id=object_id,
            title=title,
            status=status,
            status_label=str(sources[kind].status_labels.get(status, status)),
            occurred_on=occurred_on,
            rank=float(rank),
            url=reverse(sources[kind].url_name, kwargs={"pk": object_id}),
            snippet=snippet_html(headline or ""),
        )
        for kind, object_id, title, status, occurred_on, rank, _matches, headline in rows
    ]
    kind_total = sum(count for facet, _value, count in facet_rows if facet == "kind")
    return SearchResults(
        hits=hits,
        matches=matches,
        capped=matches >= CANDIDATE_CAP,
        page=page,
        pages=max(1, -(-min(matches, CANDIDATE_CAP) // PER_PAGE)),
        facets=_facets(facet_rows, query, sources),
        facets_capped=kind_total > FACET_CAP,
    )
