"""Benchmark: 1,000 unit devices reporting their position every 5 seconds to the running
server, over loopback, for a bounded time.

    .venv/bin/python bench/dispatch_ingest.py                 # 5 minutes, portal_bench_ingest
    .venv/bin/python bench/dispatch_ingest.py --duration 30   # a short run

On its own database (see bench/_dispatch.py) it creates ``--units`` mobile units, a
patrol zone and a running shift for 70 % of them (so that every report goes through
the geofence check as in service), and registers one device per unit with
``dispatch.services.device_register``. It then starts gunicorn on a free loopback port
the way .ci/serve.sh does (``portal.wsgi``, 3 workers x 4 threads), with the production
settings (DEBUG off; HTTPS redirect and HSTS off for plain loopback HTTP), its own
Redis database number, and stops it at the end.

Load: each unit sends one report per request (as a live tracker does, no batching) to
POST /api/v1/positions/ with its device token, every ``--interval`` seconds, the units'
phases spread evenly, for ``--duration`` seconds: 200 reports/s for 1,000 units every
5 s. Requests go out on schedule (open loop: a slow server does not slow the schedule)
through a bounded pool of ``--clients`` threads, each on its own keep-alive
http.client connection; a connection the server closed is reopened and the report
re-sent once (ingestion is idempotent: a re-sent report is never stored twice).

Measured: reports sent, reports stored (counted in the database after the server has
stopped; lost = sent - stored, target 0), HTTP and connection errors, the latency of
each request (sent to answered) and its lag behind its schedule, p50/p95/p99, and the
achieved rate against the intended one. Baselines in the same run, on the same server,
sampled all through the load and before it: the same endpoint refused without a token
(Django, middleware and DRF, no database work) and a static file (gunicorn and
WhiteNoise only), printed as ratios. The load average is sampled throughout.

Hard time bound: the script stops by itself (an alarm at the duration plus ten
minutes for setup, drain and counting ends it, server included, whatever happens).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import queue
import random
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import _common
import _dispatch

DATABASE = "portal_bench_ingest"
ROOT = _common.ROOT
INGEST_PATH = "/api/v1/positions/"
STATIC_PATH = "/static/portal/portal.css"
LITHUANIA_BBOX = (21.2, 54.1, 26.4, 56.2)  # inner box: units start inside the country
ZONE_HALF = (0.15, 0.09)  # degrees: a zone about 19 x 20 km around a unit's start
WITH_SHIFT_SHARE = 0.7
WANDERER_SHARE = 0.05  # units that drift out of their zone (geofence alerts)
REQUEST_TIMEOUT_S = 10.0
DRAIN_S = 60.0
SETUP_AND_DRAIN_S = 600


class TimeBoundError(Exception):
    """The time bound was reached: stop everything now."""


# --- Setup ------------------------------------------------------------------------------
@dataclass
class Unit:
    index: int
    token: str
    lon: float
    lat: float
    heading: float
    speed_kmh: float
    zone: tuple[float, float, float, float]  # west, south, east, north
    wanderer: bool


def prepare(*, units: int, seed: int) -> tuple[list[Unit], dict[str, int]]:
    """Empty the dispatch tables of the bench database, then create the units, their
    zones and shifts, and one registered device each (tokens kept in memory only)."""
    from django.contrib.gis.geos import Point, Polygon
    from django.db import connection, transaction
    from django.utils import timezone

    from dispatch.models import MobileUnit, PatrolZone, Shift
    from dispatch.services.positions import device_register
    from portal.models import OrgUnit, OrgUnitKind

    rng = random.Random(seed)
    now = timezone.now()
    west, south, east, north = LITHUANIA_BBOX
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Its own database (database_url made sure of the name).
            cursor.execute(
                "TRUNCATE dispatch_mobileunit, dispatch_patrolzone RESTART IDENTITY CASCADE"
            )
            cursor.execute("DELETE FROM portal_orgunit WHERE code LIKE %s", ["bench-ingest-%"])
        org_units = OrgUnit.objects.bulk_create(
            OrgUnit(
                code=f"bench-ingest-{n:04}", name=f"Bench unit {n:04}", kind=OrgUnitKind.MOBILE_UNIT
            )
            for n in range(units)
        )
        starts = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(units)]
        mobile_units = MobileUnit.objects.bulk_create(
            MobileUnit(
                org_unit=org_unit,
                call_sign=f"ING-{n:04}",
                status="available",
                last_position=Point(*starts[n], srid=4326),
                last_reported_at=now - timedelta(minutes=1),
            )
            for n, org_unit in enumerate(org_units)
        )
        zones: list[tuple[float, float, float, float] | None] = []
        wanderers: set[int] = set()
        for n, unit in enumerate(mobile_units):
            if rng.random() >= WITH_SHIFT_SHARE:
                zones.append(None)
                continue
            lon, lat = starts[n]
            # Most start in the middle of their zone; a wanderer near its east edge,
            # driving east, out of it within a minute or two.
            shift_east = ZONE_HALF[0] - 0.01 if rng.random() < WANDERER_SHARE else 0.0
            if shift_east:
                wanderers.add(n)
            box = (
                lon - ZONE_HALF[0] - shift_east,
                lat - ZONE_HALF[1],
                lon + ZONE_HALF[0] - shift_east,
                lat + ZONE_HALF[1],
            )
            area = Polygon.from_bbox(box)
            area.srid = 4326
            zone = PatrolZone.objects.create(name=f"Bench zone {n:04}", area=area)
            Shift.objects.create(
                unit=unit,
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=7),
                zone=zone,
            )
            zones.append(box)
    tokens = []
    for unit in mobile_units:
        _device, token = device_register(actor=None, unit=unit, name="bench tracker")
        tokens.append(token)
    prepared = []
    for n, token in enumerate(tokens):
        lon, lat = starts[n]
        box = zones[n] or (west, south, east, north)
        prepared.append(
            Unit(
                index=n,
                token=token,
                lon=lon,
                lat=lat,
                heading=90.0 if n in wanderers else rng.uniform(0, 360),
                speed_kmh=70 if n in wanderers else rng.choice([0, 0, 30, 50, 70, 90]),
                zone=box,
                wanderer=n in wanderers,
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) dispatch_mobileunit, dispatch_unitdevice, dispatch_shift")
    return prepared, {
        "units": units,
        "on_shift": sum(1 for z in zones if z),
        "wanderers": len(wanderers),
    }


def move(unit: Unit, seconds: float, rng: random.Random) -> None:
    """Drive on for ``seconds``: a little turn each time; back into the zone at its edge
    unless the unit is a wanderer."""
    unit.heading = (unit.heading + rng.gauss(0, 5 if unit.wanderer else 15)) % 360
    km = unit.speed_kmh * seconds / 3600
    radians = math.radians(unit.heading)
    unit.lat += km * math.cos(radians) / 111.2
    unit.lon += km * math.sin(radians) / (111.2 * math.cos(math.radians(unit.lat)))
    west, south, east, north = unit.zone
    if not unit.wanderer and not (west <= unit.lon <= east and south <= unit.lat <= north):
        unit.lon = min(max(unit.lon, west), east)
        unit.lat = min(max(unit.lat, south), north)
        unit.heading = (unit.heading + 180) % 360


# --- The server -------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_url_of_its_own() -> str:
    """REDIS_URL with database number 14: anything the server enqueues stays away from
    the workers of other portals on this machine."""
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return url._replace(path="/14").geturl()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @classmethod
    def start(cls, *, database_url: str, settings: str, workers: int, threads: int) -> Server:
        port = free_port()
        log = Path(tempfile.gettempdir()) / f"bench-ingest-gunicorn-{port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": settings,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "REDIS_URL": redis_url_of_its_own(),
            "CELERY_BROKER_URL": redis_url_of_its_own(),
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(log),
        ]
        # A session of its own: stop() ends the master and its workers, nothing else.
        with log.open("ab") as output:
            process = subprocess.Popen(  # noqa: S603  our own gunicorn, no shell
                command,
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return cls(process, port, log)

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", STATIC_PATH)
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout_s:.0f} s; see {self.log}")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc)."""
        total = 0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields[2] is the process group (the session leader is the master).
            if int(fields[2]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def errors_logged(self) -> int:
        if not self.log.exists():
            return 0
        text = self.log.read_text(errors="replace")
        return text.count("Traceback") + text.count("[CRITICAL]")


# --- The load ---------------------------------------------------------------------------
@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    answered_ok: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    http_errors: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    resent: int = 0
    latency_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)
    first_sent: float = math.inf
    last_answered: float = 0.0


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


