"""The link-analysis queries (cases/selectors/graph.py) on a small known graph
(tests/cases/graph_support.py): neighbours, counts, caps with their "more" marker,
periods, kinds, shortest paths, networks, pivots, and the user's reach."""

from datetime import date
from typing import cast

import pytest

from cases.lib import graph_search
from cases.models import Entity
from cases.selectors import graph
from cases.selectors.entities import entity_hidden_ids_for_user, entity_scope_for_user
from cases.selectors.graph import GraphFilter
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_member_add,
)
from portal.models import User
from tests.cases.graph_support import KnownGraph, held_only_by_a_restricted_case, known_graph
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def g() -> KnownGraph:
    return known_graph()


def names(answer, g: KnownGraph) -> set[str]:
    by_id = {entity.pk: name for name, entity in g.e.items()}
    return {by_id[node["id"]] for node in answer["nodes"]}


def relation_names(answer, g: KnownGraph) -> set[str]:
    by_id = {relation.pk: name for name, relation in g.r.items()}
    return {by_id[edge["id"]] for edge in answer["edges"]}


def test_one_hop_gives_the_neighbours_either_way_with_their_counts(analyst, g):
    answer = graph.graph_expand(user=analyst, ids=[g.id("ben")])
    assert names(answer, g) == {"ben", "balt", "phone"}
    assert relation_names(answer, g) == {"director", "ben_phone"}
    degree = {node["id"]: node["degree"] for node in answer["nodes"]}
    # The badge before expanding: Balt Trade has Ann and Ben, the phone Ben and Cid.
    assert degree[g.id("balt")] == 2
    assert degree[g.id("phone")] == 2
    assert degree[g.id("ben")] == 2
    assert answer["more"] == []
    edge = next(e for e in answer["edges"] if e["id"] == g.r["director"].pk)
    assert (edge["source"], edge["target"], edge["kind"]) == (g.id("ben"), g.id("balt"), "director")


def test_two_hops_reach_the_neighbours_of_the_neighbours(analyst, g):
    answer = graph.graph_expand(user=analyst, ids=[g.id("ben")], hops=2)
    assert names(answer, g) == {"ben", "balt", "phone", "ann", "cid"}


def test_above_the_cap_the_first_relations_come_with_a_count_of_the_rest(analyst, g):
    answer = graph.graph_expand(user=analyst, ids=[g.id("hub")], cap=10)
    # Confidence first: L29 (69) down to L20 (60).
    assert names(answer, g) == {"hub"} | {f"l{n}" for n in range(20, 30)}
    assert answer["more"] == [{"node": g.id("hub"), "shown": 10, "hidden": 20}]
    hub = next(node for node in answer["nodes"] if node["id"] == g.id("hub"))
    assert hub["degree"] == 30
    assert "confidence" in answer["order"]


def test_at_the_cap_exactly_nothing_is_hidden(analyst, g):
    answer = graph.graph_expand(user=analyst, ids=[g.id("hub")], cap=30)
    assert len(answer["nodes"]) == 31
    assert answer["more"] == []


def test_relation_kinds_filter_the_expansion_and_the_counts(analyst, g):
    answer = graph.graph_expand(
        user=analyst, ids=[g.id("cid")], graph_filter=GraphFilter(kinds=("uses",))
    )
    assert names(answer, g) == {"cid", "phone"}
    cid = next(node for node in answer["nodes"] if node["id"] == g.id("cid"))
    assert cid["degree"] == 1


def test_a_period_keeps_relations_valid_at_some_time_in_it(analyst, g):
    in_2021 = GraphFilter(period_from=date(2021, 6, 1), period_to=date(2021, 6, 30))
    answer = graph.graph_expand(user=analyst, ids=[g.id("balt")], graph_filter=in_2021)
    # Ann owned it until the end of 2021; Ben's directorship has no dates.
    assert names(answer, g) == {"balt", "ann", "ben"}
    in_2022 = GraphFilter(period_from=date(2022, 1, 1))
    answer = graph.graph_expand(user=analyst, ids=[g.id("balt")], graph_filter=in_2022)
    assert names(answer, g) == {"balt", "ben"}
    before_2023 = GraphFilter(period_to=date(2022, 12, 31))
    answer = graph.graph_expand(user=analyst, ids=[g.id("cid")], graph_filter=before_2023)
    assert "dan" not in names(answer, g)


