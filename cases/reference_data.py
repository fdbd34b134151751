"""Load the Harmonized System nomenclature from cases/data/harmonized-system.csv (see
cases/data/SOURCES.md).

``load_hs_codes`` is idempotent and fast: it reads what the table holds in one query and
upserts only the new or changed rows in bulk (``INSERT … ON CONFLICT DO UPDATE``), parents
before children. It takes the model class as an optional argument so that a data
migration can pass its historical model (``apps.get_model``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from cases.models import HSCode

DATA_DIR = Path(__file__).resolve().parent / "data"
HS_CODES_FILE = DATA_DIR / "harmonized-system.csv"
HS_SECTIONS_FILE = DATA_DIR / "hs-sections.csv"

ROOT = "TOTAL"
LEVELS = (2, 4, 6)
BATCH_SIZE = 2000


def hs_code_rows() -> list[dict[str, Any]]:
    """The rows to load, parents before children: levels 2, 4 and 6 whose parent chain
    reaches the root. The root row (``TOTAL``) and rows of any other level are left out,
    and so is a row whose parent is missing (and then its descendants). Chapter 99 carries
    the section ``TOTAL`` in the file, which is no section: it is stored empty."""
    with HS_CODES_FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if int(row["level"]) in LEVELS]
    rows.sort(key=lambda row: (int(row["level"]), row["hscode"]))
    kept: list[dict[str, Any]] = []
    known: set[str] = set()
    for row in rows:
        parent = None if row["parent"] == ROOT else row["parent"]
        if parent is not None and parent not in known:
            continue
        known.add(row["hscode"])
        kept.append(
            {
                "code": row["hscode"],
                "description": row["description"].strip(),
                "level": int(row["level"]),
                "parent_id": parent,
                "section": "" if row["section"] == ROOT else row["section"],
            }
        )
    return kept


def hs_section_names() -> dict[str, str]:
    """Roman numeral -> name of the 21 HS sections (no table holds them yet)."""
    with HS_SECTIONS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return {row["section"]: row["name"] for row in csv.DictReader(handle)}


def load_hs_codes(hs_model: type[HSCode] | None = None) -> int:
    """Upsert the HS codes; returns how many codes the file provides (all of them are in
    the table afterwards). Codes that are no longer in the file are kept (violations may
    refer to them)."""
    if hs_model is None:
        from cases.models import HSCode

        hs_model = HSCode

    fields = ("description", "level", "parent_id", "section")
    rows = hs_code_rows()
    with transaction.atomic():
        current = {
            values[0]: values[1:]
            for values in hs_model._default_manager.values_list("code", *fields).iterator()
        }
        changed = [
            hs_model(**row)
            for row in rows
            if current.get(row["code"]) != tuple(row[field] for field in fields)
        ]
        if changed:
            hs_model._default_manager.bulk_create(
                changed,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["description", "level", "parent", "section"],
            )
    return len(rows)


def seed_categories(category_model: Any = None) -> int:
    """The seeded violation categories (cases/category_fields.py); idempotent."""
    from cases.category_fields import category_definitions

    if category_model is None:
        from cases.models import ViolationCategory

        category_model = ViolationCategory
    for row in category_definitions():
        category_model.objects.update_or_create(code=row["code"], defaults=row)
    return len(category_definitions())