class Client(threading.Thread):
    """Takes scheduled reports off the queue and posts them on one keep-alive connection."""

    def __init__(
        self,
        port: int,
        jobs: queue.Queue[tuple[float, Unit, bytes] | None],
        stats: Stats,
        abandon: threading.Event,
    ):
        super().__init__(daemon=True)
        self.port, self.jobs, self.stats, self.abandon = port, jobs, stats, abandon
        self.conn = self.connect()

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)

    def run(self) -> None:
        while (job := self.jobs.get()) is not None and not self.abandon.is_set():
            due, unit, body = job
            headers = {"Authorization": f"Device {unit.token}", "Content-Type": "application/json"}
            started = time.monotonic()
            status, data, resent = 0, b"", False
            for attempt in range(2):
                try:
                    status, data = request(self.conn, "POST", INGEST_PATH, body, headers)
                    break
                except (OSError, http.client.HTTPException):
                    # Closed by the server (keep-alive timeout) or reset: once more on a
                    # fresh connection. Safe: the same report is stored once at most.
                    self.conn.close()
                    self.conn = self.connect()
                    resent = attempt == 0
            answered = time.monotonic()
            with self.stats.lock:
                stats = self.stats
                stats.sent += 1
                stats.resent += resent
                stats.first_sent = min(stats.first_sent, started)
                stats.last_answered = max(stats.last_answered, answered)
                if status == 0:
                    stats.connection_errors += 1
                    continue
                stats.latency_ms.append((answered - started) * 1000)
                stats.lag_ms.append((answered - due) * 1000)
                if status != 200:
                    stats.http_errors[status] += 1
                    continue
                result = json.loads(data)
                stats.answered_ok += 1
                stats.accepted += result["accepted"]
                stats.duplicates += result["duplicates"]
                stats.rejected += len(result["rejected"])
        self.conn.close()