def test_the_shortest_path_goes_through_the_shared_phone(analyst, g):
    answer = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("cid"))
    assert answer["status"] == "found"
    assert answer["hops"] == 4
    assert answer["path"] == [g.id(n) for n in ("ann", "balt", "ben", "phone", "cid")]
    assert relation_names(answer, g) == {"owner", "director", "ben_phone", "cid_phone"}


def test_a_path_of_six_hops_is_found_and_one_of_seven_is_not(analyst, g):
    six = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("eve"))
    assert six["status"] == "found"
    assert six["hops"] == 6
    seven = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("fay"))
    assert seven["status"] == "none"
    assert seven["hops"] is None
    assert seven["edges"] == []
    shorter = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("eve"), max_hops=5)
    assert shorter["status"] == "none"


def test_no_path_to_an_entity_alone(analyst, g):
    answer = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("zed"))
    assert answer["status"] == "none"
    assert {n["id"] for n in answer["nodes"]} == {g.id("ann"), g.id("zed")}


def test_a_path_respects_the_filter(analyst, g):
    # Without the 2023 association Cid and Dan are not connected at all.
    before_2023 = GraphFilter(period_to=date(2022, 12, 31))
    answer = graph.graph_path(
        user=analyst, source=g.id("cid"), target=g.id("dan"), graph_filter=before_2023
    )
    assert answer["status"] == "none"


def test_a_path_search_too_broad_says_so(analyst, g, monkeypatch):
    monkeypatch.setattr(graph_search, "PATH_VISIT_BUDGET", 3)
    answer = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("eve"))
    assert answer["status"] == "too_broad"


def test_the_network_of_a_set_joins_their_shortest_paths(analyst, g):
    answer = graph.graph_network(user=analyst, ids=[g.id("ann"), g.id("cid"), g.id("gus")])
    assert names(answer, g) == {"ann", "balt", "ben", "phone", "cid", "address", "gus"}
    assert answer["unconnected"] == []
    alone = graph.graph_network(user=analyst, ids=[g.id("ann"), g.id("zed")])
    assert alone["unconnected"] == [sorted([g.id("ann"), g.id("zed")])]


def test_pivot_finds_who_shares_a_phone_or_an_address(analyst, g):
    answer = graph.graph_pivot(user=analyst, ids=[g.id("cid")])
    groups = {group["identifier"]: group["sharing"] for group in answer["groups"]}
    assert groups == {g.id("phone"): [g.id("ben")], g.id("address"): [g.id("gus")]}
    assert names(answer, g) == {"cid", "phone", "ben", "address", "gus"}


def test_pivot_does_not_take_another_kind_or_key_for_the_same_identifier(analyst, g):
    # The registry keeps one entity per kind and key; a key alike on another kind (or a
    # near-alike key) is another identifier.
    other_key = Entity.objects.create(kind="Address", label="Vilniaus 1", key="VILNIAUS G 1 X")
    other_kind = Entity.objects.create(kind="Phone", label="odd", key="VILNIAUS G 1 VILNIUS")
    hal = Entity.objects.create(kind="Person", label="Hal")
    from cases.models import Relation

    Relation.objects.create(source=hal, target=other_kind, kind="uses")
    Relation.objects.create(source=hal, target=other_key, kind="lives_at")
    answer = graph.graph_pivot(user=analyst, ids=[g.id("gus")])
    groups = {group["identifier"]: group["sharing"] for group in answer["groups"]}
    assert groups == {g.id("address"): [g.id("cid")]}


