"""Benchmark: the structured import of a generated CSV of persons and vehicles with
their relations, against a raw PostgreSQL COPY of the same file; the import's peak
memory; the job core's overhead against a bare Celery round trip.

    .venv/bin/python bench/import_rows.py                    # 1,000,000 rows
    .venv/bin/python bench/import_rows.py --rows 100000      # a shorter run

On its own database (``portal_bench_import``; ``--database`` names another, which must
contain "bench": the script empties the registry's tables) it writes a CSV of ``--rows``
rows to a temporary file, streamed (an owner, born on a date, a vehicle with its plate,
and their Ownership; one row in 20 names a vehicle again and one in 20 a person again,
so that resolution merges by identifier and by name and date of birth, and a pool of
names sounds alike, so that it proposes matches). It uploads the file as an analyst
does, with a saved mapping, and starts the real import kind (``cases.data_import``)
through the job core, run by a real Celery worker process (solo pool) on the imports
queue: both passes, validation, provenance records and resolution included. Measured:
rows per second from the job's start to its end. In the same run the same file goes
into a plain table of text columns by COPY (psycopg ``cursor.copy``), and the ratio is
printed (target: the import at least 0.3 of COPY).

Memory: the worker process's peak resident set (``ru_maxrss`` of the ended child),
target under 500 MB, printed with an idle worker's for comparison.

Job overhead: a trivial job (bench/_import_kinds.py, a kind that does nothing) started
through the job core and awaited, against a bare Celery task (``celery.accumulate``)
sent and awaited, on a second worker process, ``--runs`` each, interleaved; medians and
p95 (target: the job at most 2x the bare task).

It prints the figures and, unless ``--no-docs``, puts them in docs/benchmarks.md under
"Imports" with the date, the command and the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import _common

ROOT = _common.ROOT
DATABASE = "portal_bench_import"
SECTION = "## Imports: rows per second, memory, job overhead"
MARKER = "<!-- bench/import_rows.py appends below -->\n"
COLUMNS = ["declaration", "first_name", "last_name", "born", "plate", "plate_country", "model"]
# Consonants and vowels enough for names that mostly differ in sound, with some alike.
CONSONANTS = "bdgjklmnprstvzž"
VOWELS = "aeiouyė"
REPEAT_EVERY = 20
WAIT_S = 6 * 3600


def percentile(values: list[float], share: float) -> float:
    """The sample at rank ``share``. Not _timing.nearest_rank: where ``share`` times the
    count is a whole odd number, this one takes the next sample up (round() rounds half
    to even); kept, so that the figures recorded so far stay comparable."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


# --- The file -------------------------------------------------------------------------
def _syllables(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(count))


def _name(rng: random.Random) -> tuple[str, str]:
    first = _syllables(rng, 2) + "s"
    last = _syllables(rng, 3) + "itis"
    return first.capitalize(), last.capitalize()