def ingest_one_at_a_time(port: int, units: list[Unit]) -> tuple[list[float], int]:
    """One report from each of ``units``, back to back on one connection, before the
    load (device time half a minute ago): the cost of a report with no queueing.
    Returns the latencies and the number of reports sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    when = (datetime.now(UTC) - timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    samples = []
    for unit in units:
        report = {"device_time": when, "latitude": unit.lat, "longitude": unit.lon}
        body = json.dumps({"reports": [report]}).encode()
        headers = {"Authorization": f"Device {unit.token}", "Content-Type": "application/json"}
        started = time.monotonic()
        status, _data = request(conn, "POST", INGEST_PATH, body, headers)
        if status != 200:
            raise SystemExit(f"ingestion before the load: HTTP {status}")
        samples.append((time.monotonic() - started) * 1000)
    conn.close()
    return samples, len(units)


class Baseline(threading.Thread):
    """Trivial requests to the same server, one every ``every_s`` seconds, alternately
    the ingest endpoint without a token (refused before any work) and a static file."""

    def __init__(self, port: int, every_s: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.every_s, self.stop = port, every_s, stop
        self.samples: dict[str, list[float]] = {"refused": [], "static": []}
        self.unexpected: Counter[str] = Counter()

    def once(self, conn: http.client.HTTPConnection, kind: str) -> http.client.HTTPConnection:
        if kind == "refused":
            method, path, body = "POST", INGEST_PATH, b'{"reports": []}'
            expected = {401, 403}
        else:
            method, path, body, expected = "GET", STATIC_PATH, None, {200}
        headers = {"Content-Type": "application/json"} if body else {}
        started = time.monotonic()
        try:
            status, _data = request(conn, method, path, body, headers)
        except (OSError, http.client.HTTPException):
            conn.close()
            self.unexpected[f"{kind}: connection"] += 1
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        if status in expected:
            self.samples[kind].append((time.monotonic() - started) * 1000)
        else:
            self.unexpected[f"{kind}: HTTP {status}"] += 1
        return conn

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        kinds = ["refused", "static"]
        n = 0
        while not self.stop.wait(self.every_s):
            conn = self.once(conn, kinds[n % 2])
            n += 1
        conn.close()

    def idle(self, count: int) -> None:
        """Measured before the load, back to back."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        for n in range(count):
            conn = self.once(conn, ["refused", "static"][n % 2])
        conn.close()


