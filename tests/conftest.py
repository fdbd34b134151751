"""Personas and shared fixtures. Tests go through the front door: the test client, the
API client, a real worker, a real browser."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.db.models import Model
from django.test import Client, TransactionTestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from portal.models import User
from tests import db_snapshot
from tests.factories import OrgUnitFactory, UserFactory

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controlling (or only) process
        from tests.fuzz.tally import tally_parts_forget

        tally_parts_forget()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz runs' tally (tests/fuzz/tally.py), added up over the parallel processes."""
    from tests.fuzz.tally import tally_report

    lines = tally_report()
    if lines:
        terminalreporter.section("schemathesis: the API schema fuzzed as each role")
        for line in lines:
            terminalreporter.write_line(line)


def totp_device_for(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def login_verified(client: Client, user: User) -> Client:
    """Sign in as ``user`` with the second factor already given, as after the code page."""
    client.force_login(user)
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def reference_data_ensure() -> None:
    """Categories, HS codes and reference geography, as the data migrations load them."""
    from cases.models import CaseTemplate, HSCode, ViolationCategory
    from cases.services.categories import seed_categories
    from cases.services.goods import load_hs_codes
    from cases.services.investigations import case_templates_seed
    from portal.models import CrossingPoint
    from portal.services.geo import load_reference_geography

    if not ViolationCategory.objects.exists():
        seed_categories()
    if not HSCode.objects.exists():
        load_hs_codes()
    if not CaseTemplate.objects.exists():
        case_templates_seed()
    if not CrossingPoint.objects.exists():
        load_reference_geography()


def reference_models() -> list[type[Model]]:
    from cases.models import CaseTemplate, HSCode, ViolationCategory
    from portal.models import BorderLine, CrossingPoint, ReferenceArea

    return [ViolationCategory, HSCode, ReferenceArea, BorderLine, CrossingPoint, CaseTemplate]


def test_database_hand_over() -> None:
    """A test database that the administrator created (pytest run with .run/env's
    DATABASE_URL) goes to the owner role, which `make test` runs as and which must be
    able to drop it next time."""
    from django.db import connection

    owner = unquote(urlsplit(os.environ.get("DATABASE_OWNER_URL", "")).username or "")
    if not owner or owner == connection.settings_dict["USER"]:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone() != (True,):
            return
        cursor.execute(
            "ALTER DATABASE {} OWNER TO {}".format(
                connection.ops.quote_name(connection.settings_dict["NAME"]),
                connection.ops.quote_name(owner),
            )
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been emptied by a transactional test of an
    earlier run: put the migration-loaded reference data back once per session, and
    keep a copy of the rows to restore quickly after each flush."""
    with django_db_blocker.unblock():
        test_database_hand_over()
        reference_data_ensure()
        db_snapshot.snapshot_take(db_snapshot.snapshot_tables(reference_models()))


def _flush_and_restore(self: TransactionTestCase) -> None:
    db_snapshot.flush_and_restore(self._databases_names(include_mirrors=False))  # type: ignore[attr-defined]


# Every transactional test ends with a flush followed by the snapshot (tests/db_snapshot.py)
# instead of Django's flush and post_migrate.
TransactionTestCase._fixture_teardown = _flush_and_restore  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def basemap(django_db_setup, django_db_blocker) -> str:
    """The offline base map, loaded once per session by the tests that draw or serve it
    (about 4 s, so not by a migration every test run would pay for). Its table has no
    model, so the flushes of transactional tests leave it alone. Returns its version."""
    from portal.services.basemap import basemap_files_version, basemap_load

    with django_db_blocker.unblock():
        basemap_load()
    return basemap_files_version()


@pytest.fixture
def unit_a(db):
    return OrgUnitFactory(code="mobile-a", name="Mobile Unit A")


@pytest.fixture
def unit_b(db):
    return OrgUnitFactory(code="mobile-b", name="Mobile Unit B")


@pytest.fixture
def officer(unit_a):
    return UserFactory(username="officer_a", org_unit=unit_a, roles=["officer"])


@pytest.fixture
def officer_b(unit_b):
    return UserFactory(username="officer_b", org_unit=unit_b, roles=["officer"])


@pytest.fixture
def dispatcher(db):
    return UserFactory(username="dispatcher", roles=["dispatcher"])


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", roles=["analyst"])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", roles=["administrator"])


@pytest.fixture
def personas(officer, dispatcher, analyst, administrator) -> dict[str, User]:
    return {
        "officer": officer,
        "dispatcher": dispatcher,
        "analyst": analyst,
        "administrator": administrator,
    }


@pytest.fixture
def client_for(db):
    """client_for(user) -> a test client signed in as the user (second factor given)."""

    def make(user: User | None) -> Client:
        client = Client()
        return login_verified(client, user) if user is not None else client

    return make


@pytest.fixture
def api_client_for(db):
    def make(user: User | None) -> APIClient:
        client = APIClient()
        return login_verified(client, user) if user is not None else client  # type: ignore[return-value]

    return make


@pytest.fixture(scope="module")
def worker_anchor_file(tmp_path_factory) -> Path:
    """Where the test worker appends audit anchors: a file of this module's worker."""
    return tmp_path_factory.mktemp("worker-anchors") / "audit-anchors.jsonl"


@pytest.fixture(scope="module")
def worker_media_root(tmp_path_factory) -> Path:
    """Where the test worker writes files (a job's results): a test that reads them
    points its own MEDIA_ROOT here."""
    return tmp_path_factory.mktemp("worker-media")


def worker_environment(anchor_file: Path, media_root: Path) -> dict[str, str]:
    """The environment of a test worker: the test settings, database and broker."""
    db = settings.DATABASES["default"]
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        TEST_AUDIT_ANCHOR_FILE=str(anchor_file),
        MEDIA_ROOT=str(media_root),
        DATABASE_URL=(
            f"postgis://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    )


# A worker imports the whole project before it answers: 5-10 s on a quiet machine, over
# 30 s when the two cores are shared with other work.
WORKER_START_SECONDS = 90


def worker_start(env: dict[str, str], name: str = "test") -> subprocess.Popen[bytes]:
    """Start a real Celery worker process (one process, every queue) and wait until it
    answers a ping; its output goes to artifacts/test-worker.log."""
    from portal.celery import app

    with open(ROOT / "artifacts" / "test-worker.log", "ab") as log:
        process = subprocess.Popen(  # noqa: S603  (our own command line)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if any(key.startswith(f"{name}@") for reply in replies for key in reply):
            return process
        if process.poll() is not None:
            raise RuntimeError("The Celery worker exited; see artifacts/test-worker.log")
    process.kill()
    raise RuntimeError(f"The Celery worker did not answer within {WORKER_START_SECONDS} s")


def worker_stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def celery_worker_process(
    django_db_setup, django_db_blocker, worker_anchor_file, worker_media_root
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the test database and the test broker."""
    process = worker_start(worker_environment(worker_anchor_file, worker_media_root))
    try:
        yield process
    finally:
        worker_stop(process)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Evidence written by a test goes to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _audit_anchors_in_a_temporary_folder(settings, tmp_path):
    """Each test's audit anchors in a file of its own: anchors of records that another
    test rolled back would fail every later verification."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


@pytest.fixture
def violation_of_officer(officer):
    """A draft at Medininkai logged by officer_a (unit A), through the service."""
    return violation_at_medininkai(officer)


def personas_make() -> dict[str, User]:
    """The four personas of the fixtures above, for a fixture of a wider scope."""
    unit = OrgUnitFactory(code="mobile-a", name="Mobile Unit A")
    made = {
        "officer": UserFactory(username="officer_a", org_unit=unit, roles=["officer"]),
        "dispatcher": UserFactory(username="dispatcher", roles=["dispatcher"]),
        "analyst": UserFactory(username="analyst", roles=["analyst"]),
        "administrator": UserFactory(username="administrator", roles=["administrator"]),
    }
    return cast(dict[str, User], made)


def violation_at_medininkai(officer: User) -> Any:
    """A draft at Medininkai logged by ``officer``, through the service."""
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    violation, _created = violation_create(
        actor=officer,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(hours=1),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=Point(25.6536, 54.5395, srid=4326),
            location_accuracy_m=8,
            location_source="gps",
            place_description="Medininkai, lorry lane 3",
            details={
                "transport_mode": "road",
                "detection_method": "xray",
                "product_type": "cigarettes",
                "brand": "Minsk",
                "excise_stamps": "foreign",
            },
        ),
    )
    return violation


@pytest.fixture
def step_rows_table(django_db_blocker):
    """The table the tests' stepped job kind writes to (tests/portal/job_kinds.py)."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS tests_job_step_rows "
            "(job_id integer NOT NULL, step integer NOT NULL, row integer NOT NULL)"
        )
    yield "tests_job_step_rows"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tests_job_step_rows")
