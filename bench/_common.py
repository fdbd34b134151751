"""What every benchmark shares: the refusal of a database whose name lacks "bench", the
database made if missing and Django set up on it as in production, the machine's load
and description, and the report written under its marker in docs/benchmarks.md.

The scripts import it as ``import _common`` (bench/ is their own folder on sys.path);
importing it puts the project's root on sys.path too, for ``portal``, ``cases`` and
the rest.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
DEFAULT_SERVER = "postgis://postgres@127.0.0.1:5432/portal"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_average(separator: str = ", ") -> str:
    """The machine's load average over 1, 5 and 15 minutes, two decimals each."""
    one, five, fifteen = os.getloadavg()
    return separator.join(f"{figure:.2f}" for figure in (one, five, fifteen))


def refuse_unless_bench(name: str, reason: str) -> None:
    """Stop unless the database ``name`` is one for benchmarks (its name contains
    "bench"): ``reason`` says what the benchmark would do to any other."""
    if "bench" not in name:
        raise SystemExit(
            f"refusing to run against database {name!r}: {reason}; "
            "use a database whose name contains 'bench'"
        )


def database_url(name: str, reason: str) -> str:
    """DATABASE_URL (or the local default) with its database name replaced by ``name``,
    which must contain "bench" (``reason``: see ``refuse_unless_bench``)."""
    refuse_unless_bench(name, reason)
    url = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    return url._replace(path=f"/{name}").geturl()


def database_ensure(url: str) -> None:
    """Create the database of ``url`` when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            print(f"creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')


def django_on(url: str, **environment: str) -> None:
    """Django set up on ``url`` (created and migrated if needed), as in production: no
    query log, no debug pages. ``environment``: variables the settings read, set first."""
    database_ensure(url)
    os.environ["DATABASE_URL"] = url
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def machine() -> str:
    """Cores, memory and Python."""
    return (
        f"{os.cpu_count()} cores ({platform.machine()}), {_memory_gib():.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def machine_and_database() -> str:
    """Cores, memory, PostgreSQL (with its shared buffers), PostGIS and Python."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg,) = cursor.fetchone()
        cursor.execute("SELECT postgis_lib_version()")
        (postgis,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (buffers,) = cursor.fetchone()
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} cores ({cpu}), {_memory_gib():.0f} GiB RAM, "
        f"PostgreSQL {pg.split()[0]} (shared_buffers {buffers}), PostGIS {postgis}, "
        f"Python {platform.python_version()}"
    )


def docs_insert(text: str, marker: str, section: str) -> None:
    """docs/benchmarks.md written as ``text`` with ``section`` right under the first
    ``marker`` (newest run first), a blank line between them."""
    head, _sep, tail = text.partition(marker)
    DOCS.write_text(f"{head}{marker}\n{section}{tail}")
    print(f"written to {DOCS.relative_to(ROOT)}")


def write_section(heading: str, marker: str, section: str) -> None:
    """Put ``section`` right under ``marker`` (a whole line, with its newline) in
    docs/benchmarks.md; the ``heading`` and its marker are added at the end of the file
    when the heading is not there yet."""
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{marker}"
    docs_insert(text, marker, section)