def test_pivot_caps_the_sharers_with_a_count_of_the_rest(analyst, g):
    from cases.models import Relation

    phone = g.e["phone"]
    for n in range(12):
        person = Entity.objects.create(kind="Person", label=f"Caller {n}")
        Relation.objects.create(source=person, target=phone, kind="uses", confidence=50 + n)
    answer = graph.graph_pivot(user=analyst, ids=[g.id("cid")], cap=5)
    group = next(group for group in answer["groups"] if group["identifier"] == phone.pk)
    # Ben and 12 callers share it with Cid: 5 shown, 8 counted.
    assert len(group["sharing"]) == 5
    assert group["hidden"] == 8
    assert {"node": phone.pk, "shown": 5, "hidden": 8} in answer["more"]


def _assert_the_phone_is_out_of_reach(analyst, g: KnownGraph) -> None:
    hidden = g.e["phone"]
    answer = graph.graph_expand(user=analyst, ids=[g.id("ben")], hops=2)
    assert hidden.pk not in {n["id"] for n in answer["nodes"]}
    assert "cid" not in names(answer, g)
    ben = next(node for node in answer["nodes"] if node["id"] == g.id("ben"))
    assert ben["degree"] == 1  # the phone is not counted
    path = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("cid"))
    assert path["status"] == "none"
    assert graph.graph_pivot(user=analyst, ids=[g.id("cid")])["groups"] == [
        {"identifier": g.id("address"), "sharing": [g.id("gus")], "hidden": 0}
    ]
    with pytest.raises(LookupError):
        graph.graph_path(user=analyst, source=hidden.pk, target=g.id("cid"))
    assert graph.graph_expand(user=analyst, ids=[hidden.pk])["nodes"] == []
    entities, relations = graph.graph_chart_for_user(
        user=analyst,
        node_ids=[g.id("ben"), hidden.pk],
        edge_ids=[g.r["ben_phone"].pk, g.r["director"].pk],
    )
    assert [e["id"] for e in entities] == [g.id("ben")]
    assert relations == []


def test_entities_outside_reach_are_absent_from_every_answer_and_count(analyst, g, monkeypatch):
    hidden = g.e["phone"]
    monkeypatch.setattr(
        graph,
        "entity_scope_for_user",
        lambda *, user: Entity.objects.exclude(pk=hidden.pk),
    )
    # Past the listed limit the scope's own SQL is tested on every far end: here a
    # scope narrowed by hand.
    monkeypatch.setattr(graph, "MAX_LISTED_HIDDEN", -1)
    _assert_the_phone_is_out_of_reach(analyst, g)


def test_an_entity_only_a_restricted_case_holds_is_absent_from_every_answer(analyst, g):
    held_only_by_a_restricted_case(g.e["phone"])
    # The entities out of reach are listed once and left out by a hashed look-up.
    assert graph._scope(analyst).hidden == (g.id("phone"),)
    _assert_the_phone_is_out_of_reach(analyst, g)


def test_past_the_listed_limit_the_reach_is_tested_on_every_far_end(analyst, g, monkeypatch):
    held_only_by_a_restricted_case(g.e["phone"])
    monkeypatch.setattr(graph, "MAX_LISTED_HIDDEN", 0)
    scope = graph._scope(analyst)
    assert scope.hidden == ()
    assert scope.restricted
    # The scope is a set: no ORDER BY for PostgreSQL to sort the registry by.
    assert "ORDER BY" not in scope.sql
    _assert_the_phone_is_out_of_reach(analyst, g)


