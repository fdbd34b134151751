"""Every export opens, whatever text is stored: violations with each hostile text of
tests/hostile.py (as PostgreSQL can hold it) in their free text, and audit records with
it, exported as CSV and XLSX through the pages and the API, the audit trail as CSV, the
unit statistics as CSV and the tracks as GPX and KML. Each file parses (csv, openpyxl,
an XML parser), holds the hostile rows, and no cell starts a formula or holds a C0
control character."""

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from defusedxml import ElementTree
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Violation, ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from dispatch.models import MobileUnit
from portal.models import AuditAction, User
from portal.services.audit import audit_record
from tests.conftest import login_verified
from tests.fuzz.world import FuzzWorld
from tests.hostile import EXPORT_FORBIDDEN, FORMULA_STARTS, HOSTILE_TEXT, storable


def _violation_with(officer: User, text: str) -> Violation | None:
    """A draft with ``text`` in every free-text field the service accepts it in."""
    attempts = [
        {"narrative": text, "place_description": text, "brand": text},
        {"narrative": text, "place_description": "", "brand": "Minsk"},
    ]
    for fields in attempts:
        try:
            violation, _created = violation_create(
                actor=officer,
                data=ViolationInput(
                    occurred_at=timezone.now() - timedelta(hours=3),
                    category=ViolationCategory.objects.get(code="tobacco"),
                    location=Point(25.6536, 54.5395, srid=4326),
                    place_description=fields["place_description"],
                    narrative=fields["narrative"],
                    details={"product_type": "cigarettes", "brand": fields["brand"]},
                ),
            )
        except ValidationError:
            continue
        return violation
    return None


@pytest.fixture
def hostile_world(fuzz_world: FuzzWorld) -> FuzzWorld:
    officer = User.objects.get(username="officer")
    stored = [
        _violation_with(officer, storable(value))
        for value in HOSTILE_TEXT.values()
        if storable(value).strip()
    ]
    # The ones a service refuses never reach an export; the rest must all get there.
    assert sum(v is not None for v in stored) >= len(HOSTILE_TEXT) - 4
    for value in HOSTILE_TEXT.values():
        audit_record(
            actor=officer,
            action=AuditAction.VIEW,
            object_type="cases.violation",
            object_repr=storable(value)[:200],
            reason=storable(value)[:500],
        )
    return fuzz_world


def cells_of_csv(content: bytes) -> Iterator[str]:
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        yield from row


def cells_of_xlsx(content: bytes) -> Iterator[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    for row in sheet.iter_rows(values_only=True):
        yield from (cell for cell in row if isinstance(cell, str))


def cells_of_xml(content: bytes) -> Iterator[str]:
    root = ElementTree.fromstring(content)
    yield from (text for element in root.iter() if (text := element.text))


def assert_safe(cells: list[str], *, hostile_rows_expected: bool) -> None:
    assert cells
    for cell in cells:
        assert not EXPORT_FORBIDDEN.search(cell), repr(cell[:80])
        assert not cell.startswith(FORMULA_STARTS), repr(cell[:80])
    if hostile_rows_expected:
        assert any("ringbell" in cell for cell in cells), "the stored BEL text is exported"
        assert any(cell.startswith("'=cmd") for cell in cells), "formulas are neutralised"


def _page_client(username: str) -> Client:
    return login_verified(Client(), User.objects.get(username=username))


def _api_client(world: FuzzWorld, role: str) -> Client:
    return Client(HTTP_AUTHORIZATION=world.authorization[role])


def _tracks_query() -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "unit": [unit.pk for unit in MobileUnit.objects.all()],
        "start": (now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "end": now.strftime("%Y-%m-%dT%H:%M"),
    }


EXPORTS = {
    # name: (who, URL, query, parser, holds the hostile rows)
    "violations-page-csv": ("analyst", "cases:violation-export", "csv", cells_of_csv, True),
    "violations-page-xlsx": ("analyst", "cases:violation-export", "xlsx", cells_of_xlsx, True),
    "violations-api-csv": ("analyst", "api:violation-export", "csv", cells_of_csv, True),
    "violations-api-xlsx": ("analyst", "api:violation-export", "xlsx", cells_of_xlsx, True),
    "audit-csv": ("admin", "portal:audit-export", None, cells_of_csv, True),
    "unit-stats-csv": ("dispatcher", "dispatch:unit-stats-export", None, cells_of_csv, False),
    "tracks-gpx": ("dispatcher", "dispatch:track-export", "gpx", cells_of_xml, False),
    "tracks-kml": ("dispatcher", "dispatch:track-export", "kml", cells_of_xml, False),
}


@pytest.mark.parametrize("export", EXPORTS)
def test_every_export_opens_with_hostile_text_stored(hostile_world, export):
    who, url_name, file_format, cells_of, hostile_rows = EXPORTS[export]
    url = reverse(url_name, kwargs={"file_format": file_format} if file_format else None)
    if url_name.startswith("api:"):
        client = _api_client(hostile_world, who if who != "admin" else "administrator")
    else:
        client = _page_client(who)
    query = _tracks_query() if url_name == "dispatch:track-export" else {}

    response = client.get(url, query)

    assert response.status_code == 200, response.content[:300]
    content = response.getvalue()  # streamed or not
    assert_safe(list(cells_of(content)), hostile_rows_expected=hostile_rows)
