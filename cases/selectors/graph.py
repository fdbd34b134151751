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

Queries are plain SQL on cases_relation with the indexes of migrations
cases.0009_graph_indexes and cases.0012_graph_covering_indexes: (source_id, confidence
DESC, id DESC) and the same on target_id, covering the far end, kind and dates, so the
first ``cap`` relations of a hub are read off an index without sorting its 10,000
relations or visiting the table; an entity's kind, label and key come off an index too.

Counts are capped: a node's badge shows its relations up to DEGREE_CAP
(cases/lib/graph_search.py) and says "at least" past it ("250+", ``degree_capped``).
Without a filter and with nothing out of the user's reach, the count is the one the
database keeps on the entity (migration cases.0016_entity_relation_count), read off the
index entry that also gives its kind and label; otherwise the relations within reach
and the filter are counted, each direction up to DEGREE_CAP + 1. Either way the same
number and the same "+". Reach is the list of entities out of reach when it is short
(usually: those only restricted cases hold), one hashed look-up per far end, instead of
the need-to-know rule tested on each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, TypedDict

from cases.lib.graph_search import (
    EDGE_COLUMNS,
    GraphEdge,
    GraphFilter,
    Scope,
    degree_of,
    edge_of,
    expansion_sql,
    fetch,
    filter_sql,
    node_count_sql,
    path_search,
)
from cases.models import EntityKind
from cases.selectors.entities import entity_hidden_ids_for_user, entity_scope_for_user
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
# Up to this many entities out of the user's reach are listed in the graph queries (a
# hashed look-up on each far end); beyond, the reach's own SQL is tested on each.
MAX_LISTED_HIDDEN = 10_000
# Kinds whose entities are identifiers that other entities "share".
IDENTIFIER_KINDS = (
    EntityKind.PHONE,
    EntityKind.EMAIL,
    EntityKind.ADDRESS,
    EntityKind.BANK_ACCOUNT,
    EntityKind.IDENTITY_DOCUMENT,
)


class GraphNode(TypedDict):
    id: int
    kind: str
    label: str
    key: str
    # Relations of this entity within reach and the filter: the badge before expanding,
    # counted up to DEGREE_CAP (cases/lib/graph_search.py); past it ``degree`` is
    # DEGREE_CAP and ``degree_capped`` says that it is a lower bound ("250+").
    degree: int
    degree_capped: bool


class MoreMarker(TypedDict):
    node: int
    shown: int
    hidden: int
    # Present (true) only when ``hidden`` is a lower bound: the node's relations were
    # counted up to DEGREE_CAP ("975+ more").
    at_least: NotRequired[bool]


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


def _scope(user: User) -> Scope:
    """``user``'s reach over the entities of relations. Usually the entities out of
    reach are few (those that only restricted cases hold): they are listed, and none at
    all means no condition. Past MAX_LISTED_HIDDEN, the reach's own SQL is tested on
    every far end (a semi-join). PermissionDenied without ``cases.view_entity``."""
    hidden = entity_hidden_ids_for_user(user=user, limit=MAX_LISTED_HIDDEN + 1)
    if len(hidden) > MAX_LISTED_HIDDEN:
        # Without the model's ordering (Entity orders by label): a scope is a set, and
        # an ORDER BY in it makes PostgreSQL sort the whole registry for the semi-join.
        queryset = entity_scope_for_user(user=user).order_by().values("id")
        sql, params = queryset.query.sql_with_params()
        return Scope(sql=sql, params=tuple(params), restricted=True)
    if not hidden:
        return Scope()
    return Scope(hidden=tuple(hidden))


def _in_reach(ids: Iterable[int], scope: Scope) -> set[int]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return set()
    reach, params = scope.on("e.id")
    sql = f"SELECT e.id FROM cases_entity e WHERE e.id = ANY(%s){reach}"  # noqa: S608  fixed SQL fragments; values are parameters
    return {i for (i,) in fetch(sql, [wanted, *params])}