def _plate(index: int) -> str:
    letters = "".join(chr(65 + (index // 1000 // 26**power) % 26) for power in (2, 1, 0))
    return f"{letters}{index % 1000:03d}"


def write_file(path: Path, rows: int) -> None:
    """``rows`` rows streamed to ``path``; the last people and plates are kept (a few
    thousand) to name them again."""
    rng = random.Random(12)
    recent: list[tuple[str, str, str]] = []
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for index in range(rows):
            if index % REPEAT_EVERY == 7 and recent:
                first, last, born = rng.choice(recent)  # the same person again
            else:
                first, last = _name(rng)
                born = (date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))).isoformat()
                if len(recent) < 5000:
                    recent.append((first, last, born))
                else:
                    recent[index % 5000] = (first, last, born)
            plate = _plate(index - 3 if index % REPEAT_EVERY == 11 else index)
            model = rng.choice(["Volvo FH", "Scania R", "MAN TGX", "DAF XF", "Iveco S-Way"])
            writer.writerow([f"D-{index}", first, last, born, plate, "LT", model])


MAPPING_ENTITIES = [
    {
        "ref": "P",
        "schema": "Person",
        "properties": {"firstName": "first_name", "lastName": "last_name", "birthDate": "born"},
    },
    {
        "ref": "V",
        "schema": "Vehicle",
        "properties": {"registrationNumber": "plate", "country": "plate_country", "model": "model"},
    },
]
MAPPING_RELATIONS = [{"schema": "Ownership", "source": "P", "target": "V"}]


# --- Workers --------------------------------------------------------------------------
def worker_start(name: str, queues: str) -> subprocess.Popen[bytes]:
    from portal.celery import app

    log = (ROOT / "artifacts").joinpath(f"bench-import-{name}.log")
    log.parent.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["-Q", queues, "-n", f"{name}@%h", "--without-heartbeat", "--without-gossip"]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603  (our own command line)
            command, cwd=ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if any(key.startswith(f"{name}@") for reply in replies for key in reply):
            return process
        if process.poll() is not None:
            raise SystemExit(f"the worker exited; see {log}")
    process.kill()
    raise SystemExit("the worker did not answer within 120 s")


def worker_stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


# --- The measures ---------------------------------------------------------------------
def registry_empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_importedrecord, cases_dataimport, cases_importmapping, "
            "cases_entitymatch, cases_relation, cases_searchentry, cases_entity, "
            "portal_joblogline, portal_jobresult, portal_job RESTART IDENTITY CASCADE"
        )
        cursor.execute("DROP TABLE IF EXISTS bench_import_copy")


def analyst() -> Any:
    from portal.models import User

    user, _created = User.objects.get_or_create(
        username="bench-importer", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def import_run(path: Path, rows: int) -> dict[str, Any]:
    from django.core.files.uploadedfile import UploadedFile

    from cases.models import DataImport, ImportMapping
    from cases.services.imports.run import data_import_start
    from cases.services.imports.upload import data_import_configure, data_import_upload
    from portal.models import Job

    actor = analyst()
    mapping = ImportMapping.objects.create(
        name="Bench owners",
        file_format="csv",
        entities=MAPPING_ENTITIES,
        relations=MAPPING_RELATIONS,
    )
    with path.open("rb") as stream:
        upload = UploadedFile(stream, name="owners.csv", size=path.stat().st_size)
        data_import = data_import_upload(actor=actor, upload=upload, dataset="Bench owners")
    data_import_configure(
        actor=actor,
        data_import=data_import,
        mapping=mapping,
        encoding="utf-8",
        valid_rows_only=False,
    )
    worker = worker_start("bench-import", "imports")
    try:
        job = data_import_start(actor=actor, data_import=data_import)
        deadline = time.monotonic() + WAIT_S
        shown = -1
        while True:
            job.refresh_from_db()
            if job.finished:
                break
            if time.monotonic() > deadline:
                raise SystemExit("the import did not finish in time")
            if job.items_done // 100_000 != shown:
                shown = job.items_done // 100_000
                load = _common.load_average(" ")
                print(f"  {job.items_done} of {job.items_total} items, load {load}", flush=True)
            time.sleep(2)
    finally:
        worker_stop(worker)
    peak = children_peak_mb()
    data_import.refresh_from_db()
    if job.status != "succeeded":
        raise SystemExit(f"the import ended {job.status}: {job.error} {data_import.message}")
    if job.started_at is None or job.finished_at is None:
        raise SystemExit("the import's job has no start or end")
    seconds = (job.finished_at - job.started_at).total_seconds()
    return {
        "seconds": seconds,
        "rate": rows / seconds,
        "peak_mb": peak,
        "counts": dict(job.counts),
        "entities": DataImport.objects.get(pk=data_import.pk).entities_created,
        "jobs": Job.objects.count(),
    }


def copy_run(path: Path, url: str) -> dict[str, float]:
    import psycopg

    columns = ", ".join(f"{name} text" for name in COLUMNS)
    with psycopg.connect(urlsplit(url)._replace(scheme="postgresql").geturl()) as conn:
        conn.execute(f"CREATE TABLE bench_import_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            path.open("rb") as stream,
            cursor.copy("COPY bench_import_copy FROM STDIN (FORMAT csv, HEADER)") as copy,
        ):
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        (count,) = conn.execute("SELECT count(*) FROM bench_import_copy").fetchone() or (0,)
    return {"seconds": seconds, "rate": count / seconds}


POLL_S = 0.002


def _until(done: Any, limit_s: float = 60) -> None:
    """Wait for ``done()`` by polling every 2 ms: the result backend's own ``get`` waits
    in 0.5 s steps, which hid what either path costs."""
    deadline = time.monotonic() + limit_s
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("no answer within a minute")
        time.sleep(POLL_S)


# What the import wrote, in the order their foreign keys allow.
WRITTEN_TABLES = ("cases_entity", "cases_searchentry", "cases_relation", "cases_importedrecord")


def written_copy_run(url: str) -> dict[str, float]:
    """The database's own floor: the rows the import wrote (entities, search entries,
    relations, provenance records) copied out, the tables emptied, and the rows COPYed
    back into the same tables with every index, constraint and trigger they have. No
    importer that keeps those tables as they are can write its output faster."""
    import psycopg
    from psycopg import sql

    dumps: dict[str, tuple[sql.Composable, Path]] = {}
    rows = 0
    with (
        tempfile.TemporaryDirectory(prefix="bench-written-") as folder,
        psycopg.connect(urlsplit(url)._replace(scheme="postgresql").geturl()) as conn,
    ):
        for table in WRITTEN_TABLES:
            names = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            ).fetchall()
            target = sql.SQL("{} ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(n) for (n,) in names)
            )
            path = Path(folder) / f"{table}.copy"
            with (
                path.open("wb") as out,
                conn.cursor().copy(sql.SQL("COPY {} TO STDOUT").format(target)) as copy,
            ):
                for data in copy:
                    out.write(data)
            counted = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            rows += counted[0] if counted else 0
            dumps[table] = (target, path)
        conn.execute(
            "TRUNCATE cases_importedrecord, cases_relation, cases_searchentry, "
            "cases_entitymatch, cases_entity CASCADE"
        )
        conn.commit()
        started = time.perf_counter()
        for table in WRITTEN_TABLES:
            columns, path = dumps[table]
            with (
                path.open("rb") as stream,
                conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(columns)) as copy,
            ):
                while chunk := stream.read(1 << 20):
                    copy.write(chunk)
        conn.commit()  # the deferred foreign keys are checked here: part of the cost
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows}


