"""Benchmark: the import's write pass on a registry that already holds many people, where
resolution meets many namesakes; optionally beside another revision's, interleaved.

    .venv/bin/python bench/import_scale.py                             # 1.5M entities
    .venv/bin/python bench/import_scale.py --before /tmp/before        # and a worktree's

On its own database (``portal_bench_scale``; ``--database`` names another, which must
contain "bench") it fills, once, a registry of ``--registry`` entities (two people for
each vehicle), written as the import writes them (``entity_index``, COPY) but without
resolution, which at this size would take hours: names from bench/import_rows.py's
syllables, each person born on a day. A registry of that size already there is kept.

Each round then writes ``--rows`` rows of bench/import_rows.py's file on top with the
import's own ``rows_write``, a batch of ENTITY_IMPORT_BATCH_ROWS at a time, resolution
included, in one transaction rolled back at the end, so every round meets the same
registry, each round in a fresh child process. With ``--before DIR`` (a git worktree of
another revision, sharing this database and its migrations), a child process times
DIR's ``rows_write`` between this revision's rounds, so the comparison holds whatever
the machine's load. Prints the rows
per second of each round and their medians. The pass 1 (reading, mapping), the job core
and the COPY baseline are bench/import_rows.py's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import _common

FILL_MARK = "bench-scale fill"
FILL_BATCH = 10_000


def registry_fill(size: int) -> None:
    """``size`` entities, two people for each vehicle, unless that many are there."""
    import import_rows
    from django.db import connection, transaction

    from cases.models import Entity
    from cases.services.entities import entity_index
    from portal.lib.bulk_copy import copy_create, ids_assign

    if Entity.objects.filter(provenance=FILL_MARK).count() == size:
        return
    import_rows.registry_empty()
    rng = random.Random(99)
    persons = size * 2 // 3
    started = time.monotonic()
    for first in range(0, size, FILL_BATCH):
        batch = []
        for index in range(first, min(size, first + FILL_BATCH)):
            if index < persons:
                given, family = import_rows._name(rng)
                born = (date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))).isoformat()
                label = f"{given} {family}"
                properties = {"firstName": [given], "lastName": [family], "birthDate": [born]}
                entity = Entity(kind="Person", label=label, properties=properties)
            else:
                # Plates apart from the file's (bench/import_rows.py numbers them from 0).
                plate = import_rows._plate(10_000_000 + index)
                properties = {"registrationNumber": [plate], "country": ["lt"]}
                entity = Entity(kind="Vehicle", key=plate, label=plate, properties=properties)
            entity.provenance = FILL_MARK
            entity_index(entity)
            batch.append(entity)
        with transaction.atomic():
            ids_assign(batch)
            copy_create(batch)
        print(
            f"  registry: {first + len(batch):,} of {size:,} ({time.monotonic() - started:.0f} s)"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_entity")


def rows_mapped(rows: int) -> list[Any]:
    import import_rows

    from cases.services.imports.mapping import map_row

    path = Path(tempfile.mkdtemp()) / "owners.csv"
    import_rows.write_file(path, rows)
    with path.open(encoding="utf-8") as stream:
        records = list(csv.DictReader(stream))
    path.unlink()
    return [
        map_row(number, record, import_rows.MAPPING_ENTITIES, import_rows.MAPPING_RELATIONS)
        for number, record in enumerate(records, start=1)
    ]


class _RoundRolledBackError(Exception):
    pass


def write_pass_seconds(rows: int) -> float:
    """Seconds for ``rows_write`` of ``rows`` rows on the registry, then rolled back."""
    import import_rows
    from django.conf import settings
    from django.db import transaction

    from cases.models import DataImport
    from cases.services.imports.write import rows_write

    mapped = rows_mapped(rows)
    size = int(settings.ENTITY_IMPORT_BATCH_ROWS)
    took = 0.0
    try:
        with transaction.atomic():
            data_import = DataImport.objects.create(
                original_name="owners.csv",
                sha256=f"{random.getrandbits(256):064x}",
                size=0,
                file_format="csv",
                dataset="Bench scale",
                created_by=import_rows.analyst(),
            )
            started = time.monotonic()
            for first in range(0, len(mapped), size):
                rows_write(data_import, mapped[first : first + size])
            took = time.monotonic() - started
            raise _RoundRolledBackError
    except _RoundRolledBackError:
        pass
    return took


def child_seconds(folder: Path, args: argparse.Namespace) -> float:
    """One round timed by the revision checked out in ``folder``, in a fresh child process
    that reads that revision's code first: both revisions' rounds start equally cold (no
    name cache or connection warmed by an earlier round)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(folder)]
    command += ["--rows", str(args.rows), "--database", args.database]
    output = subprocess.run(  # noqa: S603  our own script and a folder the operator named
        command, cwd=folder, check=True, capture_output=True, text=True
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=int, default=1_500_000, help="entities already there")
    parser.add_argument("--rows", type=int, default=5000, help="rows written per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="portal_bench_scale")
    parser.add_argument("--before", type=Path, help="a git worktree of another revision")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # The other revision's code before this one's (bench/ helpers stay this one's).
        sys.path.insert(0, str(args.child))
    url = _common.database_url(args.database, "the benchmark empties the registry's tables")
    _common.django_on(url)
    if args.child:
        print(json.dumps({"seconds": write_pass_seconds(args.rows)}))
        return
    print(f"{_common.machine()}; load average {_common.load_average()}", flush=True)
    registry_fill(args.registry)
    rates: dict[str, list[float]] = {"this revision": [], "before": []}
    for round_number in range(1, args.rounds + 1):
        rates["this revision"].append(args.rows / child_seconds(_common.ROOT, args))
        if args.before:
            rates["before"].append(args.rows / child_seconds(args.before, args))
        shown = ", ".join(f"{name} {values[-1]:.0f}" for name, values in rates.items() if values)
        print(f"round {round_number}: rows/s {shown}", flush=True)
    print(f"\n{args.rows:,} rows on a registry of {args.registry:,} entities, {args.rounds} rounds")
    print("| revision | median rows/s | rounds |\n|---|---|---|")
    for name, values in rates.items():
        if values:
            rounds = ", ".join(f"{value:.0f}" for value in values)
            print(f"| {name} | {statistics.median(values):.0f} | {rounds} |")
    print(f"load average after: {_common.load_average()}; pid {os.getpid()}")


if __name__ == "__main__":
    main()
