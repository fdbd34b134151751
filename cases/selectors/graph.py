"""Link analysis over the entity registry: neighbours (1 and 2 hops), shortest paths,
the connecting network of a set, and pivots on shared identifiers.

Reach: every entity is read through ``entity_scope_for_user`` (cases/selectors/
entities.py), so need-to-know narrows every answer, its counts included. Its queryset
is compiled into the SQL below as a semi-join on the far end of each relation; a
relation is visible when both its ends are. While the scope is the whole registry (no
condition at all) the semi-join is dropped: every relation's ends exist (foreign keys),
so it would only cost time; any narrowing of the scope brings it back.

Caps are never silent: an expansion above ``cap`` relations for a node answers with the
first ``cap`` of them in RELATION_ORDER plus a ``more`` marker counting the rest; a path
search that grows past its budget says so (``status="too_broad"``), apart from "no path
within max_hops" (``status="none"``).

Queries are plain SQL on cases_relation with the indexes of migration
cases.0009_graph_indexes: (source_id, confidence DESC, id DESC) and the same on
target_id, so the first ``cap`` relations of a hub are read off an index without
sorting its 10,000 relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from django.db import connection

from cases.models import EntityKind
from cases.selectors.entities import entity_scope_for_user
from portal.models import User

# The stated order of a capped expansion: strongest first, then most recently recorded.
RELATION_ORDER = "confidence DESC, id DESC"
RELATION_ORDER_LABEL = "confidence (highest first), then most recently recorded"
DEFAULT_CAP = 25
MAX_CAP = 200
# At most this many ids in one request (seeds of an expansion, a network's set, a
# pivot's entities); an exported chart may hold more.
MAX_SEED_IDS = 50
MAX_NETWORK_IDS = 12
MAX_EXPORT_IDS = 5_000
MAX_PATH_HOPS = 6
# A path search stops (status "too_broad") when its two frontiers together have
# reached this many entities: a search through several hubs of 10,000 relations would
# otherwise read millions of rows inside a request.
PATH_VISIT_BUDGET = 60_000
# Kinds whose entities are identifiers that other entities "share".
IDENTIFIER_KINDS = (
    EntityKind.PHONE,
    EntityKind.EMAIL,
    EntityKind.ADDRESS,
    EntityKind.BANK_ACCOUNT,
    EntityKind.IDENTITY_DOCUMENT,
)


@dataclass(frozen=True)
class GraphFilter:
    """Which relations count: of ``kinds`` (all when empty), and valid at some time in
    [period_from, period_to] (open ends; a relation without dates is always valid)."""

    kinds: tuple[str, ...] = ()
    period_from: date | None = None
    period_to: date | None = None


class GraphNode(TypedDict):
    id: int
    kind: str
    label: str
    key: str
    # Relations of this entity within reach and the filter: the badge before expanding.
    degree: int


class GraphEdge(TypedDict):
    id: int
    source: int
    target: int
    kind: str
    valid_from: str | None
    valid_to: str | None
    confidence: int


class MoreMarker(TypedDict):
    node: int
    shown: int
    hidden: int


class GraphAnswer(TypedDict):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    more: list[MoreMarker]
    order: str


class PathAnswer(GraphAnswer):
    status: str  # "found", "none" (no path within max_hops), "too_broad"
    hops: int | None
    path: list[int]


class NetworkAnswer(GraphAnswer):
    unconnected: list[list[int]]
    too_broad: list[list[int]]


class PivotGroup(TypedDict):
    identifier: int
    sharing: list[int]
    hidden: int


class PivotAnswer(GraphAnswer):
    groups: list[PivotGroup]


@dataclass
class _Scope:
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


def _scope(user: User) -> _Scope:
    queryset = entity_scope_for_user(user=user)
    query = queryset.query
    unrestricted = (
        not query.where
        and not query.combinator
        and query.low_mark == 0
        and query.high_mark is None
        and not query.extra
    )
    if unrestricted:
        return _Scope()
    sql, params = queryset.values("id").query.sql_with_params()
    return _Scope(sql=sql, params=tuple(params), restricted=True)


def _filter_sql(graph_filter: GraphFilter, alias: str = "r") -> tuple[str, list[Any]]:
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


_EDGE_COLUMNS = "r.id, r.source_id, r.target_id, r.kind, r.valid_from, r.valid_to, r.confidence"


def _edge(row: Sequence[Any]) -> GraphEdge:
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


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def entities_in_reach(*, user: User, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` within ``user``'s reach (the others are as if they did not exist)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return set()
    return set(entity_scope_for_user(user=user).filter(pk__in=wanted).values_list("pk", flat=True))


def _degrees(ids: Sequence[int], scope: _Scope, graph_filter: GraphFilter) -> dict[int, int]:
    """Relations of each of ``ids`` within reach and the filter (both directions)."""
    if not ids:
        return {}
    where, fparams = _filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    sql = (
        "SELECT n.id,"  # noqa: S608  fixed SQL fragments; values are parameters
        f" (SELECT count(*) FROM cases_relation r WHERE r.source_id = n.id{where}{out_reach})"
        f" + (SELECT count(*) FROM cases_relation r WHERE r.target_id = n.id{where}{in_reach})"
        " FROM unnest(%s::bigint[]) AS n(id)"
    )
    params = [*fparams, *out_params, *fparams, *in_params, list(ids)]
    return dict(_fetch(sql, params))


def _nodes(ids: Iterable[int], scope: _Scope, graph_filter: GraphFilter) -> list[GraphNode]:
    """The entities of ``ids`` with their degree (relations within reach and the
    filter, both directions), in one statement."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    where, fparams = _filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    sql = (
        "SELECT e.id, e.kind, e.label, e.key,"  # noqa: S608  fixed SQL fragments; values are parameters
        f" (SELECT count(*) FROM cases_relation r WHERE r.source_id = e.id{where}{out_reach})"
        f" + (SELECT count(*) FROM cases_relation r WHERE r.target_id = e.id{where}{in_reach})"
        " FROM cases_entity e WHERE e.id = ANY(%s) ORDER BY e.id"
    )
    rows = _fetch(sql, [*fparams, *out_params, *fparams, *in_params, wanted])
    return [
        {"id": i, "kind": kind, "label": label, "key": key, "degree": degree}
        for i, kind, label, key, degree in rows
    ]


