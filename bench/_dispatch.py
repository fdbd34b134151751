"""What the dispatch benchmarks share: their own database and the Dispatch section of
docs/benchmarks.md (bench/_common.py sets Django up on it and describes the machine).

Each dispatch benchmark runs on a database of its own (``portal_bench_knn``,
``portal_bench_ingest``) on the server of DATABASE_URL, so that ``make bench`` can run
them after bench/violations.py without one emptying the other's tables; ``--database``
names another one (it must contain "bench": the scripts empty the dispatch tables).
"""

from __future__ import annotations

import _common

# Re-exported: the dispatch benchmarks read their percentiles from here.
from _timing import Percentiles, nearest_rank, percentiles

__all__ = ["Percentiles", "nearest_rank", "percentiles"]

SECTION = "## Dispatch: nearest unit and position ingestion"


def database_url(name: str) -> str:
    """DATABASE_URL (or the local default) with its database name replaced by ``name``."""
    return _common.database_url(name, "the benchmark empties the dispatch tables")


def write_section(script: str, section: str) -> None:
    """Put ``section`` right under the marker of ``script`` in the Dispatch section of
    docs/benchmarks.md (newest run first)."""
    marker = f"<!-- {script} appends below -->\n"
    docs = _common.DOCS
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    if SECTION not in text or marker not in text:
        raise SystemExit(f"{docs}: the '{SECTION}' section or its marker for {script} is missing")
    _common.docs_insert(text, marker, section)
