"""Before and after under the same load: a node's badge counted in the relation indexes
(as before migration cases.0015) beside the count the database keeps, interleaved on
the same expansions of bench/graph.py.

    .venv/bin/python bench/graph_compare.py                 # portal_bench_graph

On a machine shared with other work, two runs of bench/graph.py minutes apart meet
different loads; this times both ways of counting in the same rounds on the same
entities (random ones and the hubs), so the comparison holds whatever the load. The
graph must be loaded (bench/graph.py). Prints a Markdown table of p95 and median.
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import _common
import _dispatch
import _timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=400, help="random entities expanded")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--database", default="portal_bench_graph")
    args = parser.parse_args()
    _common.django_on(_dispatch.database_url(args.database))

    import graph as bench

    from cases.lib import graph_search
    from cases.selectors.graph import graph_expand

    analyst = _timing.bench_analyst("bench-graph-analyst")
    data = bench.counts()
    hubs = [n for n, _d in data["hubs"]]
    rng = random.Random(args.seed + 3)
    picked = {
        "random": [rng.randint(1, data["entities"]) for _ in range(args.samples)],
        "hubs": [hubs[i % len(hubs)] for i in range(max(args.samples // 4, 40))],
    }
    stored = graph_search.node_count_sql

    def counted(entity: str, scope: Any, graph_filter: Any) -> tuple[str, list[Any]]:
        # The path a filter or entities out of reach take, forced.
        where, fparams = graph_search.filter_sql(graph_filter)
        out_reach, out_params = scope.on("r.target_id")
        in_reach, in_params = scope.on("r.source_id")
        return (
            graph_search.degree_sql(f"{entity}.id", where, out_reach, in_reach),
            graph_search.degree_params(fparams, out_params, in_params),
        )

    versions = {"counted (before)": counted, "stored (after)": stored}
    load_before = _common.load_average()
    times: dict[tuple[str, str], list[float]] = {}
    rounds = 4
    for r in range(rounds):
        for kind, nodes in picked.items():
            part = nodes[r * len(nodes) // rounds : (r + 1) * len(nodes) // rounds]
            for name, version in versions.items():
                graph_search.node_count_sql = version  # the two ways, in turn

                def expand(node: int) -> Any:
                    return graph_expand(user=analyst, ids=[node], hops=2, cap=bench.CAP)

                times.setdefault((kind, name), []).extend(_timing.timed(expand, part))
    graph_search.node_count_sql = stored
    print(f"load average {load_before} / {_common.load_average()}")
    print(
        "| 2-hop expansion | counted (before): p95 (median) ms | stored (after): p95 (median) ms |"
    )
    print("|---|--:|--:|")
    for kind in picked:
        b = _timing.percentiles(times[(kind, "counted (before)")])
        a = _timing.percentiles(times[(kind, "stored (after)")])
        print(f"| {kind} | {b.p95:.1f} ({b.median:.1f}) | {a.p95:.1f} ({a.median:.1f}) |")


if __name__ == "__main__":
    main()
