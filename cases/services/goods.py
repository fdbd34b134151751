"""Goods: the goods lines of a violation (HS code checked against the nomenclature) and the
loading of the Harmonized System from cases/data/harmonized-system.csv (SOURCES.md)."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import ClientWriteKind, GoodsLine, HSCode, Violation
from cases.selectors.goods import HS_RESERVED_CHAPTER
from cases.services.writes import already_removed, client_write_claim, client_write_done
from portal.lib.text import lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record

if TYPE_CHECKING:
    from cases.models import HSCode


# A goods line's description: what the goods are, as on a customs declaration.
DESCRIPTION_MAX = 300


@dataclass
class GoodsInput:
    hs_code: str
    description: str
    quantity: Decimal
    quantity_unit: str
    value_eur: Decimal | None = None
    seized: bool = True


@transaction.atomic
def goods_line_add(
    *,
    actor: User,
    violation: Violation,
    data: GoodsInput,
    client_key: uuid.UUID | None = None,
) -> GoodsLine:
    """A goods line. A re-send with the same ``client_key`` (the answer to the first was
    lost) returns the line the first one added, never a second line."""
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.GOODS, client_key=client_key
    )
    if record is not None and not first:
        earlier = GoodsLine.objects.filter(pk=record.result_id or 0, violation=violation).first()
        if earlier is None:
            raise already_removed(
                _("This goods line was added earlier and removed since; it was not added again.")
            )
        return earlier
    lengths_check({"description": (data.description.strip(), DESCRIPTION_MAX)})
    code = "".join(ch for ch in data.hs_code if ch.isdigit())
    hs_code = HSCode.objects.filter(code=code).first()
    if hs_code is None:
        raise ValidationError(
            {
                "hs_code": _("%(code)s is not a code of the Harmonized System.")
                % {"code": data.hs_code}
            }
        )
    if code.startswith(HS_RESERVED_CHAPTER):
        raise ValidationError(
            {
                "hs_code": _(
                    "Chapter 99 is reserved for national and statistical use: give the "
                    "heading or subheading of the goods themselves."
                )
            }
        )
    if hs_code.level < 4:
        raise ValidationError(
            {"hs_code": _("Give at least the four-digit heading, not only the chapter.")}
        )
    line = GoodsLine(
        violation=violation,
        hs_code=hs_code,
        description=data.description.strip(),
        quantity=data.quantity,
        quantity_unit=data.quantity_unit,
        value_eur=data.value_eur,
        seized=data.seized,
    )
    if data.quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    line.full_clean()
    line.save()
    client_write_done(record, line.pk)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=violation,
        changes={
            "goods_added": {
                "hs_code": code,
                "quantity": str(data.quantity),
                "unit": data.quantity_unit,
            }
        },
    )
    return line


@transaction.atomic
def goods_line_remove(*, actor: User, line: GoodsLine) -> None:
    violation = line.violation
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=violation,
        changes={"goods_removed": {"hs_code": line.hs_code_id, "description": line.description}},
    )
    line.delete()


DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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