def _first_relations(
    ids: Sequence[int], scope: _Scope, graph_filter: GraphFilter, cap: int
) -> dict[int, list[tuple[Any, ...]]]:
    """For each of ``ids``, its first ``cap + 1`` relations within reach and the filter in
    RELATION_ORDER (one more than shown tells whether there are more)."""
    if not ids:
        return {}
    where, fparams = _filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    # Each branch reads an index in RELATION_ORDER; the merge stops after cap + 1 rows,
    # so a hub costs what an ordinary node does.
    sql = (
        "SELECT n.id, e.* FROM unnest(%s::bigint[]) AS n(id) CROSS JOIN LATERAL ("  # noqa: S608  fixed SQL fragments; values are parameters
        f" (SELECT {_EDGE_COLUMNS} FROM cases_relation r"
        f"   WHERE r.source_id = n.id{where}{out_reach} ORDER BY {RELATION_ORDER} LIMIT %s)"
        " UNION ALL"
        f" (SELECT {_EDGE_COLUMNS} FROM cases_relation r"
        f"   WHERE r.target_id = n.id AND r.source_id <> n.id{where}{in_reach}"
        f"   ORDER BY {RELATION_ORDER} LIMIT %s)"
        f" ORDER BY {RELATION_ORDER} LIMIT %s"
        ") AS e"
    )
    params = [
        list(ids),
        *fparams,
        *out_params,
        cap + 1,
        *fparams,
        *in_params,
        cap + 1,
        cap + 1,
    ]
    found: dict[int, list[tuple[Any, ...]]] = {i: [] for i in ids}
    for row in _fetch(sql, params):
        found[row[0]].append(row[1:])
    return found


