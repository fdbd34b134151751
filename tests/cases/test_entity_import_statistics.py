"""An import that grows the registry keeps the planner's statistics in step with it
(RegistryGrowth, migration cases 0023): with the statistics of an empty table the
relation count triggers read every entity twice a batch, for the whole import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cases.models import DataImport, Entity, ImportStatus
from portal.services.jobs import job_run
from tests.cases.import_support import csv_bytes, declarations_mapping
from tests.portal.test_database_roles import runtime_connection  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def planner_entities() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'cases_entity'::regclass")
        return float(cursor.fetchone()[0])


def registry_statistics_reset() -> None:
    """pg_class's count is written in place by ANALYZE, kept whatever rolls back: an
    earlier test's would stand for this test's empty registry."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_entity")
    assert planner_entities() == 0


def declarations(count: int) -> list[list[str]]:
    """``count`` rows of one carrier, each with a truck and a driver of its own (two new
    entities a row, and the carrier once)."""
    return [
        [
            f"D-{number}",
            "Šiaurės krovinys UAB",
            "302123455",
            "LT",
            f"TST{number:03d}",
            "LT",
            "Jonas",
            f"Driver{number}",
            "1980-02-03",
            f"+3706{1000000 + number}",
        ]
        for number in range(1, count + 1)
    ]


def test_the_write_pass_gathers_the_statistics_again_as_the_registry_grows(
    analyst, client_for, settings
) -> None:
    registry_statistics_reset()
    settings.ENTITY_IMPORT_BATCH_ROWS = 10
    settings.ENTITY_IMPORT_ANALYZE_MIN_ROWS = 30
    client = client_for(analyst)
    client.post(
        reverse("entities:import-list"),
        {"file": SimpleUploadedFile("d.csv", csv_bytes(declarations(60))), "dataset": "Grow"},
    )
    data_import = DataImport.objects.latest("pk")
    client.post(
        data_import.get_absolute_url(),
        {"saved": declarations_mapping().pk, "encoding": data_import.encoding},
    )
    data_import.refresh_from_db()
    assert data_import.job_id is not None

    job_run(job_id=data_import.job_id)

    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.DONE, data_import.message
    # 121 entities, about 20 a batch: gathered once 30 were created (at 41), then once as
    # many again as the planner knew of (at 101), so it knows of 101, not of none.
    assert Entity.objects.count() == 121
    assert planner_entities() == 101


def test_the_runtime_role_may_gather_the_registrys_statistics(runtime_connection) -> None:  # noqa: F811
    with runtime_connection.transaction(force_rollback=True):
        runtime_connection.execute(
            "INSERT INTO cases_entity (kind, label, key, properties, ftm_extra, provenance,"
            " identifiers, name_codes, created_at, updated_at)"
            " SELECT 'Vehicle', 'AA' || n, 'LT:AA' || n, '{}', '{}', '', '{}', '{}', now(),"
            " now() FROM generate_series(1, 250) AS n"
        )
        runtime_connection.execute("SELECT cases_registry_analyze()")
        (known,) = runtime_connection.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'cases_entity'::regclass"
        ).fetchone()

    assert known == 250