def test_the_listed_entities_out_of_reach_are_exactly_those_the_scope_leaves_out(analyst, g):
    lead = cast(User, UserFactory(username="lead_elsewhere", roles=["analyst"]))
    administrator = cast(User, UserFactory(username="admin_graph", roles=["administrator"]))
    secret = case_create(actor=lead, data=CaseInput(title="Operation Reed", restricted=True))
    teamed = case_create(actor=lead, data=CaseInput(title="Operation Elm", restricted=True))
    led = case_create(actor=analyst, data=CaseInput(title="Operation Oak", restricted=True))
    open_case = case_create(actor=lead, data=CaseInput(title="Open matter"))
    case_member_add(actor=lead, case=teamed, user=analyst, role="analyst")
    links = [
        (secret, "phone"),  # only the secret case: out of reach
        (secret, "gus"),  # the secret case and an open one: in reach
        (open_case, "gus"),
        (secret, "dan"),  # the secret case and one the analyst is on: in reach
        (teamed, "dan"),
        (secret, "eve"),  # the secret case and one the analyst leads: in reach
        (led, "eve"),
        (secret, "fay"),  # two secret cases: out of reach
        (teamed, "zed"),
    ]
    other = case_create(actor=lead, data=CaseInput(title="Operation Ash", restricted=True))
    links.append((other, "fay"))
    for case, name in links:
        actor = analyst if case == led else lead
        case_entity_link(actor=actor, case=case, entity=g.e[name], reason="Seen")
    everything = set(Entity.objects.values_list("pk", flat=True))
    in_scope = set(entity_scope_for_user(user=analyst).values_list("pk", flat=True))
    hidden = entity_hidden_ids_for_user(user=analyst, limit=100)
    assert set(hidden) == everything - in_scope == {g.id("phone"), g.id("fay")}
    assert entity_hidden_ids_for_user(user=analyst, limit=1) == [min(hidden)]
    assert entity_hidden_ids_for_user(user=lead, limit=100) == []
    # Administrators see every case, restricted ones too, and read the registry whole:
    # the same answer as entity_scope_for_user.
    admin_scope = set(entity_scope_for_user(user=administrator).values_list("pk", flat=True))
    assert admin_scope == everything
    assert entity_hidden_ids_for_user(user=administrator, limit=100) == []


def test_nothing_out_of_reach_means_no_condition_at_all(analyst, g):
    scope = graph._scope(analyst)
    assert (scope.hidden, scope.restricted) == ((), False)


def test_a_hub_counted_past_the_cap_says_at_least(analyst, g, monkeypatch):
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 20)
    # The hub has 30 relations: counting stops past 20; its leaves are counted exactly.
    answer = graph.graph_expand(user=analyst, ids=[g.id("hub")], cap=10)
    hub = next(node for node in answer["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (20, True)
    # 10 shown, and at least 10 more: never a silent cap.
    assert answer["more"] == [{"node": g.id("hub"), "shown": 10, "hidden": 10, "at_least": True}]
    leaf = next(node for node in answer["nodes"] if node["id"] == g.id("l29"))
    assert (leaf["degree"], leaf["degree_capped"]) == (1, False)


def test_a_hub_at_the_cap_exactly_is_counted_exactly(analyst, g, monkeypatch):
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 30)
    answer = graph.graph_expand(user=analyst, ids=[g.id("hub")], cap=10)
    hub = next(node for node in answer["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (30, False)
    assert answer["more"] == [{"node": g.id("hub"), "shown": 10, "hidden": 20}]


def test_the_cap_counts_both_directions_together(analyst, g, monkeypatch):
    # Balt Trade: Ann owns it, Ben directs it (two relations towards it, none from it).
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 1)
    answer = graph.graph_expand(user=analyst, ids=[g.id("ben")])
    balt = next(node for node in answer["nodes"] if node["id"] == g.id("balt"))
    assert (balt["degree"], balt["degree_capped"]) == (1, True)
    # Ben: one relation each way (director out, phone out): 2 > 1 as well.
    ben = next(node for node in answer["nodes"] if node["id"] == g.id("ben"))
    assert (ben["degree"], ben["degree_capped"]) == (1, True)


def test_a_path_answer_counts_its_nodes_with_the_same_cap(analyst, g, monkeypatch):
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 1)
    path = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("balt"))
    ann = next(node for node in path["nodes"] if node["id"] == g.id("ann"))
    assert (ann["degree"], ann["degree_capped"]) == (1, False)
    balt = next(node for node in path["nodes"] if node["id"] == g.id("balt"))
    assert (balt["degree"], balt["degree_capped"]) == (1, True)


