"""An exchange record (cases.services.exchange) as a partner agency's officer reads it:
headings, labelled values in words, goods as a table; and what the non-nominal record
leaves out, said in sentences. Reads nothing from the database beyond the violation's
category, which the caller has already loaded."""

from collections import defaultdict
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import EntityKind, GoodsLine, InvolvementRole, Violation
from cases.services.categories import field_label
from cases.services.exchange import CenRecord, LeftOut
from cases.templatetags.cases_tags import quantity_text
from portal.lib.language import is_lithuanian

Row = tuple[str, str]

# Facts the record carries under fixed names (the category's fields of the same keys).
ROUTE_FACTS = ("transport_mode", "detection_method", "concealment")


def _blank(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)


def _choice_text(definition: dict[str, Any] | None, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    for choice in (definition or {}).get("choices", []):
        if choice[0] == value:
            return str(choice[2] if is_lithuanian() else choice[1])
    return str(value)


def _age_band(band: str) -> str:
    if not band or band == "unknown":
        return _("Unknown")
    low, _dash, high = band.partition("-")
    return _("%(low)s to %(high)s years") % {"low": low, "high": high}


def _role(role: str) -> str:
    return str(dict(InvolvementRole.choices).get(role, role))


def exchange_record_for_reading(record: CenRecord, violation: Violation) -> dict[str, Any]:
    """Sections of the record: each a title with (label, value) rows, and the goods, the
    people, the vehicles and the companies as lists of rows."""
    content = record.content
    seizure = content["seizure"]
    definitions = {d["name"]: d for d in violation.category.field_definitions}
    place = seizure.get("place") or {}
    when = violation.occurred_at
    coordinates = (
        f"{place['latitude']}, {place['longitude']}" if place.get("latitude") is not None else "—"
    )
    seizure_rows: list[Row] = [
        (_("Reference"), seizure["reference"]),
        (_("Reporting country"), seizure["reporting_country"]),
        (_("Date"), date_format(when, "DATE_FORMAT", use_l10n=True)),
        (_("Time"), _blank(seizure.get("time"))),
        (_("Category"), str(violation.category.name)),
        (_("Border crossing point"), _blank(place.get("crossing_point_name"))),
        (_("Place, to about a kilometre"), coordinates),
    ]
    route_rows: list[Row] = [
        (
            field_label(definitions[key]) if key in definitions else key,
            _choice_text(definitions.get(key), seizure.get(key)),
        )
        for key in ROUTE_FACTS
    ]
    route = seizure.get("route") or {}
    route_rows += [
        (_("Country of origin"), _blank(route.get("origin"))),
        (_("Country of destination"), _blank(route.get("destination"))),
    ]
    fact_rows: list[Row] = [
        (
            field_label(definitions[key]) if key in definitions else key,
            _choice_text(definitions.get(key), value),
        )
        for key, value in (seizure.get("commodity_facts") or {}).items()
    ]
    goods = [
        {
            "hs_code": line["hs_code"],
            "description": _blank(line.get("description")),
            "quantity": quantity_text(
                GoodsLine(quantity=line["quantity"], quantity_unit=line["unit"])
            ),
            "value_eur": _blank(line.get("value_eur")),
            "seized": _("Yes") if line.get("seized") else _("No"),
        }
        for line in seizure.get("goods", [])
    ]
    people = []
    for person in content.get("persons", []):
        rows: list[Row] = []
        if record.nominal:
            rows.append((_("Name"), _blank(person.get("name"))))
            rows.append((_("Date of birth"), _blank(person.get("birth_date"))))
        rows += [
            (_("Nationality"), _blank(person.get("nationality"))),
            (_("Age"), _age_band(person.get("age_band", ""))),
        ]
        if record.nominal:
            documents = ", ".join(d["key"] for d in person.get("documents", []))
            rows.append((_("Identity documents"), _blank(documents)))
        people.append({"role": _role(person.get("role", "")), "rows": rows})
    vehicles = []
    for vehicle in content.get("vehicles", []):
        rows = [
            (_("Country of registration"), _blank(vehicle.get("registration_country"))),
            (_("Make and model"), _blank(vehicle.get("make_model"))),
        ]
        if record.nominal:
            rows += [
                (_("Plate"), _blank(vehicle.get("plate"))),
                (_("VIN"), _blank(vehicle.get("vin"))),
            ]
        vehicles.append({"role": _role(vehicle.get("role", "")), "rows": rows})
    companies = [
        {
            "role": _role(company.get("role", "")),
            "rows": [
                (_("Company name"), _blank(company.get("name"))),
                (_("Registration"), _blank(company.get("registration"))),
            ],
        }
        for company in content.get("companies", [])
    ]
    kinds = dict(EntityKind.choices)
    others = [
        {
            "role": _role(other.get("role", "")),
            "rows": [
                (_("Kind"), str(kinds.get(other.get("kind"), other.get("kind")))),
                (_("Name or title"), _blank(other.get("label"))),
                (_("Identifier"), _blank(other.get("key"))),
            ],
        }
        for other in content.get("other_entities", [])
    ]
    return {
        "sections": [
            {"title": _("The seizure"), "rows": seizure_rows},
            {"title": _("How it was found and where it went"), "rows": route_rows},
            {"title": _("Facts of the category"), "rows": fact_rows},
        ],
        "goods": goods,
        "people": people,
        "vehicles": vehicles,
        "companies": companies,
        "others": others,
        "narrative": content.get("narrative") if record.nominal else None,
    }


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def left_out_in_words(record: CenRecord, violation: Violation) -> list[str]:
    """What the non-nominal record leaves out, one sentence for each person, vehicle,
    company or fact, and what is sent of them instead."""
    definitions = {d["name"]: d for d in violation.category.field_definitions}
    sentences: list[str] = []
    by_party: dict[tuple[str, str], list[LeftOut]] = defaultdict(list)
    for item in record.left_out:
        if item.what == "narrative":
            sentences.append(
                _("The narrative (what happened, in the officer's words) is left out.")
            )
        elif item.what == "detail":
            label = field_label(definitions[item.kind]) if item.kind in definitions else item.kind
            sentences.append(_("%(fact)s is left out.") % {"fact": label})
        else:
            by_party[(item.role, item.kind)].append(item)
    person_parts = {
        "name": _("the name"),
        "birth_date": _("the date of birth"),
        "document": _("the identity document"),
    }
    for (role, kind), items in by_party.items():
        whats = list(dict.fromkeys(item.what for item in items))
        if kind == EntityKind.PERSON:
            sentences.append(
                _("%(role)s: %(parts)s are left out; the nationality and the age band are sent.")
                % {"role": _role(role), "parts": _join([str(person_parts[w]) for w in whats])}
            )
        elif kind == EntityKind.VEHICLE:
            sentences.append(
                _(
                    "%(role)s: the plate and the VIN are left out; the country of "
                    "registration and the make are sent."
                )
                % {"role": _role(role)}
            )
        elif kind == EntityKind.COMPANY:
            sentences.append(
                _("%(role)s: the company (its name and registration) is left out.")
                % {"role": _role(role)}
            )
        else:
            sentences.append(
                _("%(role)s: the %(kind)s is left out.")
                % {
                    "role": _role(role),
                    "kind": str(dict(EntityKind.choices).get(kind, kind)).lower(),
                }
            )
    sentences.append(_("The officer who reported the violation is named in neither record."))
    return sentences


def left_out_values(record: CenRecord, violation: Violation) -> list[Row]:
    """Each value kept at home, named in words ("Driver: the name")."""
    definitions = {d["name"]: d for d in violation.category.field_definitions}
    names = {
        "name": _("the name"),
        "birth_date": _("the date of birth"),
        "document": _("the identity document"),
        "plate": _("the plate or VIN"),
        "company": _("the company"),
    }
    rows: list[Row] = []
    for item in record.left_out:
        if item.what == "narrative":
            rows.append((_("The narrative"), item.value))
        elif item.what == "detail":
            label = field_label(definitions[item.kind]) if item.kind in definitions else item.kind
            rows.append((label, item.value))
        else:
            what = names.get(item.what) or str(dict(EntityKind.choices).get(item.kind, item.kind))
            rows.append((f"{_role(item.role)}: {what}", item.value))
    return rows