def graph_expand(
    *,
    user: User,
    ids: Sequence[int],
    hops: int = 1,
    graph_filter: GraphFilter | None = None,
    cap: int = DEFAULT_CAP,
) -> GraphAnswer:
    """The neighbourhood of ``ids`` (those within reach; the others are ignored as
    unknown) to ``hops`` (1 or 2) relations away. Each expanded entity shows at most
    ``cap`` of its relations, in RELATION_ORDER; the rest are counted in a ``more``
    marker. Every node carries its ``degree`` (the badge before it is expanded)."""
    if hops not in (1, 2):
        raise ValueError("hops must be 1 or 2")
    graph_filter = graph_filter or GraphFilter()
    scope = _scope(user)
    seeds = sorted(entities_in_reach(user=user, ids=ids))
    nodes: set[int] = set(seeds)
    edges: dict[int, GraphEdge] = {}
    frontier = seeds
    shown: dict[int, int] = {}  # expanded entity above the cap -> relations shown
    for _hop in range(hops):
        found = _first_relations(frontier, scope, graph_filter, cap)
        reached: list[int] = []
        for node in frontier:
            rows = found[node][:cap]
            if len(found[node]) > cap:
                shown[node] = len(rows)
            for row in rows:
                edge = _edge(row)
                edges[edge["id"]] = edge
                other = edge["target"] if edge["source"] == node else edge["source"]
                if other not in nodes:
                    nodes.add(other)
                    reached.append(other)
        frontier = reached
    answer_nodes = _nodes(nodes, scope, graph_filter)
    degrees = {node["id"]: node["degree"] for node in answer_nodes}
    more: list[MoreMarker] = [
        {"node": node, "shown": count, "hidden": degrees[node] - count}
        for node, count in shown.items()
    ]
    return {
        "nodes": answer_nodes,
        "edges": sorted(edges.values(), key=lambda e: e["id"]),
        "more": more,
        "order": RELATION_ORDER_LABEL,
    }


def _edges_from(
    frontier: list[int], scope: _Scope, graph_filter: GraphFilter
) -> tuple[str, list[Any]]:
    """SQL of (origin, other, id) for every relation within reach and the filter from
    an entity of ``frontier``, either direction, with its parameters."""
    where, fparams = _filter_sql(graph_filter)
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
    frontier: list[int], scope: _Scope, graph_filter: GraphFilter
) -> list[tuple[int, int, int]]:
    """Every relation from ``frontier``: (from, to, relation id), three integers a row."""
    sql, params = _edges_from(frontier, scope, graph_filter)
    return [(origin, other, rid) for origin, other, rid in _fetch(sql, params)]