class LoadMonitor(threading.Thread):
    def __init__(self, stop: threading.Event):
        super().__init__(daemon=True)
        self.stop = stop
        self.samples: list[float] = []

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def schedule(
    units: list[Unit],
    *,
    interval_s: float,
    duration_s: float,
    jobs: queue.Queue[tuple[float, Unit, bytes] | None],
    seed: int,
) -> int:
    """Put each unit's report on the queue at its moment, for ``duration_s``; returns
    the number scheduled. Phases are spread evenly over the interval."""
    rng = random.Random(seed + 1)
    phases = [(n * interval_s / len(units), unit) for n, unit in enumerate(units)]
    start_mono = time.monotonic() + 0.5
    start_wall = datetime.now(UTC) + timedelta(seconds=0.5)
    end = start_mono + duration_s
    scheduled = 0
    tick = 0
    while True:
        base = start_mono + tick * interval_s
        if base >= end:
            return scheduled
        for phase, unit in phases:
            due = base + phase
            if due >= end:
                return scheduled
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if tick:
                move(unit, interval_s, rng)
            device_time = start_wall + timedelta(seconds=due - start_mono)
            report = {
                "device_time": device_time.isoformat().replace("+00:00", "Z"),
                "latitude": round(unit.lat, 6),
                "longitude": round(unit.lon, 6),
                "accuracy_m": 8,
                "speed_kmh": unit.speed_kmh,
                "heading_deg": round(unit.heading, 1),
            }
            jobs.put((due, unit, json.dumps({"reports": [report]}).encode()))
            scheduled += 1
        tick += 1


# --- The run ----------------------------------------------------------------------------
@dataclass
class Outcome:
    scheduled: int
    idle_sent: int
    stats: Stats
    stored: int
    alerts: int
    unfinished: int
    baseline_idle: dict[str, list[float]]
    baseline_load: dict[str, list[float]]
    baseline_unexpected: Counter[str]
    loads: list[float]
    server_cpu_s: float
    client_cpu_s: float
    load_s: float
    server_errors: int


