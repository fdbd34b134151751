"""One seizure, one report: the records a verified violation yields for exchange.

- Non-nominal (CEN-style, for international exchange through the WCO Customs
  Enforcement Network): what, where, when, how, route and goods, with no names, no
  identity numbers, no plates or VINs. People appear only as nationality and age band;
  vehicles only as the country of registration.
- Nominal (mutual assistance, Regulation 515/97 / Naples II): the same plus the people,
  documents, vehicles and companies.

``omitted`` lists every personal field that the non-nominal record leaves out, so the
analyst sees exactly what stays home before anything is sent.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.ftm import first
from cases.models import EntityKind, Violation, ViolationStatus
from portal.models import AuditAction, User
from portal.services.audit import audit_record

CEN_FORMAT = "cep-cen-1"


@dataclass
class LeftOut:
    """One thing the non-nominal record leaves out, for saying it in words:
    ``what`` is "name", "birth_date", "document", "plate", "company", "entity", "detail"
    or "narrative"; ``role`` the involvement's role, ``kind`` the entity's kind or the
    category fact's key."""

    what: str
    value: str
    role: str = ""
    kind: str = ""


@dataclass
class CenRecord:
    nominal: bool
    content: dict[str, Any]
    # What the API gives (field names for machines) and the same for the page's words.
    omitted: list[dict[str, str]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def leave_out(self, label: str, item: LeftOut) -> None:
        self.omitted.append({"field": label, "value": item.value})
        self.left_out.append(item)


def _age_band(birth_date: str | None, on: date) -> str:
    if not birth_date:
        return "unknown"
    try:
        born = date.fromisoformat(birth_date)
    except ValueError:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def _seizure(violation: Violation) -> dict[str, Any]:
    occurred = timezone.localtime(violation.occurred_at)
    details = violation.details or {}
    location = violation.location
    return {
        "reference": violation.reference,
        "reporting_country": "LT",
        "date": occurred.date().isoformat(),
        "time": occurred.strftime("%H:%M"),
        "place": {
            "crossing_point": violation.crossing_point.code if violation.crossing_point else None,
            "crossing_point_name": violation.crossing_point.name
            if violation.crossing_point
            else None,
            # Rounded to about a kilometre: enough for patterns, not a doorstep.
            "latitude": round(location.y, 2) if location else None,
            "longitude": round(location.x, 2) if location else None,
        },
        "category": violation.category.code,
        "transport_mode": details.get("transport_mode"),
        "detection_method": details.get("detection_method"),
        "concealment": details.get("concealment"),
        "route": {
            "origin": details.get("origin_country"),
            "destination": details.get("destination_country"),
        },
        "commodity_facts": {
            key: value
            for key, value in details.items()
            if key
            not in {
                "transport_mode",
                "detection_method",
                "concealment",
                "origin_country",
                "destination_country",
            }
            and key not in PERSONAL_DETAIL_KEYS
        },
        "goods": [
            {
                "hs_code": line.hs_code_id,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit": line.quantity_unit,
                "value_eur": str(line.value_eur) if line.value_eur is not None else None,
                "seized": line.seized,
            }
            for line in violation.goods.all()
        ],
    }


# Category facts that identify a person or a thing directly (serial numbers, tracking).
PERSONAL_DETAIL_KEYS = {"serial_number", "tracking_number"}


def cen_record(violation: Violation, *, nominal: bool) -> CenRecord:
    on = timezone.localtime(violation.occurred_at).date()
    record = CenRecord(
        nominal=nominal,
        content={"format": CEN_FORMAT, "nominal": nominal, "seizure": _seizure(violation)},
    )
    people: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    companies: list[dict[str, Any]] = []
    for key in sorted(PERSONAL_DETAIL_KEYS & set(violation.details or {})):
        if nominal:
            record.content["seizure"]["commodity_facts"][key] = violation.details[key]
        else:
            record.leave_out(key, LeftOut("detail", str(violation.details[key]), kind=key))
    for involvement in violation.involvements.select_related("entity").order_by("id"):
        entity = involvement.entity
        props = entity.properties or {}
        if entity.kind == EntityKind.PERSON:
            person: dict[str, Any] = {
                "role": involvement.role,
                "nationality": first(props, "nationality").upper() or None,
                "age_band": _age_band(first(props, "birthDate") or None, on),
            }
            if nominal:
                person.update(
                    name=entity.label,
                    birth_date=first(props, "birthDate") or None,
                    documents=_documents(entity),
                )
            else:
                role = involvement.role
                record.leave_out(
                    f"person ({role}): name", LeftOut("name", entity.label, role, entity.kind)
                )
                if first(props, "birthDate"):
                    record.leave_out(
                        f"person ({role}): date of birth",
                        LeftOut("birth_date", first(props, "birthDate"), role, entity.kind),
                    )
                for document in _documents(entity):
                    record.leave_out(
                        f"person ({role}): identity document",
                        LeftOut("document", document["key"], role, entity.kind),
                    )
            people.append(person)
        elif entity.kind == EntityKind.VEHICLE:
            country = entity.key.split(":", 1)[0] if ":" in entity.key else None
            vehicle: dict[str, Any] = {
                "role": involvement.role,
                "registration_country": country,
                "make_model": first(props, "model") or None,
            }
            if nominal:
                vehicle.update(
                    plate=first(props, "registrationNumber") or entity.label,
                    vin=first(props, "vinCode") or None,
                    key=entity.key,
                )
            else:
                record.leave_out(
                    f"vehicle ({involvement.role}): plate / VIN",
                    LeftOut("plate", entity.key or entity.label, involvement.role, entity.kind),
                )
            vehicles.append(vehicle)
        elif entity.kind == EntityKind.COMPANY:
            if nominal:
                companies.append(
                    {"role": involvement.role, "name": entity.label, "registration": entity.key}
                )
            else:
                record.leave_out(
                    f"company ({involvement.role})",
                    LeftOut("company", entity.label, involvement.role, entity.kind),
                )
        elif nominal:
            record.content.setdefault("other_entities", []).append(
                {
                    "kind": entity.kind,
                    "role": involvement.role,
                    "label": entity.label,
                    "key": entity.key,
                }
            )
        else:
            record.leave_out(
                f"{entity.kind} ({involvement.role})",
                LeftOut("entity", entity.key or entity.label, involvement.role, entity.kind),
            )
    record.content["persons"] = people
    record.content["vehicles"] = vehicles
    if nominal:
        record.content["companies"] = companies
        record.content["narrative"] = violation.narrative
    elif violation.narrative:
        record.leave_out("narrative", LeftOut("narrative", violation.narrative[:120]))
    return record


def _documents(person: Any) -> list[dict[str, str]]:
    return [
        {"key": relation.target.key, "label": relation.target.label}
        for relation in person.relations_out.filter(kind="holds_document").select_related("target")
    ]


# A violation yields exchange records once verified, and keeps yielding them once linked
# to a case.
EXCHANGEABLE = (ViolationStatus.VERIFIED, ViolationStatus.LINKED)


EXCHANGE_KINDS = ("nominal", "non-nominal")


def violation_exchangeable(violation: Violation) -> bool:
    """Whether ``violation`` yields exchange records (the one rule: pages, API, template)."""
    return violation.status in EXCHANGEABLE


def _exchange_check(violation: Violation) -> None:
    if not violation_exchangeable(violation):
        raise ValidationError({"status": _("Only a verified violation yields exchange records.")})


def violation_exchange_record(*, actor: User, violation: Violation, kind: str) -> CenRecord:
    """The ``kind`` ("nominal" or "non-nominal") record of ``violation``, which the caller
    reached through violation_get_for_user; the hand-over is audited as an export.
    Raises ValidationError (``kind``, ``status``) and records nothing when refused."""
    if kind not in EXCHANGE_KINDS:
        raise ValidationError({"kind": _("Ask for nominal or non-nominal.")})
    _exchange_check(violation)
    record = cen_record(violation, nominal=kind == "nominal")
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=violation,
        changes={"record": kind, "omitted_fields": len(record.omitted)},
    )
    return record


@dataclass
class ExchangePreview:
    non_nominal: CenRecord
    nominal: CenRecord


def violation_exchange_preview(*, actor: User, violation: Violation) -> ExchangePreview:
    """Both records of ``violation`` for the analyst to read before anything is sent;
    audited as a consultation. Raises ValidationError (``status``) when refused."""
    _exchange_check(violation)
    audit_record(
        actor=actor, action=AuditAction.VIEW, obj=violation, changes={"view": "exchange records"}
    )
    return ExchangePreview(
        non_nominal=cen_record(violation, nominal=False),
        nominal=cen_record(violation, nominal=True),
    )
