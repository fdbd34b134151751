"""What the dispatch benchmarks share: their own database, Django set up on it, the
machine's description, and the Dispatch section of docs/benchmarks.md.

Each dispatch benchmark runs on a database of its own (``portal_bench_knn``,
``portal_bench_ingest``) on the server of DATABASE_URL, so that ``make bench`` can run
them after bench/violations.py without one emptying the other's tables; ``--database``
names another one (it must contain "bench": the scripts empty the dispatch tables).
"""

from __future__ import annotations

import os
import platform
import sys
from urllib.parse import urlsplit

# Re-exported: the dispatch benchmarks read their percentiles and load from here.
from _timing import DOCS, ROOT, Percentiles, load_average, nearest_rank, percentiles

__all__ = ["DOCS", "ROOT", "Percentiles", "load_average", "nearest_rank", "percentiles"]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgis://postgres@127.0.0.1:5432/portal"
SECTION = "## Dispatch: nearest unit and position ingestion"


def database_url(name: str) -> str:
    """DATABASE_URL (or the local default) with its database name replaced by ``name``."""
    if "bench" not in name:
        raise SystemExit(
            f"refusing to run against database {name!r}: the benchmark empties the "
            "dispatch tables; use a database whose name contains 'bench'"
        )
    url = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    return url._replace(path=f"/{name}").geturl()


def database_ensure(url: str) -> None:
    """Create the database when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            print(f"creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')


def django_on(url: str) -> None:
    """Django set up on ``url`` (created and migrated if needed), as in production: no
    query log, no debug pages."""
    database_ensure(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def machine() -> str:
    from django.db import connection

    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg,) = cursor.fetchone()
        cursor.execute("SELECT postgis_lib_version()")
        (postgis,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (buffers,) = cursor.fetchone()
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB RAM, "
        f"PostgreSQL {pg.split()[0]} (shared_buffers {buffers}), PostGIS {postgis}, "
        f"Python {platform.python_version()}"
    )


def write_section(script: str, section: str) -> None:
    """Put ``section`` right under the marker of ``script`` in the Dispatch section of
    docs/benchmarks.md (newest run first)."""
    marker = f"<!-- {script} appends below -->\n"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if SECTION not in text or marker not in text:
        raise SystemExit(f"{DOCS}: the '{SECTION}' section or its marker for {script} is missing")
    head, _sep, tail = text.partition(marker)
    DOCS.write_text(f"{head}{marker}\n{section}{tail}")
    print(f"written to {DOCS.relative_to(ROOT)}")
