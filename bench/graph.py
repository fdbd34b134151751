"""Benchmark: link analysis over 1,000,000 entities and 5,000,000 relations.

    .venv/bin/python bench/graph.py                  # database portal_bench_graph
    .venv/bin/python bench/graph.py --scale 0.05     # a twentieth of it, a quick look

Fills its own database (on the server of DATABASE_URL) with ``--entities`` entities of
every kind and ``--relations`` relations loaded with psycopg 3 COPY: most between
random entities (about ten per entity), ``--hubs`` hubs of ``--hub-degree`` relations
each (a freight forwarder's phone, a registered-office address), a third of them dated.
Relations are loaded first, with the triggers that keep each entity's count of relations
off; each entity then arrives with its count, as the triggers of migration cases.0015
would have kept it. Then it times, as an analyst (the selectors' real reach, entity_scope_for_user):

- ``graph_expand`` 2 hops, capped at 25 relations per expanded entity, from random
  entities and from hubs (every node of the answer with its count, the "more"
  markers);
- ``graph_path`` up to 6 hops between random pairs of entities (bidirectional BFS);

each beside the bare SQL of the same query in the same run (the statements the selector
sends, run through a plain cursor with the same arguments, without the selector's
Python), in interleaved rounds. Figures are printed and written to the "Link analysis"
section of docs/benchmarks.md. The script empties the entity registry, so it refuses a
database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from array import array
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import _common
import _dispatch
import _timing

DATABASE = "portal_bench_graph"
SECTION = "## Link analysis: expansion and shortest path at 5M relations"
APPEND_MARKER = "<!-- bench/graph.py appends below -->"
KINDS = [
    ("person", 40),
    ("company", 15),
    ("vehicle", 8),
    ("vessel", 1),
    ("container", 3),
    ("phone", 10),
    ("email", 6),
    ("address", 8),
    ("identity_document", 4),
    ("bank_account", 3),
    ("shipment", 2),
]
RELATION_KINDS = ["associate", "owner", "director", "uses", "lives_at", "employee", "shipped"]
DATED_SHARE = 0.33
CAP = 25


def entity_kinds(count: int, rng: random.Random) -> bytearray:
    """The kind (an index into KINDS) of entities 1 to ``count``, drawn first, so that the
    same seed draws the same graph whichever table is loaded first."""
    weights = [w for _, w in KINDS]
    population = range(len(KINDS))
    return bytearray(rng.choices(population, weights)[0] for _ in range(count))


def generate_entities(kinds: bytearray, counts: array, now: str) -> Iterator[str]:
    """COPY lines of cases_entity, each with its count of relations (``counts``, as the
    database's triggers would have kept it)."""
    for n, index in enumerate(kinds, start=1):
        kind = KINDS[index][0]
        key = "" if kind == "person" else f"B{n}"
        yield (
            f"{n}\t{kind}\tEntity {n}\t{key}\t{{}}\tbench\t{now}\t{now}\t{{}}\t{{}}\t{{}}"
            f"\t{counts[n]}\n"
        )


def generate_relations(
    *,
    entities: int,
    relations: int,
    hubs: int,
    hub_degree: int,
    rng: random.Random,
    now: str,
    counts: array,
) -> tuple[Iterator[str], list[int]]:
    hub_ids = rng.sample(range(1, entities + 1), hubs)
    day0 = date(2015, 1, 1)

    def lines() -> Iterator[str]:
        seen: set[int] = set()
        made = 0

        def line(source: int, target: int) -> str | None:
            kind = rng.randrange(len(RELATION_KINDS))
            code = (source * (entities + 1) + target) * len(RELATION_KINDS) + kind
            if source == target or code in seen:
                return None
            seen.add(code)
            counts[source] += 1
            counts[target] += 1
            valid_from = valid_to = r"\N"
            if rng.random() < DATED_SHARE:
                start = day0 + timedelta(days=rng.randrange(3650))
                valid_from = start.isoformat()
                if rng.random() < 0.5:
                    valid_to = (start + timedelta(days=rng.randrange(30, 1500))).isoformat()
            confidence = rng.choice((50, 60, 70, 80, 90, 100))
            return (
                f"{source}\t{target}\t{RELATION_KINDS[kind]}\t{valid_from}\t{valid_to}"
                f"\t{confidence}\tbench\t{now}\t{{}}\t{{}}\timport\n"
            )

        for hub in hub_ids:
            for other in rng.sample(range(1, entities + 1), hub_degree):
                pair = (hub, other) if rng.random() < 0.5 else (other, hub)
                text = line(*pair)
                if text:
                    made += 1
                    yield text
        while made < relations:
            text = line(rng.randint(1, entities), rng.randint(1, entities))
            if text:
                made += 1
                yield text

    return lines(), hub_ids


def load(*, entities: int, relations: int, hubs: int, hub_degree: int, seed: int) -> dict[str, Any]:
    from django.db import connection, transaction

    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat()
    timings: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # main() made sure that this is a bench database: the whole registry goes.
        cursor.execute("TRUNCATE cases_entity, cases_relation RESTART IDENTITY CASCADE")
        indexes = _timing.secondary_indexes(cursor, "cases_entity")
        indexes += _timing.secondary_indexes(cursor, "cases_relation")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        kinds = entity_kinds(entities, rng)
        counts = array("l", [0]) * (entities + 1)
        lines, hub_ids = generate_relations(
            entities=entities,
            relations=relations,
            hubs=hubs,
            hub_degree=hub_degree,
            rng=rng,
            now=now,
            counts=counts,
        )
        # Relations first (their foreign keys are checked at SET CONSTRAINTS below), so
        # that each entity arrives with its count; the triggers that keep the counts
        # (migration cases.0015) would otherwise update a million entities after the COPY.
        cursor.execute("ALTER TABLE cases_relation DISABLE TRIGGER USER")
        started = time.perf_counter()
        loaded = _timing.copy_lines(
            cursor,
            "COPY cases_relation (source_id, target_id, kind, valid_from, valid_to,"
            " confidence, provenance, created_at, ftm_extra, properties, provenance_kind)"
            " FROM STDIN",
            lines,
        )
        timings["relations"] = time.perf_counter() - started
        started = time.perf_counter()
        _timing.copy_lines(
            cursor,
            "COPY cases_entity (id, kind, label, key, properties, provenance, created_at,"
            " updated_at, ftm_extra, identifiers, name_codes, relation_count) FROM STDIN",
            generate_entities(kinds, counts, now),
        )
        cursor.execute("SELECT setval('cases_entity_id_seq', %s)", [entities])
        timings["entities"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        timings["foreign keys"] = time.perf_counter() - started
        # Once the deferred foreign key checks have run (ALTER TABLE waits for them).
        cursor.execute("ALTER TABLE cases_relation ENABLE TRIGGER USER")
        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) cases_entity, cases_relation")
        cursor.execute("CHECKPOINT")
    timings["vacuum"] = time.perf_counter() - started
    return {"relations": loaded, "hubs": hub_ids, "timings": timings}


def counts() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_entity")
        (entities,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_relation")
        (relations,) = cursor.fetchone()
        cursor.execute(
            "SELECT n, d FROM (SELECT n, sum(c) AS d FROM ("
            " SELECT source_id AS n, count(*) AS c FROM cases_relation GROUP BY 1"
            " UNION ALL SELECT target_id, count(*) FROM cases_relation GROUP BY 1) x"
            " GROUP BY n) y WHERE d >= 10000 ORDER BY d DESC"
        )
        hubs = [(n, int(d)) for n, d in cursor.fetchall()]
    return {"entities": entities, "relations": relations, "hubs": hubs}


def measure(
    *, hubs: list[int], entities: int, samples: int, warmup: int, seed: int
) -> dict[str, Any]:

    from cases.selectors.graph import graph_expand, graph_path

    analyst = _timing.bench_analyst("bench-graph-analyst")
    rng = random.Random(seed + 1)
    random_nodes = [rng.randint(1, entities) for _ in range(samples)]
    hub_nodes = [hubs[i % len(hubs)] for i in range(max(samples // 4, 40))] if hubs else []
    # Pairs in the same region of the graph are what an analyst asks about; random
    # pairs of a sparse graph of a million entities are mostly 5-7 hops apart.
    pairs = [(rng.randint(1, entities), rng.randint(1, entities)) for _ in range(samples // 2)]

    def expand(node: int) -> Any:
        return graph_expand(user=analyst, ids=[node], hops=2, cap=CAP)

    def path(pair: tuple[int, int]) -> Any:
        return graph_path(user=analyst, source=pair[0], target=pair[1])

    for node in random_nodes[:warmup]:
        expand(node)
    results = _timing.interleaved(
        [("random", expand, random_nodes), ("hubs", expand, hub_nodes), ("path", path, pairs)]
    )
    answers = {
        "random": [expand(n) for n in random_nodes[:50]],
        "hubs": [expand(n) for n in hub_nodes[: len(hubs)]],
        "path": [path(p) for p in pairs],
    }
    statuses: dict[str, int] = {}
    hops: dict[int, int] = {}
    for answer in answers["path"]:
        statuses[answer["status"]] = statuses.get(answer["status"], 0) + 1
        if answer["hops"] is not None:
            hops[answer["hops"]] = hops.get(answer["hops"], 0) + 1
    return {
        "timings": _timing.summarised(results),
        "nodes_random": _timing.percentiles([float(len(a["nodes"])) for a in answers["random"]]),
        "nodes_hubs": _timing.percentiles([float(len(a["nodes"])) for a in answers["hubs"]]),
        "more_hubs": sum(len(a["more"]) for a in answers["hubs"]),
        "statuses": statuses,
        "hops": dict(sorted(hops.items())),
        "queries": _timing.most_statements(results, ("random", "hubs", "path")),
    }


def report(*, command: str, label: str, data: dict[str, Any], out: dict[str, Any]) -> str:
    t = out["timings"]
    expansion_ok = max(t["random"].p95, t["hubs"].p95) < 20
    path_ok = t["path"].p95 < 100
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    hub_degrees = [d for _n, d in data["hubs"]]
    lines = [
        f"### {now}{f' — {label}' if label else ''}",
        "",
        f"- command: `{command}`",
        f"- data: {data['entities']:,} entities, {data['relations']:,} relations; "
        f"{len(hub_degrees)} hubs of {min(hub_degrees, default=0):,} to "
        f"{max(hub_degrees, default=0):,} relations",
        f"- machine: {_common.machine_and_database()}",
        f"- load average (1, 5, 15 min) before / after: {data['load_before']} / "
        f"{data['load_after']} (shared machine)",
        f"- expansion: 2 hops, cap {CAP} relations per expanded entity; answers from random "
        f"entities hold {out['nodes_random'].median:.0f} entities (median), from hubs "
        f"{out['nodes_hubs'].median:.0f}, every hub answer with its 'more' marker "
        f"({out['more_hubs']} markers over {len(data['hubs'])} hub answers)",
        f"- paths: {out['statuses']}; hops of those found: {out['hops']}",
        f"- statements per call at most: {out['queries']}",
        f"- expansion p95 under 20 ms, hubs included: {'yes' if expansion_ok else '**no**'}; "
        f"path p95 under 100 ms: {'yes' if path_ok else '**no**'}",
        "",
    ]
    lines += _timing.figures_table(
        t,
        [
            ("graph_expand, 2 hops, random entities", "random"),
            ("bare SQL of the same calls", "random bare"),
            ("graph_expand, 2 hops, hubs", "hubs"),
            ("bare SQL of the same calls", "hubs bare"),
            ("graph_path, up to 6 hops, random pairs", "path"),
            ("bare SQL of the same calls", "path bare"),
        ],
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--relations", type=int, default=5_000_000)
    parser.add_argument("--hubs", type=int, default=20)
    parser.add_argument("--hub-degree", type=int, default=12_000)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies entities and relations (not hubs)"
    )
    parser.add_argument("--samples", type=int, default=400, help="random entities expanded")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--database", default=DATABASE, help="a name containing 'bench'")
    parser.add_argument("--skip-load", action="store_true", help="measure the graph loaded")
    parser.add_argument("--label", default="", help="a note for the report heading")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()

    url = _dispatch.database_url(args.database)  # refuses a name without "bench"
    _common.django_on(url)
    entities = int(args.entities * args.scale)
    relations = int(args.relations * args.scale)
    if not args.skip_load:
        print(f"loading {entities:,} entities and {relations:,} relations …", flush=True)
        loaded = load(
            entities=entities,
            relations=relations,
            hubs=args.hubs,
            hub_degree=args.hub_degree,
            seed=args.seed,
        )
        print(
            "load: " + ", ".join(f"{k} {v:.1f} s" for k, v in loaded["timings"].items()),
            flush=True,
        )
    data = counts()
    data["load_before"] = _common.load_average()
    out = measure(
        hubs=[n for n, _d in data["hubs"]],
        entities=data["entities"],
        samples=args.samples,
        warmup=args.warmup,
        seed=args.seed,
    )
    data["load_after"] = _common.load_average()
    command = _timing.command_line(url, "bench/graph.py", sys.argv[1:])
    section = report(command=command, label=args.label, data=data, out=out)
    print(section)
    if not args.no_report:
        _timing.write_below_marker(APPEND_MARKER, section)


if __name__ == "__main__":
    main()