def overhead_run(runs: int) -> dict[str, float]:
    from celery.result import AsyncResult

    from portal.celery import app
    from portal.models import Job
    from portal.models.jobs import FINISHED_STATUSES
    from portal.services.jobs import job_start

    actor = analyst()
    worker = worker_start("bench-overhead", "default")
    job_times: list[float] = []
    bare_times: list[float] = []
    try:
        for index in range(runs + 5):  # five of each to warm up, not counted
            # The job: started through the job core, done when its row says so.
            started = time.perf_counter()
            job = job_start(actor=actor, kind_name="bench.nothing", parameters={})
            status = Job.objects.filter(pk=job.pk).values_list("status", flat=True)
            _until(lambda status=status: status.all()[0] in FINISHED_STATUSES)
            job_took = time.perf_counter() - started
            # The bare task: sent, done when the result backend holds its result.
            started = time.perf_counter()
            task_id = app.send_task("celery.accumulate", args=(1,), queue="default").id
            _until(lambda task_id=task_id: AsyncResult(task_id).ready())
            bare_took = time.perf_counter() - started
            if index >= 5:
                job_times.append(job_took * 1000)
                bare_times.append(bare_took * 1000)
    finally:
        worker_stop(worker)
    return {
        "job_median": statistics.median(job_times),
        "job_p95": percentile(job_times, 0.95),
        "bare_median": statistics.median(bare_times),
        "bare_p95": percentile(bare_times, 0.95),
    }