def entities_in_reach(*, user: User, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` within ``user``'s reach (the others are as if they did not exist)."""
    return _in_reach(ids, _scope(user))


def _degrees(ids: Sequence[int], scope: Scope, graph_filter: GraphFilter) -> dict[int, int]:
    """Relations of each of ``ids`` within reach and the filter (both directions)."""
    if not ids:
        return {}
    where, fparams = filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    sql = (
        "SELECT n.id,"  # noqa: S608  fixed SQL fragments; values are parameters
        f" (SELECT count(*) FROM cases_relation r WHERE r.source_id = n.id{where}{out_reach})"
        f" + (SELECT count(*) FROM cases_relation r WHERE r.target_id = n.id{where}{in_reach})"
        " FROM unnest(%s::bigint[]) AS n(id)"
    )
    params = [*fparams, *out_params, *fparams, *in_params, list(ids)]
    return dict(fetch(sql, params))


def _nodes(ids: Iterable[int], scope: Scope, graph_filter: GraphFilter) -> list[GraphNode]:
    """The entities of ``ids`` with their degree (relations within reach and the
    filter, both directions, counted up to DEGREE_CAP), in one statement."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    count, count_params = node_count_sql("e", scope, graph_filter)
    sql = (
        f"SELECT e.id, e.kind, e.label, e.key, {count}"  # noqa: S608  fixed SQL fragments; values are parameters
        " FROM cases_entity e WHERE e.id = ANY(%s) ORDER BY e.id"
    )
    rows = fetch(sql, [*count_params, wanted])
    return [_node(*row) for row in rows]


def _node(i: int, kind: str, label: str, key: str, counted: int) -> GraphNode:
    degree, capped = degree_of(int(counted))
    return {
        "id": i,
        "kind": kind,
        "label": label,
        "key": key,
        "degree": degree,
        "degree_capped": capped,
    }


def _first_relations(
    ids: Sequence[int], scope: Scope, graph_filter: GraphFilter, cap: int
) -> dict[int, list[tuple[Any, ...]]]:
    """For each of ``ids``, its first ``cap + 1`` relations within reach and the filter in
    RELATION_ORDER (one more than shown tells whether there are more)."""
    if not ids:
        return {}
    where, fparams = filter_sql(graph_filter)
    out_reach, out_params = scope.on("r.target_id")
    in_reach, in_params = scope.on("r.source_id")
    # Each branch reads an index in RELATION_ORDER; the merge stops after cap + 1 rows,
    # so a hub costs what an ordinary node does.
    sql = (
        "SELECT n.id, e.* FROM unnest(%s::bigint[]) AS n(id) CROSS JOIN LATERAL ("  # noqa: S608  fixed SQL fragments; values are parameters
        f" (SELECT {EDGE_COLUMNS} FROM cases_relation r"
        f"   WHERE r.source_id = n.id{where}{out_reach} ORDER BY {RELATION_ORDER} LIMIT %s)"
        " UNION ALL"
        f" (SELECT {EDGE_COLUMNS} FROM cases_relation r"
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
    for row in fetch(sql, params):
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
    sql, params = expansion_sql(
        hops=hops, cap=cap, scope=scope, graph_filter=graph_filter, order=RELATION_ORDER
    )
    ((answer,),) = fetch(sql, [sorted({int(i) for i in ids}), *params])
    if isinstance(answer, str):  # json, not jsonb: psycopg may hand over the text
        answer = json.loads(answer)
    nodes = [_node(*row) for row in answer["nodes"]]
    by_id = {node["id"]: node for node in nodes}
    return {
        "nodes": nodes,
        "edges": [edge_of(row) for row in answer["edges"]],
        "more": [_more(by_id[node], shown) for node, shown in sorted(answer["capped"])],
        "order": RELATION_ORDER_LABEL,
    }


def _more(node: GraphNode, shown: int) -> MoreMarker:
    """The "more" marker of an expanded ``node`` that had more than ``shown`` relations."""
    marker: MoreMarker = {
        "node": node["id"],
        "shown": shown,
        "hidden": node["degree"] - shown,
    }
    if node["degree_capped"]:
        # Counted up to DEGREE_CAP: at least this many, and at least one (the expansion
        # read one more than it shows).
        marker["hidden"] = max(marker["hidden"], 1)
        marker["at_least"] = True
    return marker


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
    scope = _scope(user)
    if _in_reach([source, target], scope) != {source, target}:
        raise LookupError("unknown entity")
    status, entities, relations = path_search(source, target, scope, graph_filter, max_hops)
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
    seeds = sorted(_in_reach(ids, scope))
    nodes: set[int] = set(seeds)
    edges: dict[int, GraphEdge] = {}
    unconnected: list[list[int]] = []
    too_broad: list[list[int]] = []
    for i, source in enumerate(seeds):
        for target in seeds[i + 1 :]:
            status, entities, relations = path_search(source, target, scope, graph_filter, max_hops)
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
    where, fparams = filter_sql(graph_filter)
    sql = (
        "SELECT count(*) FROM cases_relation r WHERE ((r.source_id = %s AND r.target_id = ANY(%s))"  # noqa: S608  fixed SQL fragments; values are parameters
        f" OR (r.target_id = %s AND r.source_id = ANY(%s))){where}"
    )
    return int(fetch(sql, [node, list(others), node, list(others), *fparams])[0][0])


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
    seeds = sorted(_in_reach(ids, scope))
    if not seeds:
        return {"nodes": [], "edges": [], "more": [], "order": RELATION_ORDER_LABEL, "groups": []}
    kinds = [str(k) for k in IDENTIFIER_KINDS]
    nodes: set[int] = set(seeds)
    edges: dict[int, GraphEdge] = {}
    # The seeds' own identifiers: identifier entities related to them (or seeds that
    # are identifiers themselves).
    first = _first_relations(seeds, scope, graph_filter, MAX_CAP)
    identifiers: set[int] = set()
    seed_rows = fetch(
        "SELECT id FROM cases_entity WHERE id = ANY(%s) AND kind = ANY(%s)", [seeds, kinds]
    )
    identifiers.update(i for (i,) in seed_rows)
    neighbours: dict[int, GraphEdge] = {}
    for node in seeds:
        for row in first[node][:MAX_CAP]:
            edge = edge_of(row)
            other = edge["target"] if edge["source"] == node else edge["source"]
            neighbours.setdefault(other, edge)
    if neighbours:
        kind_rows = fetch(
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
        twin_rows = fetch(
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
            edge = edge_of(row)
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
    rows = fetch(
        "SELECT r.id, r.source_id, r.target_id, r.kind, r.valid_from, r.valid_to,"
        " r.confidence, r.provenance FROM cases_relation r"
        " WHERE r.id = ANY(%s) AND r.source_id = ANY(%s) AND r.target_id = ANY(%s)"
        " ORDER BY r.id",
        [sorted({int(i) for i in edge_ids}), sorted(reach), sorted(reach)],
    )
    relations = [{**edge_of(row), "provenance": row[7]} for row in rows]
    return entities, relations
