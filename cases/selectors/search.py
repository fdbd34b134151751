"""Reads of the search index (cases.models.SearchEntry): ranked results with highlighted
snippets and facet counts, within the user's reach.

Reach is one WHERE clause shared by results and facet counts: the kinds whose source the
user may read (each source states its permissions) and, for the things that only
restricted investigation cases hold, the teams of those cases (administrators see all).

Cost: a very common word matches a large part of a million texts, and ranking every
match costs hundreds of milliseconds (docs/benchmarks.md). So the matches are capped
(CANDIDATE_CAP), ranked within the cap, counted for the facets within the same cap, and
the page says when the cap was reached: adding a word narrows the matches below it. A
chosen facet narrows the capped matches, so the results of a facet are exactly its count.

Which matches fill the cap, and at what cost (EXPLAIN (ANALYZE, BUFFERS) at a million
texts, docs/benchmarks.md): the text index (GIN) hands over every match of a word before
the first row is read, so a word in a few percent of the texts costs tens of
milliseconds there, whatever the cap; reading the texts themselves costs per text read,
so a rare word costs there a scan of the whole index. So the words' share of the index
is estimated first (the statistics of the index, _common_shares): words that are all in at
least FREQUENT_SHARE of it are looked for in the newest RECENT_WINDOW entries first
(newest first, an index scan that stops at the cap), the older ones only when those did
not fill the cap; rarer words are looked up in the text index alone.
"""

from __future__ import annotations

import re
import time
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
from cases.selectors.investigations import case_scope_for_user
from portal.models import User

PER_PAGE = 20
# Matches of the words read per query: ranked, counted in the facets; beyond it the best
# among the first CANDIDATE_CAP are shown and the page says so.
CANDIDATE_CAP = 200
# Names close to the typed words read per query (only when the words found less than a
# page, and no name among them: a misspelt name).
NAMES_CAP = 200
# Words all in at least this share of the index are looked for in the newest
# RECENT_WINDOW entries first: words in 5 % of the texts, going together, fill the cap
# there. Below it the text index costs less than reading more entries would (at a
# million texts: 2 microseconds an entry read, a fraction of one a match in the index).
FREQUENT_SHARE = 0.05
RECENT_WINDOW = 5_000
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
    """(sees every restricted case, the restricted cases ``user`` is on: lead or team)."""
    sees_all, sql, params = _restricted_reach_sql(user=user)
    if sees_all or not sql:
        return sees_all, []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return False, [pk for (pk,) in cursor.fetchall()]


def _restricted_reach_sql(*, user: User) -> tuple[bool, str, tuple[Any, ...]]:
    """(sees every restricted case, the SQL of the ids of the restricted cases ``user``
    is on, its parameters): the SQL is empty when there is nothing to ask."""
    if user.has_perm("cases.view_all_cases"):
        return True, "", ()
    if not user.has_perm("cases.view_case"):
        return False, "", ()
    queryset = case_scope_for_user(user=user).filter(restricted=True).order_by().values("pk")
    sql, params = queryset.query.sql_with_params()
    return False, sql, tuple(params)


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


def _reach_sql(*, sees_all: bool, kinds: list[str], cases: list[int]) -> tuple[str, dict[str, Any]]:
    sql = "e.kind = ANY(%(kinds)s)"
    if not sees_all:
        sql += " AND (e.restricted_case_ids = '{}' OR e.restricted_case_ids && %(cases)s::bigint[])"
    return sql, {"kinds": kinds, "cases": cases}


def _tsquery() -> str:
    return (
        f"(websearch_to_tsquery('{SIMPLE_CONFIG}', %(q)s)"
        f" || websearch_to_tsquery('{ENGLISH_CONFIG}', %(q)s))"
    )