def idle_worker_peak_mb() -> float:
    """An idle worker's peak, for comparison (a child of its own, waited for)."""
    code = (
        "import resource, django, os; django.setup(); import portal.celery; "
        "from cases.services.imports import run; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    result = subprocess.run(  # noqa: S603  (our own command line)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def report(args: argparse.Namespace, figures: dict[str, Any]) -> str:
    imp, cop, ovh = figures["import"], figures["copy"], figures["overhead"]
    written = figures["written"]
    ratio = imp["rate"] / cop["rate"]
    floor_ratio = written["seconds"] / imp["seconds"]
    job_ratio = ovh["job_median"] / ovh["bare_median"]
    verdict = {
        "copy": "met" if ratio >= 0.3 else "not met",
        "memory": "met" if imp["peak_mb"] < 500 else "not met",
        "overhead": "met" if job_ratio <= 2 else "not met",
    }
    return "\n".join(
        [
            f"### {figures['date']}: {args.rows:,} rows",
            "",
            f"`{figures['command']}` on {_common.machine()}; load average (1, 5, 15 min) "
            f"{figures['load_before']} before, {figures['load_after']} after "
            "(2 CPUs shared with other sessions).",
            "",
            "| measure | figure | target |",
            "|---|---|---|",
            f"| import, both passes, validation, provenance, resolution | "
            f"{imp['rate']:,.0f} rows/s ({imp['seconds']:,.0f} s) | |",
            f"| COPY of the same file into a plain table | {cop['rate']:,.0f} rows/s "
            f"({cop['seconds']:.1f} s) | |",
            f"| import / COPY | {ratio:.3g} | at least 0.3: {verdict['copy']} |",
            f"| COPY of the import's own output ({written['rows']:,} rows into the "
            f"registry's indexed tables) | {written['seconds']:,.1f} s | |",
            f"| that COPY's time / the import's time | {floor_ratio:.3g} | (the share of "
            "the import that is the database storing its rows) |",
            f"| peak memory of the import's worker process | {imp['peak_mb']:,.0f} MB "
            f"(an idle worker {figures['idle_mb']:,.0f} MB) | under 500 MB: "
            f"{verdict['memory']} |",
            f"| trivial job through the job core, median / p95 | {ovh['job_median']:.1f} / "
            f"{ovh['job_p95']:.1f} ms | |",
            f"| bare Celery round trip, median / p95 | {ovh['bare_median']:.1f} / "
            f"{ovh['bare_p95']:.1f} ms | |",
            f"| job / bare (medians) | {job_ratio:.2f} | at most 2: {verdict['overhead']} |",
            "",
            f"Job counters at the end: {figures['import']['counts']}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50, help="trivial jobs and bare tasks")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--no-docs", action="store_true", help="print only")
    args = parser.parse_args()
    url = _common.database_url(args.database, "the benchmark empties the registry's tables")
    _common.django_on(url, JOB_KINDS_EXTRA="bench._import_kinds")
    figures: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join([".venv/bin/python", "bench/import_rows.py", *sys.argv[1:]]),
        "load_before": _common.load_average(" "),
    }
    registry_empty()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "owners.csv"
        started = time.perf_counter()
        write_file(path, args.rows)
        print(
            f"{args.rows:,} rows written ({path.stat().st_size / 2**20:.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        figures["import"] = import_run(path, args.rows)
        print(f"import: {figures['import']}", flush=True)
        figures["copy"] = copy_run(path, url)
        print(f"copy: {figures['copy']}", flush=True)
    figures["written"] = written_copy_run(url)
    print(f"the import's output copied back: {figures['written']}", flush=True)
    figures["idle_mb"] = idle_worker_peak_mb()
    figures["overhead"] = overhead_run(args.runs)
    print(f"overhead: {figures['overhead']}", flush=True)
    figures["load_after"] = _common.load_average(" ")
    section = report(args, figures)
    print(section)
    if not args.no_docs:
        _common.write_section(SECTION, MARKER, section)


if __name__ == "__main__":
    main()