def _meeting(
    near: list[int], far: list[int], scope: _Scope, graph_filter: GraphFilter
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
    rows = sorted(_fetch(sql, [*params, far]), key=lambda row: (row[1], row[2]))
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
    rows = _fetch(f"SELECT {_EDGE_COLUMNS} FROM cases_relation r WHERE r.id = ANY(%s)", [ids])  # noqa: S608  fixed SQL fragments; values are parameters
    by_id = {row[0]: _edge(row) for row in rows}
    return [by_id[i] for i in ids]


def _path_search(
    source: int, target: int, scope: _Scope, graph_filter: GraphFilter, max_hops: int
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


def graph_path(
    *,
    user: User,
    source: int,
    target: int,
    graph_filter: GraphFilter | None = None,
    max_hops: int = MAX_PATH_HOPS,
) -> PathAnswer:
    """A shortest path (fewest relations, at most ``max_hops``) from ``source`` to
    ``target`` over relations within reach and the filter, either direction. Raises
    LookupError when either end is outside reach (as when it does not exist)."""
    if not 1 <= max_hops <= MAX_PATH_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
    graph_filter = graph_filter or GraphFilter()
    if entities_in_reach(user=user, ids=[source, target]) != {source, target}:
        raise LookupError("unknown entity")
    scope = _scope(user)
    status, entities, relations = _path_search(source, target, scope, graph_filter, max_hops)
    shown = entities or [source, target]
    return {
        "nodes": _nodes(shown, scope, graph_filter),
        "edges": relations,
        "more": [],
        "order": RELATION_ORDER_LABEL,
        "status": status,
        "hops": len(relations) if status == "found" else None,
        "path": entities,
    }


def graph_network(
    *,
    user: User,
    ids: Sequence[int],
    graph_filter: GraphFilter | None = None,
    max_hops: int = MAX_PATH_HOPS,
) -> NetworkAnswer:
    """The connecting network of ``ids`` (those within reach): the union of a shortest
    path between each pair, with the pairs that have none (or whose search grew too
    broad) named."""
    graph_filter = graph_filter or GraphFilter()
    scope = _scope(user)
    seeds = sorted(entities_in_reach(user=user, ids=ids))
    nodes: set[int] = set(seeds)
    edges: dict[int, GraphEdge] = {}
    unconnected: list[list[int]] = []
    too_broad: list[list[int]] = []
    for i, source in enumerate(seeds):
        for target in seeds[i + 1 :]:
            status, entities, relations = _path_search(
                source, target, scope, graph_filter, max_hops
            )
            if status == "found":
                nodes.update(entities)
                edges.update((e["id"], e) for e in relations)
            elif status == "none":
                unconnected.append([source, target])
            else:
                too_broad.append([source, target])
    return {
        "nodes": _nodes(nodes, scope, graph_filter),
        "edges": sorted(edges.values(), key=lambda e: e["id"]),
        "more": [],
        "order": RELATION_ORDER_LABEL,
        "unconnected": unconnected,
        "too_broad": too_broad,
    }


def _links_between(node: int, others: Sequence[int], graph_filter: GraphFilter) -> int:
    where, fparams = _filter_sql(graph_filter)
    sql = (
        "SELECT count(*) FROM cases_relation r WHERE ((r.source_id = %s AND r.target_id = ANY(%s))"  # noqa: S608  fixed SQL fragments; values are parameters
        f" OR (r.target_id = %s AND r.source_id = ANY(%s))){where}"
    )
    return int(_fetch(sql, [node, list(others), node, list(others), *fparams])[0][0])


def graph_pivot(
    *,
    user: User,
    ids: Sequence[int],
    graph_filter: GraphFilter | None = None,
    cap: int = DEFAULT_CAP,
) -> PivotAnswer:
    """Entities that share an identifier (phone, e-mail, address, bank account, identity
    document) with any of ``ids``: both related to the same identifier entity, or to
    identifier entities of the same kind and key. One group per identifier, at most
    ``cap`` sharing entities each (RELATION_ORDER of their relation to it), the rest
    counted in the group's ``hidden`` and in a ``more`` marker."""
    graph_filter = graph_filter or GraphFilter()
    scope = _scope(user)
    seeds = sorted(entities_in_reach(user=user, ids=ids))
    if not seeds:
        return {"nodes": [], "edges": [], "more": [], "order": RELATION_ORDER_LABEL, "groups": []}
    kinds = [str(k) for k in IDENTIFIER_KINDS]
    nodes: set[int] = set(seeds)
    edges: dict[int, GraphEdge] = {}
    # The seeds' own identifiers: identifier entities related to them (or seeds that
    # are identifiers themselves).
    first = _first_relations(seeds, scope, graph_filter, MAX_CAP)
    identifiers: set[int] = set()
    seed_rows = _fetch(
        "SELECT id FROM cases_entity WHERE id = ANY(%s) AND kind = ANY(%s)", [seeds, kinds]
    )
    identifiers.update(i for (i,) in seed_rows)
    neighbours: dict[int, GraphEdge] = {}
    for node in seeds:
        for row in first[node][:MAX_CAP]:
            edge = _edge(row)
            other = edge["target"] if edge["source"] == node else edge["source"]
            neighbours.setdefault(other, edge)
    if neighbours:
        kind_rows = _fetch(
            "SELECT id FROM cases_entity WHERE id = ANY(%s) AND kind = ANY(%s)",
            [sorted(neighbours), kinds],
        )
        for (i,) in kind_rows:
            identifiers.add(i)
            edges[neighbours[i]["id"]] = neighbours[i]
    # The same identifier recorded twice (same kind and key): a twin counts as the same.
    twins: dict[int, int] = {}
    if identifiers:
        reach, reach_params = scope.on("t.id")
        twin_rows = _fetch(
            "SELECT t.id, i.id FROM cases_entity i JOIN cases_entity t"  # noqa: S608  fixed SQL fragments; values are parameters
            " ON t.kind = i.kind AND t.key = i.key AND t.id <> i.id"
            f" WHERE i.id = ANY(%s) AND i.key <> ''{reach}",
            [sorted(identifiers), *reach_params],
        )
        for twin, original in twin_rows:
            if twin not in identifiers:
                twins[twin] = original
    all_identifiers = sorted(identifiers | set(twins))
    found = _first_relations(all_identifiers, scope, graph_filter, cap + len(seeds))
    capped = [i for i in all_identifiers if len(found[i]) > cap + len(seeds)]
    degrees = _degrees(capped, scope, graph_filter)
    groups: list[PivotGroup] = []
    more: list[MoreMarker] = []
    for identifier in all_identifiers:
        sharing: list[int] = []
        shown_edges: list[GraphEdge] = []
        for row in found[identifier]:
            edge = _edge(row)
            other = edge["target"] if edge["source"] == identifier else edge["source"]
            if other in seeds:
                continue
            if len(sharing) < cap and other not in sharing:
                sharing.append(other)
                shown_edges.append(edge)
        if not sharing and identifier not in twins:
            continue
        total_others = (
            degrees[identifier] - _links_between(identifier, seeds, graph_filter)
            if identifier in degrees
            else len(sharing)
        )
        hidden = max(0, total_others - len(sharing))
        nodes.add(identifier)
        nodes.update(sharing)
        edges.update((e["id"], e) for e in shown_edges)
        groups.append({"identifier": identifier, "sharing": sharing, "hidden": hidden})
        if hidden:
            more.append({"node": identifier, "shown": len(sharing), "hidden": hidden})
    return {
        "nodes": _nodes(nodes, scope, graph_filter),
        "edges": sorted(edges.values(), key=lambda e: e["id"]),
        "more": more,
        "order": RELATION_ORDER_LABEL,
        "groups": groups,
    }


def graph_chart_for_user(
    *, user: User, node_ids: Sequence[int], edge_ids: Sequence[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The posted chart re-read within ``user``'s reach: its entities (with
    properties and provenance) and the relations among them; anything outside reach is
    dropped as if unknown. For the exports."""
    reach = entities_in_reach(user=user, ids=node_ids)
    entities: list[dict[str, Any]] = [
        dict(row)
        for row in entity_scope_for_user(user=user)
        .filter(pk__in=sorted(reach))
        .order_by("pk")
        .values("id", "kind", "label", "key", "properties", "provenance")
    ]
    rows = _fetch(
        "SELECT r.id, r.source_id, r.target_id, r.kind, r.valid_from, r.valid_to,"
        " r.confidence, r.provenance FROM cases_relation r"
        " WHERE r.id = ANY(%s) AND r.source_id = ANY(%s) AND r.target_id = ANY(%s)"
        " ORDER BY r.id",
        [sorted({int(i) for i in edge_ids}), sorted(reach), sorted(reach)],
    )
    relations = [{**_edge(row), "provenance": row[7]} for row in rows]
    return entities, relations