def _facet_filters(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    sql = ""
    params: dict[str, Any] = {}
    if query.kind:
        sql += " AND m.kind = %(kind)s"
        params["kind"] = query.kind
    if query.status:
        sql += " AND m.status = %(status)s"
        params["status"] = query.status
    if query.year:
        sql += " AND m.occurred_on BETWEEN %(year_from)s AND %(year_to)s"
        params["year_from"] = date(query.year, 1, 1)
        params["year_to"] = date(query.year, 12, 31)
    return sql, params


def _words_sql(reach: str, windowed: bool) -> str:
    """The CTEs down to ``words``: the capped matches of the words. Without a window, one
    scan that stops at the cap, in the order the planner finds cheapest for words that
    common (the table in order for a common word, the text index for a rare one). With
    a window, the matches among the newest %(window)s entries first (an index scan
    backwards by id that stops at the cap: newest first), and older ones from the text
    index only when those did not fill the cap."""
    if not windowed:
        return f"""
words AS MATERIALIZED (
    SELECT e.id, e.kind, e.status, e.occurred_on,
           ts_rank_cd(e.search_vector, q.tsq, 32) AS rank
    FROM cases_searchentry e CROSS JOIN q
    -- The query written out, not q.tsq: the planner then knows how common its words
    -- are, and reads a common word's first rows in table order (stopping at the cap)
    -- instead of collecting every match from the index first.
    WHERE e.search_vector @@ {_tsquery()} AND {reach}
    LIMIT %(cap)s
),"""  # noqa: S608
    return f"""
recent AS MATERIALIZED (
    SELECT e.id, e.kind, e.status, e.occurred_on,
           ts_rank_cd(e.search_vector, q.tsq, 32) AS rank
    FROM (SELECT * FROM cases_searchentry ORDER BY id DESC LIMIT %(window)s) e CROSS JOIN q
    -- No ORDER BY here: the window comes newest first, and a sort would read all of it.
    WHERE e.search_vector @@ q.tsq AND {reach}
    LIMIT %(cap)s
),
-- Where the newest entries end (the oldest id among them).
floor AS MATERIALIZED (
    SELECT id FROM cases_searchentry ORDER BY id DESC OFFSET %(window)s - 1 LIMIT 1
),
older AS MATERIALIZED (
    SELECT m.id, m.kind, m.status, m.occurred_on, ts_rank_cd(m.search_vector, q.tsq, 32) AS rank
    FROM (
        SELECT e.id, e.kind, e.status, e.occurred_on, e.search_vector
        FROM cases_searchentry e
        -- The query written out, not q.tsq: the planner then knows how rare its words
        -- are. OFFSET 0 keeps the floor out of the index scan (ANDed with the primary
        -- key's million entries, it would cost more than the words).
        WHERE (SELECT count(*) FROM recent) < %(cap)s
          AND e.search_vector @@ {_tsquery()} AND {reach}
        OFFSET 0
    ) m CROSS JOIN q
    -- No floor: fewer entries than the window, all read already.
    WHERE m.id < (SELECT id FROM floor)
    LIMIT %(cap)s
),
words AS MATERIALIZED (
    (SELECT * FROM recent) UNION ALL (SELECT * FROM older) LIMIT %(cap)s
),"""  # noqa: S608


def _search_sql(reach: str, filters: str, windowed: bool = False) -> str:
    """One statement: the capped matches of the words (one scan that stops at the cap),
    names close to the typed words only when the words found fewer than a page and no
    name among them (a misspelt or unknown name: "Simkis"), their facet counts, and the page of the
    matches within the chosen facets, ranked, with titles and snippets read for that
    page alone. Only constant SQL fragments are formatted in; every value is a parameter.
    """
    return f"""
WITH q AS MATERIALIZED (SELECT {_tsquery()} AS tsq),{_words_sql(reach, windowed)}
names AS MATERIALIZED (
    SELECT e.id, e.kind, e.status, e.occurred_on,
           word_similarity(%(ascii)s, e.names) AS rank
    FROM cases_searchentry e
    WHERE %(ascii)s <> '' AND (SELECT count(*) FROM words) < %(names_below)s
      -- A name the words found as typed was not misspelt: no look-alikes (a company
      -- with its number would bring its 200 namesakes, at the cost of the trigram
      -- index's longest lists).
      AND NOT EXISTS (SELECT 1 FROM words w JOIN cases_searchentry f ON f.id = w.id
                      WHERE f.names <> '')
      AND %(ascii)s <%% e.names AND {reach}
    LIMIT %(names_cap)s
),
matched AS MATERIALIZED (
    SELECT DISTINCT ON (id) * FROM (SELECT * FROM words UNION ALL SELECT * FROM names) m
    ORDER BY id, rank DESC
),
facets AS (
    SELECT json_build_object(
        'words', (SELECT count(*) FROM words),
        'kind', (SELECT json_object_agg(kind, n)
                 FROM (SELECT kind, count(*) AS n FROM matched GROUP BY kind) k),
        'status', (SELECT json_object_agg(kind || ':' || status, n)
                   FROM (SELECT kind, status, count(*) AS n FROM matched
                         GROUP BY kind, status) s),
        'year', (SELECT json_object_agg(coalesce(year::text, ''), n)
                 FROM (SELECT extract(year FROM occurred_on)::int AS year, count(*) AS n
                       FROM matched GROUP BY 1) y)
    ) AS facets
),
page AS (
    SELECT m.id, m.rank, m.occurred_on, count(*) OVER () AS matches
    FROM matched m WHERE true{filters}
    ORDER BY m.rank DESC, m.occurred_on DESC NULLS LAST, m.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT f.facets, e.kind, e.object_id, e.title, e.status, e.occurred_on, p.rank, p.matches,
       CASE WHEN e.body = '' THEN ''
            ELSE ts_headline('{ENGLISH_CONFIG}', translate(e.body, '<>', %(standins)s),
                             (SELECT tsq FROM q), %(headline)s) END
FROM facets f
LEFT JOIN (page p JOIN cases_searchentry e ON e.id = p.id) ON true
ORDER BY p.rank DESC, p.occurred_on DESC NULLS LAST, p.id DESC
"""  # noqa: S608


# The share of the index that the rarest word of the query is in, from the statistics of
# the text search vector (its most common lexemes and their frequencies, ANALYZE): an
# upper bound of the share of an AND of words, which the planner's own estimate (the
# product of the shares) misses when the words go together ("Scania R450": 7 % of the
# texts, estimated at 0.9 %). A word outside the most common ones counts as rare. The
# statistics change when the table is analysed: they are read again after STATS_TTL.
STATS_TTL = 300.0
_COMMON_SQL = (
    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs FROM pg_stats s"
    " WHERE s.schemaname = current_schema() AND s.tablename = 'cases_searchentry'"
    " AND s.attname = 'search_vector'"
)
_LEXEME = re.compile(r"'((?:[^']|'')+)'")
_common_lexemes: dict[str, Any] = {"read_at": None, "shares": {}}


def _common_shares(cursor: Any) -> dict[str, float]:
    """{lexeme: share of the index} of the most common lexemes, read at most every
    STATS_TTL seconds."""
    read_at = _common_lexemes["read_at"]
    if read_at is None or time.monotonic() - read_at > STATS_TTL:
        cursor.execute(_COMMON_SQL)
        row = cursor.fetchone()
        lexemes, shares = row if row else ([], [])
        _common_lexemes["shares"] = dict(zip(lexemes or [], shares or [], strict=False))
        _common_lexemes["read_at"] = time.monotonic()
    return _common_lexemes["shares"]


def _estimated_share(cursor: Any, tsquery: str) -> float:
    """The share of the index that the rarest word of ``tsquery`` (its text form) is in:
    an upper bound of the share it matches; 0 for a rare word or no statistics."""
    lexemes = {found.replace("''", "'") for found in _LEXEME.findall(tsquery)}
    if not lexemes:
        return 0.0
    shares = _common_shares(cursor)
    return float(min(shares.get(lexeme, 0.0) for lexeme in lexemes))


def _facet_rows(facets: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [
        (name, value, int(count))
        for name in ("kind", "status", "year")
        for value, count in (facets.get(name) or {}).items()
    ]


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


def _display_titles(hits: list[SearchHit], sources: dict[str, SearchSource]) -> None:
    """The titles and pages of a page of hits as their sources give them (one query a
    kind at most)."""
    for kind, source in sources.items():
        ids = [hit.object_id for hit in hits if hit.kind == kind]
        if not ids:
            continue
        titles = source.display_titles(ids) if source.display_titles else {}
        urls = source.page_urls(ids) if source.page_urls else {}
        for hit in hits:
            if hit.kind == kind:
                hit.title = titles.get(hit.object_id, hit.title)
                hit.url = urls.get(hit.object_id, hit.url)


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
    sees_all, cases_sql, cases_params = _restricted_reach_sql(user=user)
    filters, filter_params = _facet_filters(query)
    page = max(query.page, 1)
    params: dict[str, Any] = dict(filter_params)
    params.update(
        q=query.text,
        ascii=names_ascii(query.text) if len(query.text) <= 80 else "",
        cap=CANDIDATE_CAP,
        names_cap=NAMES_CAP,
        names_below=PER_PAGE,
        limit=PER_PAGE,
        offset=(page - 1) * PER_PAGE,
        headline=_HEADLINE_OPTIONS,
        standins=LT_STANDIN + GT_STANDIN,
    )
    # Every round trip is a wait for the CPU on a busy server: one statement settles,
    # for the search below only, the names' threshold and no JIT (it compiles for
    # milliseconds what runs in milliseconds), and answers the query as PostgreSQL
    # parses it (for the share of its words) and the restricted cases ``user`` is on.
    tsquery = _tsquery().replace("%(q)s", "%s")
    cases = f"ARRAY({cases_sql})" if cases_sql else "'{}'::bigint[]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
            f" set_config('jit', 'off', true), ({tsquery})::text, {cases}",
            [str(NAME_SIMILARITY), query.text, query.text, *cases_params],
        )
        _settings, _jit, parsed, case_ids = cursor.fetchone()
        reach, reach_params = _reach_sql(
            sees_all=sees_all, kinds=sorted(sources), cases=list(case_ids)
        )
        params.update(reach_params)
        windowed = _estimated_share(cursor, parsed) >= FREQUENT_SHARE
        params["window"] = RECENT_WINDOW
        cursor.execute(_search_sql(reach, filters, windowed), params)
        rows = cursor.fetchall()
    facets: dict[str, Any] = rows[0][0] if rows else {}
    found = [row[1:] for row in rows if row[1] is not None]
    matches = found[0][6] if found else 0
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
            url=reverse(sources[kind].url_name, kwargs={"pk": object_id})
            if sources[kind].url_name
            else "",
            snippet=snippet_html(headline or ""),
        )
        for kind, object_id, title, status, occurred_on, rank, _matches, headline in found
    ]
    _display_titles(hits, sources)
    capped = int(facets.get("words") or 0) >= CANDIDATE_CAP
    return SearchResults(
        hits=hits,
        matches=matches,
        capped=capped,
        page=page,
        pages=max(1, -(-matches // PER_PAGE)),
        facets=_facets(_facet_rows(facets), query, sources),
        facets_capped=capped,
    )