def run(args: argparse.Namespace, url: str, units: list[Unit]) -> Outcome:
    from django.db import connection

    connection.close()  # the server has the database to itself while it runs
    server = Server.start(
        database_url=url, settings=args.settings, workers=args.workers, threads=args.threads
    )
    print(f"gunicorn on 127.0.0.1:{server.port} (pid {server.process.pid}), log {server.log}")
    stop = threading.Event()
    try:
        server.wait_ready()
        baseline = Baseline(server.port, every_s=0.1, stop=stop)
        baseline.idle(120)  # warm-up: each worker loads Django on its first request
        baseline.samples = {"refused": [], "static": []}
        baseline.idle(400)
        idle = {kind: list(samples) for kind, samples in baseline.samples.items()}
        baseline.samples = {"refused": [], "static": []}
        # The first reports of a server thread open its database connection: 20 first.
        _warm, warm_sent = ingest_one_at_a_time(server.port, units[200:220])
        idle["ingest"], idle_sent = ingest_one_at_a_time(server.port, units[:200])
        idle_sent += warm_sent

        stats = Stats()
        jobs: queue.Queue[tuple[float, Unit, bytes] | None] = queue.Queue()
        abandon = threading.Event()
        clients = [Client(server.port, jobs, stats, abandon) for _ in range(args.clients)]
        monitor = LoadMonitor(stop)
        cpu_before, client_cpu_before = server.cpu_seconds(), time.process_time()
        for thread in [*clients, baseline, monitor]:
            thread.start()
        print(
            f"{len(units):,} units, one report each every {args.interval:g} s for "
            f"{args.duration:g} s ({len(units) / args.interval:.0f} reports/s intended) …",
            flush=True,
        )
        started = time.monotonic()
        scheduled = schedule(
            units, interval_s=args.interval, duration_s=args.duration, jobs=jobs, seed=args.seed
        )
        for _ in clients:
            jobs.put(None)
        # What is still queued goes out now, for at most DRAIN_S; then the clients
        # stop taking reports (those count as not sent) and finish the one in hand.
        drain_until = time.monotonic() + DRAIN_S
        for thread in clients:
            thread.join(timeout=max(0.1, drain_until - time.monotonic()))
        abandon.set()
        for thread in clients:
            thread.join(timeout=REQUEST_TIMEOUT_S + 1)
        load_s = time.monotonic() - started
        stop.set()
        unfinished = sum(1 for thread in clients if thread.is_alive())
        server_cpu = server.cpu_seconds() - cpu_before
        client_cpu = time.process_time() - client_cpu_before
        baseline.join(timeout=REQUEST_TIMEOUT_S)
    finally:
        stop.set()
        server.stop()
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dispatch_positionreport")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM dispatch_geofencealert")
        (alerts,) = cursor.fetchone()
    return Outcome(
        scheduled=scheduled,
        idle_sent=idle_sent,
        stats=stats,
        stored=stored,
        alerts=alerts,
        unfinished=unfinished,
        baseline_idle=idle,
        baseline_load=baseline.samples,
        baseline_unexpected=baseline.unexpected,
        loads=monitor.samples,
        server_cpu_s=server_cpu,
        client_cpu_s=client_cpu,
        load_s=load_s,
        server_errors=server.errors_logged(),
    )


