"""Before and after under the same load: the search selector of another revision beside
the working tree's, interleaved on the same queries of bench/search.py.

    .venv/bin/python bench/search_compare.py --before 7fe3dc4     # portal_bench_search

On a machine shared with other work, two runs of bench/search.py minutes apart meet
different loads; this runs the two versions of ``cases/selectors/search.py`` in the same
rounds (the old one read with ``git show`` into a temporary module), so the comparison
holds whatever the load. The texts must be loaded (bench/search.py). Prints a Markdown
table of p95 and median per kind of query.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import _common
import _dispatch
import _timing

MODULE = "cases/selectors/search.py"


def selector_at(revision: str, folder: Path) -> ModuleType:
    source = subprocess.run(  # noqa: S603  git with a revision the operator typed
        ["git", "show", f"{revision}:{MODULE}"],  # noqa: S607  git from PATH, as make does
        cwd=_common.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = folder / "search_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("cases.selectors.search_before", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {MODULE} at {revision}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="a git revision")
    parser.add_argument("--samples", type=int, default=200, help="queries timed per kind")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--database", default="portal_bench_search")
    args = parser.parse_args()
    _common.django_on(_dispatch.database_url(args.database))

    import search as bench

    from cases.selectors import search as after
    from portal.models import User

    analyst = User.objects.filter(groups__name="analyst", is_active=True).first()
    if analyst is None:
        raise SystemExit("no analyst: run bench/search.py first")
    rng = random.Random(args.seed + 2)
    picked = {"rare": bench.rare_queries(args.samples, args.seed)}
    picked.update(
        {k: [rng.choice(v) for _ in range(args.samples)] for k, v in bench.QUERIES.items()}
    )
    with tempfile.TemporaryDirectory() as folder:
        before = selector_at(args.before, Path(folder))
        versions = {"before": before, "after": after}
        load_before = _common.load_average()
        times: dict[tuple[str, str], list[float]] = {}
        rounds = 4
        for r in range(rounds):
            for kind, texts in picked.items():
                part = texts[r * len(texts) // rounds : (r + 1) * len(texts) // rounds]
                for name, module in versions.items():

                    def run(text: str, module: Any = module) -> Any:
                        return module.search_for_user(
                            user=analyst, query=module.SearchQuery(text=text)
                        )

                    times.setdefault((kind, name), []).extend(_timing.timed(run, part))
    print(f"before: {args.before}; load average {load_before} / {_common.load_average()}")
    print("| query kind | before p95 (median) ms | after p95 (median) ms |")
    print("|---|--:|--:|")
    for kind in picked:
        b = _timing.percentiles(times[(kind, "before")])
        a = _timing.percentiles(times[(kind, "after")])
        print(f"| {kind} | {b.p95:.1f} ({b.median:.1f}) | {a.p95:.1f} ({a.median:.1f}) |")


if __name__ == "__main__":
    main()
