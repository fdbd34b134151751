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
    """The user's reach as a condition on an entity id column: none at all (the whole
    registry), the ids out of reach (``hidden``: PostgreSQL hashes the array once per
    statement, so each far end costs a hash look-up), or the SQL of the reach itself
    (``sql``: a semi-join that tests the rule on every far end, for when too many
    entities are out of reach to list)."""

    sql: str = ""
    params: tuple[Any, ...] = ()
    restricted: bool = False
    hidden: tuple[int, ...] = ()

    def on(self, column: str) -> tuple[str, list[Any]]:
        if self.hidden:
            return f" AND NOT ({column} = ANY(%s::bigint[]))", [list(self.hidden)]
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


def _iso(value: date | str | None) -> str | None:
    """A date as ISO text (rows bring dates; JSON built by PostgreSQL brings text)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def edge_of(row: Sequence[Any]) -> GraphEdge:
    rid, source, target, kind, valid_from, valid_to, confidence = row[:7]
    return {
        "id": rid,
        "source": source,
        "target": target,
        "kind": kind,
        "valid_from": _iso(valid_from),
        "valid_to": _iso(valid_to),
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


# Relations are counted up to this many for a node's badge: a hub's count stops there
# and the answer says so ("250+"), so that a chart around hubs does not count their tens
# of thousands of relations for a number nobody reads exactly (a 2-hop answer near hubs
# holds several: counting each to 1,000 was a third of its time at 5M relations). Above
# MAX_CAP of the selectors, so that a "more" marker always has something to count.
DEGREE_CAP = 250


def degree_sql(node: str, where: str, out_reach: str, in_reach: str) -> str:
    """SQL of a node's relations within reach and the filter, both directions, each
    direction counted to DEGREE_CAP + 1 at most (an index-only scan that stops there):
    more than DEGREE_CAP means "at least DEGREE_CAP" (degree_of). Its parameters come
    from degree_params."""
    return (
        "((SELECT count(*) FROM (SELECT 1 FROM cases_relation r"  # noqa: S608  fixed SQL fragments; values are parameters
        f" WHERE r.source_id = {node}{where}{out_reach} LIMIT %s) AS o)"
        " + (SELECT count(*) FROM (SELECT 1 FROM cases_relation r"
        f" WHERE r.target_id = {node}{where}{in_reach} LIMIT %s) AS i))"
    )


def degree_params(fparams: list[Any], out_params: list[Any], in_params: list[Any]) -> list[Any]:
    return [*fparams, *out_params, DEGREE_CAP + 1, *fparams, *in_params, DEGREE_CAP + 1]


def node_count_sql(entity: str, scope: Scope, graph_filter: GraphFilter) -> tuple[str, list[Any]]:
    """SQL of the count of the entity aliased ``entity`` for degree_of, with its
    parameters. With no filter and nothing out of reach, every relation of the entity
    counts: its ``relation_count``, kept by the database (migration
    cases.0016_entity_relation_count), read off the same index entry as its kind and
    label. Otherwise its relations within reach and the filter are counted
    (degree_sql), two index scans that stop past DEGREE_CAP."""
    where, fparams = filter_sql(graph_filter)
    if not where and not scope.hidden and not scope.restricted:
        return f"{entity}.relation_count", []
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    return (
        degree_sql(f"{entity}.id", where, out_reach, in_reach),
        degree_params(fparams, out_params, in_params),
    )


def degree_of(counted: int) -> tuple[int, bool]:
    """(the badge's number, whether it is a lower bound) of a degree_sql count."""
    if counted > DEGREE_CAP:
        return DEGREE_CAP, True
    return counted, False


def expansion_sql(
    *, hops: int, cap: int, scope: Scope, graph_filter: GraphFilter, order: str
) -> tuple[str, list[Any]]:
    """One statement for a whole 1- or 2-hop expansion of the seeds in its first
    parameter (an id array; those out of reach are left out): the first ``cap`` relations of each
    expanded entity in ``order``, the entities they reach with their counts (within
    reach and the filter), and which expanded entities had more than ``cap``. The
    answer is one JSON object built by PostgreSQL ({"edges", "nodes", "capped"}): one
    round trip instead of one per hop and one for the counts."""
    where, fparams = filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    params: list[Any] = []

    def first(frontier: str) -> str:
        # The first cap + 1 of each entity's relations (one more tells whether there are
        # more), ranked; each branch reads its index in order and stops early.
        params.extend([*fparams, *out_params, cap + 1, *fparams, *in_params, cap + 1, cap + 1])
        return (
            "SELECT l.*, row_number() OVER (PARTITION BY l.origin"  # noqa: S608  fixed SQL fragments; values are parameters
            "   ORDER BY l.confidence DESC, l.id DESC) AS rank,"
            " CASE WHEN l.source_id = l.origin THEN l.target_id ELSE l.source_id END AS other"
            f" FROM (SELECT n.id AS origin, e.* FROM {frontier} AS n CROSS JOIN LATERAL ("
            f"  (SELECT {EDGE_COLUMNS} FROM cases_relation r"
            f"    WHERE r.source_id = n.id{where}{out_reach} ORDER BY {order} LIMIT %s)"
            "  UNION ALL"
            f"  (SELECT {EDGE_COLUMNS} FROM cases_relation r"
            f"    WHERE r.target_id = n.id AND r.source_id <> n.id{where}{in_reach}"
            f"    ORDER BY {order} LIMIT %s)"
            f"  ORDER BY {order} LIMIT %s) AS e) AS l"
        )

    # The seeds within reach (the others as if unknown), checked here rather than in a
    # statement of their own: on a busy server every round trip waits for the CPU.
    seed_reach, seed_params = scope.on("e.id")
    params.extend(seed_params)
    parts = [
        "WITH seeds AS MATERIALIZED (SELECT DISTINCT e.id FROM cases_entity e"  # noqa: S608  fixed SQL fragments; values are parameters
        f" WHERE e.id = ANY(%s::bigint[]){seed_reach})"
    ]
    parts.append(f", h1 AS MATERIALIZED ({first('seeds')})")
    levels = ["h1"]
    if hops == 2:
        parts.append(
            ", f1 AS MATERIALIZED (SELECT DISTINCT h.other AS id FROM h1 h"  # noqa: S608  fixed SQL fragments; values are parameters
            f" WHERE h.rank <= {int(cap)} AND h.other NOT IN (SELECT id FROM seeds))"
        )
        parts.append(f", h2 AS MATERIALIZED ({first('f1')})")
        levels.append("h2")
    every = " UNION ALL ".join(f"SELECT * FROM {level}" for level in levels)  # noqa: S608  fixed SQL fragments; values are parameters
    parts.append(f", ranked AS ({every})")
    parts.append(f", shown AS (SELECT * FROM ranked WHERE rank <= {int(cap)})")  # noqa: S608  fixed SQL fragments; values are parameters
    parts.append(
        ", capped AS (SELECT origin, count(*) FILTER (WHERE rank <= "  # noqa: S608  fixed SQL fragments; values are parameters
        f"{int(cap)}) AS shown FROM ranked GROUP BY origin HAVING count(*) > {int(cap)})"
    )
    parts.append(", nodes AS (SELECT id FROM seeds UNION SELECT other FROM shown)")
    count, count_params = node_count_sql("e", scope, graph_filter)
    params.extend(count_params)
    parts.append(
        " SELECT json_build_object("  # noqa: S608  fixed SQL fragments; values are parameters
        "'edges', (SELECT coalesce(json_agg(json_build_array(x.id, x.source_id, x.target_id,"
        " x.kind, x.valid_from, x.valid_to, x.confidence) ORDER BY x.id), '[]')"
        " FROM (SELECT DISTINCT id, source_id, target_id, kind, valid_from, valid_to,"
        " confidence FROM shown) AS x),"
        "'nodes', (SELECT coalesce(json_agg(json_build_array(e.id, e.kind, e.label, e.key,"
        f" {count}"
        ") ORDER BY e.id), '[]') FROM cases_entity e WHERE e.id IN (SELECT id FROM nodes)),"
        "'capped', (SELECT coalesce(json_agg(json_build_array(c.origin, c.shown)), '[]')"
        " FROM capped AS c))"
    )
    return "".join(parts), params