def report(
    args: argparse.Namespace,
    command: str,
    setup: dict[str, int],
    o: Outcome,
    loads: tuple[str, str],
) -> str:
    s = o.stats
    latency = _dispatch.percentiles(s.latency_ms)
    lag = _dispatch.percentiles(s.lag_ms)
    refused = _dispatch.percentiles(o.baseline_load["refused"])
    static = _dispatch.percentiles(o.baseline_load["static"])
    refused_idle = _dispatch.percentiles(o.baseline_idle["refused"])
    static_idle = _dispatch.percentiles(o.baseline_idle["static"])
    ingest_idle = _dispatch.percentiles(o.baseline_idle["ingest"])
    intended = setup["units"] / args.interval
    window = (s.last_answered - s.first_sent) if s.sent else float("nan")
    achieved = s.answered_ok / window if window and window > 0 else float("nan")
    sent = s.sent + o.idle_sent
    lost = sent - o.stored
    errors = sum(s.http_errors.values())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_during = (
        f"{statistics.mean(o.loads):.2f} mean, {max(o.loads):.2f} max" if o.loads else "n/a"
    )
    http = ", ".join(f"{code}: {n}" for code, n in sorted(s.http_errors.items())) or "none"
    lines = [
        f"#### {now}{f' — {args.label}' if args.label else ''}",
        "",
        f"- command: `{command}`",
        f"- server: gunicorn {args.workers} workers x {args.threads} threads, "
        f"{args.settings}, 127.0.0.1; client: {args.clients} threads with keep-alive "
        f"connections, one report per request, in the same machine",
        f"- units: {setup['units']:,} with a device each, {setup['on_shift']:,} on shift in "
        f"a patrol zone (every report goes through the geofence check; "
        f"{setup['wanderers']} of them driving out of it: {o.alerts} geofence alerts raised)",
        f"- machine: {_common.machine_and_database()}",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}; 1-min "
        f"during the load: {load_during} (the machine is shared with other work)",
        f"- **reports sent {sent:,}, stored {o.stored:,}, lost {lost:,}** "
        f"({o.idle_sent} one at a time before the load, {s.sent:,} of the {o.scheduled:,} "
        f"scheduled in the load; accepted in the load {s.accepted:,}, duplicates "
        f"{s.duplicates}, rejected {s.rejected}); HTTP errors {errors} ({http}); connection "
        f"errors {s.connection_errors}; re-sent after a closed connection {s.resent}; "
        f"clients still busy at the end {o.unfinished}; server log errors {o.server_errors}",
        f"- rate: **{achieved:,.1f} reports/s achieved** of {intended:,.0f} intended "
        f"({achieved / intended:.1%}) over {window:,.1f} s",
        f"- CPU: server (gunicorn) {o.server_cpu_s:,.1f} s, "
        f"{o.server_cpu_s / max(s.answered_ok, 1) * 1000:.2f} ms per report; load "
        f"generator {o.client_cpu_s:,.1f} s; PostgreSQL not counted",
        "",
        "| measurement | p50 ms | p95 ms | p99 ms | max ms | samples "
        "| p50 / refused request of the same period |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    rows = [
        ("ingestion, request sent to answer", latency, refused),
        ("ingestion, due time to answer (lag behind schedule)", lag, refused),
        ("baseline under load: same endpoint refused without a token", refused, refused),
        ("baseline under load: static file (WhiteNoise)", static, refused),
        ("ingestion before the load, one at a time", ingest_idle, refused_idle),
        ("baseline before the load: refused without a token", refused_idle, refused_idle),
        ("baseline before the load: static file", static_idle, refused_idle),
    ]
    for name, p, base in rows:
        lines.append(
            f"| {name} | {p.median:.2f} | {p.p95:.2f} | {p.p99:.2f} | {p.worst:.2f} "
            f"| {p.count:,} | {p.median / base.median:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between reports")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--settings", default="portal.settings.production")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database", default=DATABASE, help="a name containing 'bench'")
    parser.add_argument("--label", default="", help="a note for the report heading")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()

    def hard_stop(signum: int, frame: FrameType | None) -> None:
        raise TimeBoundError(f"time bound of {args.duration + SETUP_AND_DRAIN_S:.0f} s reached")

    signal.signal(signal.SIGALRM, hard_stop)
    signal.alarm(int(args.duration + SETUP_AND_DRAIN_S))

    url = _dispatch.database_url(args.database)
    _common.django_on(url)
    started = time.perf_counter()
    units, setup = prepare(units=args.units, seed=args.seed)
    print(f"{len(units):,} units and devices ready in {time.perf_counter() - started:.1f} s")
    load_before = _common.load_average()
    try:
        outcome = run(args, url, units)
    except TimeBoundError as stopped:
        raise SystemExit(f"stopped: {stopped}") from None
    load_after = _common.load_average()
    signal.alarm(0)

    s = outcome.stats
    print(
        f"sent {s.sent + outcome.idle_sent:,}, stored {outcome.stored:,}, "
        f"lost {s.sent + outcome.idle_sent - outcome.stored:,}; "
        f"HTTP errors {dict(s.http_errors)}, connection errors {s.connection_errors}, "
        f"re-sent {s.resent}"
    )
    print(f"latency  {_dispatch.percentiles(s.latency_ms).line()}")
    print(f"lag      {_dispatch.percentiles(s.lag_ms).line()}")
    for kind, samples in outcome.baseline_load.items():
        print(f"{kind:<8} {_dispatch.percentiles(samples).line()} (under load)")
    if outcome.baseline_unexpected:
        print(f"baseline surprises: {dict(outcome.baseline_unexpected)}")
    script = shlex.join(["bench/dispatch_ingest.py", *sys.argv[1:]])
    section = report(args, f".venv/bin/python {script}", setup, outcome, (load_before, load_after))
    print(section)
    if not args.no_report:
        _dispatch.write_section("bench/dispatch_ingest.py", section)


if __name__ == "__main__":
    main()
