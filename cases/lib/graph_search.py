"""The SQL pieces of the link-analysis queries (cases/selectors/graph.py), which know
nothing of users: a reach (the SQL of an entity scope the selector compiled), a filter
on relations, and the bidirectional breadth-first search of a shortest path.

Every fragment here is a fixed string; values always travel as parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from django.db import connection

# A path search stops (status "too_broad") when its two sides together have reached
# this many entities: a search through several hubs of 10,000 relations would
# otherwise read millions of rows inside a request.
PATH_VISIT_BUDGET = 60_000


@dataclass(frozen=True)
class GraphFilter:
    """Which relations count: of ``kinds`` (all when empty), and valid at some time in
    [period_from, period_to] (open ends; a relation without dates is always valid)."""

    kinds: tuple[str, ...] = ()
    period_from: date | None = None
    period_to: date | None = None


class GraphEdge(TypedDict):
    id: int
    source: int
    target: int
    kind: str
    valid_from: str | None
    valid_to: str | None
    confidence: int


@dataclass
class Scope:
    """The user's reach as SQL: a condition on an entity id column, or none at all."""

    sql: str = ""
    params: tuple[Any, ...] = ()
    restricted: bool = False

    def on(self, column: str) -> tuple[str, list[Any]]:
        if not self.restricted:
            return "", []
        return (
            f" AND EXISTS (SELECT 1 FROM ({self.sql}) AS reach WHERE reach.id = {column})",  # noqa: S608  fixed SQL fragments; values are parameters
            list(self.params),
        )


def filter_sql(graph_filter: GraphFilter, alias: str = "r") -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if graph_filter.kinds:
        parts.append(f"{alias}.kind = ANY(%s)")
        params.append(list(graph_filter.kinds))
    if graph_filter.period_from is not None:
        parts.append(f"({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)")
        params.append(graph_filter.period_from)
    if graph_filter.period_to is not None:
        parts.append(f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %s)")
        params.append(graph_filter.period_to)
    return "".join(f" AND {part}" for part in parts), params


EDGE_COLUMNS = "r.id, r.source_id, r.target_id, r.kind, r.valid_from, r.valid_to, r.confidence"


def edge_of(row: Sequence[Any]) -> GraphEdge:
    rid, source, target, kind, valid_from, valid_to, confidence = row[:7]
    return {
        "id": rid,
        "source": source,
        "target": target,
        "kind": kind,
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_to": valid_to.isoformat() if valid_to else None,
        "confidence": confidence,
    }


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _edges_from(
    frontier: list[int], scope: Scope, graph_filter: GraphFilter
) -> tuple[str, list[Any]]:
    """SQL of (origin, other, id) for every relation within reach and the filter from
    an entity of ``frontier``, either direction, with its parameters."""
    where, fparams = filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    sql = (
        "SELECT r.source_id AS origin, r.target_id AS other, r.id FROM cases_relation r"  # noqa: S608  fixed SQL fragments; values are parameters
        f" WHERE r.source_id = ANY(%s){where}{out_reach}"
        " UNION ALL"
        " SELECT r.target_id, r.source_id, r.id FROM cases_relation r"
        f" WHERE r.target_id = ANY(%s){where}{in_reach}"
    )
    return sql, [frontier, *fparams, *out_params, frontier, *fparams, *in_params]


def _step(
    frontier: list[int], scope: Scope, graph_filter: GraphFilter
) -> list[tuple[int, int, int]]:
    """Every relation from ``frontier``: (from, to, relation id), three integers a row."""
    sql, params = _edges_from(frontier, scope, graph_filter)
    return [(origin, other, rid) for origin, other, rid in fetch(sql, params)]


def _meeting(
    near: list[int], far: list[int], scope: Scope, graph_filter: GraphFilter
) -> tuple[int, int, int] | None:
    """A relation from ``near`` to an entity of ``far`` (the smallest such entity, so
    that the answer does not depend on the plan), or None: one row back at most."""
    edges, params = _edges_from(near, scope, graph_filter)
    # A join on the unnested array, not "= ANY(array)", and no LIMIT: the planner
    # then hashes the far frontier (thousands of entities past a hub) once; with a
    # LIMIT it bets on an early match and scans the array for every row instead.
    sql = (
        f"SELECT e.origin, e.other, e.id FROM ({edges}) AS e"  # noqa: S608  fixed SQL fragments; values are parameters
        " JOIN unnest(%s::bigint[]) AS far(id) ON far.id = e.other"
    )
    rows = sorted(fetch(sql, [*params, far]), key=lambda row: (row[1], row[2]))
    return (rows[0][0], rows[0][1], rows[0][2]) if rows else None


@dataclass
class _Side:
    # entity -> (the entity it was reached from, the relation id); None for the start
    parents: dict[int, tuple[int, int] | None] = field(default_factory=dict)
    frontier: list[int] = field(default_factory=list)
    depth: int = 0


def _walk(side: _Side, node: int) -> list[tuple[int, int | None]]:
    """From ``node`` back to the side's start: [(entity, relation to the previous)]."""
    out: list[tuple[int, int | None]] = []
    current: int | None = node
    while current is not None:
        step = side.parents[current]
        out.append((current, step[1] if step else None))
        current = step[0] if step else None
    return out


def _relations(ids: list[int]) -> list[GraphEdge]:
    rows = fetch(f"SELECT {EDGE_COLUMNS} FROM cases_relation r WHERE r.id = ANY(%s)", [ids])  # noqa: S608  fixed SQL fragments; values are parameters
    by_id = {row[0]: edge_of(row) for row in rows}
    return [by_id[i] for i in ids]


def path_search(
    source: int, target: int, scope: Scope, graph_filter: GraphFilter, max_hops: int
) -> tuple[str, list[int], list[GraphEdge]]:
    """Bidirectional breadth-first search, always widening the smaller frontier. Each
    level first asks the database whether the smaller frontier touches the other one
    (one row back at most), and only then fetches the level itself (three integers
    per entity reached): the widest level, the one where the searches meet, is never
    sent back. Returns (status, entities along the path, its relations)."""
    if source == target:
        return "found", [source], []
    a = _Side(parents={source: None}, frontier=[source])
    b = _Side(parents={target: None}, frontier=[target])
    while a.depth + b.depth < max_hops and a.frontier and b.frontier:
        if len(a.parents) + len(b.parents) > PATH_VISIT_BUDGET:
            return "too_broad", [], []
        near, far = (a, b) if len(a.frontier) <= len(b.frontier) else (b, a)
        # Meeting the far side's frontier is enough: had a new entity been in an
        # earlier level of the far side, the searches would have met a level ago.
        met = _meeting(near.frontier, far.frontier, scope, graph_filter)
        if met is not None:
            origin, meet, relation = met
            near.parents[meet] = (origin, relation)
            back = _walk(a, meet)  # meet ... source
            forth = _walk(b, meet)  # meet ... target
            entities = [n for n, _ in reversed(back)] + [n for n, _ in forth[1:]]
            relation_ids = [r for _, r in reversed(back) if r] + [r for _, r in forth if r]
            return "found", entities, _relations(relation_ids)
        if a.depth + b.depth + 1 >= max_hops:
            break
        reached: list[int] = []
        for origin, other, relation in _step(near.frontier, scope, graph_filter):
            if other in near.parents:
                continue
            near.parents[other] = (origin, relation)
            reached.append(other)
        near.frontier = reached
        near.depth += 1
    return "none", [], []