def test_the_capped_count_counts_only_what_the_user_may_see(analyst, g, monkeypatch):
    # Five of the hub's 30 leaves are each held only by a restricted case: for an
    # analyst outside them the hub has 25 relations, under a cap of 25 an exact count;
    # the lead of one of those cases sees 26, past the cap: "25+". The cap never lets
    # hidden relations through, nor hides the team's own.
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 25)
    for n in range(5):
        held_only_by_a_restricted_case(g.e[f"l{n:02}"])
    lead = User.objects.get(username=f"lead_of_{g.id('l00')}")
    outside = graph.graph_expand(user=analyst, ids=[g.id("hub")], cap=10)
    hub = next(node for node in outside["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (25, False)
    assert outside["more"] == [{"node": g.id("hub"), "shown": 10, "hidden": 15}]
    inside = graph.graph_expand(user=lead, ids=[g.id("hub")], cap=10)
    hub = next(node for node in inside["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (25, True)
    assert inside["more"] == [{"node": g.id("hub"), "shown": 10, "hidden": 15, "at_least": True}]


def test_the_capped_count_follows_the_filter(analyst, g, monkeypatch):
    # Counted within the relation kinds asked for: the hub "knows" 30 (past a cap of 20),
    # and has no "owner" relation at all.
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 20)
    knows = graph.graph_expand(
        user=analyst, ids=[g.id("hub")], cap=5, graph_filter=GraphFilter(kinds=("knows",))
    )
    hub = next(node for node in knows["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (20, True)
    owner = graph.graph_expand(
        user=analyst, ids=[g.id("hub")], cap=5, graph_filter=GraphFilter(kinds=("owner",))
    )
    assert [(n["degree"], n["degree_capped"]) for n in owner["nodes"]] == [(0, False)]
    assert owner["more"] == []


def _stored_and_actual_counts() -> list[tuple[int, int, int]]:
    """(entity, relation_count as stored, relations counted now) of every entity."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.relation_count,"
            " (SELECT count(*) FROM cases_relation r WHERE r.source_id = e.id)"
            " + (SELECT count(*) FROM cases_relation r WHERE r.target_id = e.id)"
            " FROM cases_entity e ORDER BY e.id"
        )
        return list(cursor.fetchall())


def test_the_database_keeps_each_entitys_count_of_relations(g):
    from cases.models import Relation

    assert all(stored == actual for _id, stored, actual in _stored_and_actual_counts())
    # Moved to another end, deleted in bulk, added in bulk, to itself: still equal.
    g.r["owner"].target = g.e["zed"]
    g.r["owner"].save(update_fields=["target"])
    Relation.objects.filter(source=g.e["hub"], confidence__lt=50).delete()
    Relation.objects.bulk_create(
        [Relation(source=g.e["zed"], target=g.e[f"l{n:02}"], kind="knows") for n in range(12)]
        + [Relation(source=g.e["gus"], target=g.e["gus"], kind="alias")]
    )
    Relation.objects.filter(source=g.e["zed"]).update(source=g.e["fay"])
    counts = _stored_and_actual_counts()
    assert all(stored == actual for _id, stored, actual in counts)
    by_id = {i: stored for i, stored, _actual in counts}
    assert by_id[g.id("zed")] == 1  # the owner relation moved to it
    assert by_id[g.id("fay")] == 13  # Eve's, and the 12 moved from Zed
    assert by_id[g.id("hub")] == 20  # 30 less the 10 below confidence 50
    assert by_id[g.id("gus")] == 3  # its address, and itself at both ends


def test_badges_from_the_stored_count_equal_the_counted_ones(analyst, g, monkeypatch):
    # Without a filter and with nothing out of reach the badge reads the stored count;
    # a filter that keeps every relation counts them instead: the two agree, the cap
    # and its "+" included.
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 20)
    every_kind = GraphFilter(kinds=("owner", "director", "uses", "associate", "lives_at", "knows"))
    for seeds in ([g.id("hub")], [g.id("ben"), g.id("cid")], [g.id("ann")]):
        stored = graph.graph_expand(user=analyst, ids=seeds, hops=2, cap=10)
        counted = graph.graph_expand(
            user=analyst, ids=seeds, hops=2, cap=10, graph_filter=every_kind
        )
        assert stored == counted
    path = graph.graph_path(user=analyst, source=g.id("ann"), target=g.id("cid"))
    counted_path = graph.graph_path(
        user=analyst, source=g.id("ann"), target=g.id("cid"), graph_filter=every_kind
    )
    assert path["nodes"] == counted_path["nodes"]
