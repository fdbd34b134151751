"""The seeded violation categories and the facts each one asks for.

Aligned with the WCO Customs Enforcement Network (CEN) commodity reporting templates:
every seizure report carries the transport mode, how the goods were detected and
concealed, and the route; each commodity adds what its own template requires (drug
type, cigarette brand and excise stamps, currency and declaration, CITES species...).
A definition is data: administrators can edit it, forms and validation read it.

Field types: text, integer, decimal (both with optional "min" and "max"), choice, boolean,
country (ISO 3166 alpha-2), currency (ISO 4217).
"""

from typing import Any

from django.utils import translation

# The labels below are marked for the catalogue (`makemessages` collects them) but kept
# in English here: the Lithuanian label of each is taken from the catalogue when the
# definitions are built, so that one glossary (docs/glossary.md) governs both.
from django.utils.translation import gettext_noop as _

FieldDefinition = dict[str, Any]


def lithuanian(text: str) -> str:
    """``text`` as the Lithuanian catalogue has it."""
    with translation.override("lt"):
        return translation.gettext(text)


def field(
    name: str,
    label: str,
    kind: str = "text",
    *,
    required: bool = False,
    choices: list[tuple[str, str]] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> FieldDefinition:
    """One field of a category's form: ``label`` in English, its Lithuanian from the
    catalogue; ``choices`` as (value, English label)."""
    definition: FieldDefinition = {
        "name": name,
        "label_en": label,
        "label_lt": lithuanian(label),
        "type": kind,
        "required": required,
    }
    if choices:
        definition["choices"] = [[value, text, lithuanian(text)] for value, text in choices]
    # Bounds of an integer or decimal field; without them the validation's defaults
    # apply (cases.services.categories: 0 to 10^9 for integers, 10^12 for decimals).
    if minimum is not None:
        definition["min"] = minimum
    if maximum is not None:
        definition["max"] = maximum
    return definition


TRANSPORT_MODES = [
    ("road", _("Road")),
    ("rail", _("Rail")),
    ("sea", _("Sea")),
    ("air", _("Air")),
    ("post", _("Post / courier")),
    ("pedestrian", _("On foot")),
]


DETECTION_METHODS = [
    ("risk_profile", _("Risk profiling")),
    ("intelligence", _("Intelligence")),
    ("xray", _("X-ray / scanner")),
    ("dog", _("Detector dog")),
    ("random", _("Random check")),
    ("physical", _("Physical examination")),
    ("other", _("Other")),
]


CONCEALMENTS = [
    ("none", _("Not concealed")),
    ("luggage", _("In luggage")),
    ("body", _("On the body")),
    ("vehicle_natural", _("Natural cavity of a vehicle")),
    ("vehicle_built", _("Purpose-built compartment")),
    ("cargo_mixed", _("Mixed with legal cargo")),
    ("fuel_tank", _("In the fuel tank")),
    ("parcel", _("In a parcel")),
    ("other", _("Other")),
]


EXCISE_STAMPS = [
    ("none", _("No stamps")),
    ("lt_genuine", _("Genuine Lithuanian")),
    ("foreign", _("Foreign")),
    ("counterfeit", _("Counterfeit")),
]


def common_fields() -> list[FieldDefinition]:
    """The facts every seizure report carries (built when called: see lithuanian())."""
    return [
        field(
            "transport_mode",
            _("Transport mode"),
            "choice",
            required=True,
            choices=TRANSPORT_MODES,
        ),
        field(
            "detection_method",
            _("Detection method"),
            "choice",
            required=True,
            choices=DETECTION_METHODS,
        ),
        field("concealment", _("Concealment"), "choice", choices=CONCEALMENTS),
        field("origin_country", _("Country of origin"), "country"),
        field("destination_country", _("Country of destination"), "country"),
    ]


def category_fields() -> dict[str, list[FieldDefinition]]:
    """Each category's own facts, by category code."""
    return {
        "narcotic_drugs": [
            field(
                "drug_type",
                _("Drug"),
                "choice",
                required=True,
                choices=[
                    ("cannabis_herb", _("Cannabis (herbal)")),
                    ("cannabis_resin", _("Cannabis resin")),
                    ("cocaine", _("Cocaine")),
                    ("heroin", _("Heroin")),
                    ("amphetamine", _("Amphetamine")),
                    ("methamphetamine", _("Methamphetamine")),
                    ("mdma", _("MDMA / ecstasy")),
                    ("other", _("Other")),
                ],
            ),
            field("field_test_positive", _("Field test positive"), "boolean"),
        ],
        "psychoactive_precursors": [
            field("substance_name", _("Substance"), required=True),
            field("cas_number", _("CAS number")),
        ],
        "tobacco": [
            field(
                "product_type",
                _("Product"),
                "choice",
                required=True,
                choices=[
                    ("cigarettes", _("Cigarettes")),
                    ("cigars", _("Cigars / cigarillos")),
                    ("raw_tobacco", _("Raw / cut tobacco")),
                    ("heated", _("Heated tobacco")),
                    ("water_pipe", _("Water-pipe tobacco")),
                    ("e_liquid", _("E-liquid")),
                ],
            ),
            field("brand", _("Brand"), required=True),
            field("packs", _("Packs"), "integer"),
            field(
                "excise_stamps",
                _("Excise stamps"),
                "choice",
                required=True,
                choices=EXCISE_STAMPS,
            ),
        ],
        "alcohol": [
            field("beverage_type", _("Beverage"), required=True),
            field("alcohol_percent", _("Alcohol (% vol.)"), "decimal", maximum=100),
            field(
                "excise_stamps",
                _("Excise stamps"),
                "choice",
                required=True,
                choices=EXCISE_STAMPS,
            ),
        ],
        "fuel": [
            field(
                "fuel_type",
                _("Fuel"),
                "choice",
                required=True,
                choices=[
                    ("diesel", _("Diesel")),
                    ("petrol", _("Petrol")),
                    ("lpg", _("LPG")),
                    ("other", _("Other")),
                ],
            ),
            field("in_standard_tank", _("In the vehicle's standard tank"), "boolean"),
        ],
        "bulk_cash": [
            field("currency", _("Currency"), "currency", required=True),
            field("amount", _("Amount"), "decimal", required=True),
            field("declared", _("Declared"), "boolean"),
        ],
        "cultural_goods": [
            field("object_type", _("Object"), required=True),
            field("estimated_age_years", _("Estimated age (years)"), "integer"),
            field("export_licence", _("Export licence presented"), "boolean"),
        ],
        "cites": [
            field("species", _("Species (scientific name)"), required=True),
            field(
                "specimen_type",
                _("Specimen"),
                "choice",
                required=True,
                choices=[
                    ("live", _("Live animal or plant")),
                    ("dead", _("Dead animal or plant")),
                    ("part", _("Part")),
                    ("derivative", _("Derivative")),
                ],
            ),
            field(
                "cites_appendix",
                _("CITES appendix"),
                "choice",
                choices=[("I", _("I")), ("II", _("II")), ("III", _("III"))],
            ),
            field("permit_presented", _("CITES permit presented"), "boolean"),
        ],
        "counterfeit_ipr": [
            field(
                "brand_owner",
                _("Brand / right holder"),
                required=True,
            ),
            field("product_type", _("Product"), required=True),
            field("items", _("Items"), "integer"),
        ],
        "weapons_dual_use": [
            field(
                "item_type",
                _("Item"),
                "choice",
                required=True,
                choices=[
                    ("firearm", _("Firearm")),
                    ("ammunition", _("Ammunition")),
                    ("explosive", _("Explosive")),
                    ("dual_use", _("Dual-use good")),
                    ("other", _("Other")),
                ],
            ),
            field("serial_number", _("Serial number")),
            field("licence_presented", _("Licence presented"), "boolean"),
        ],
        "sanctions": [
            field("sanctions_regime", _("Sanctions regime"), required=True),
            field(
                "listed_party",
                _("Listed person or company involved"),
                "boolean",
            ),
        ],
        "internet_parcels": [
            field("platform", _("Platform / shop")),
            field("tracking_number", _("Tracking number"), required=True),
            field("declared_value_eur", _("Declared value (EUR)"), "decimal"),
        ],
        "false_documents": [
            field("document_type", _("Document"), required=True),
            field("issuing_country", _("Issuing country"), "country"),
        ],
        "other": [],
    }


CATEGORIES: list[tuple[str, str]] = [
    ("narcotic_drugs", _("Narcotic drugs")),
    ("psychoactive_precursors", _("Psychoactive substances and precursors")),
    ("tobacco", _("Tobacco products")),
    ("alcohol", _("Alcohol")),
    ("fuel", _("Fuel")),
    ("bulk_cash", _("Bulk cash")),
    ("cultural_goods", _("Cultural goods")),
    ("cites", _("CITES (protected species)")),
    ("counterfeit_ipr", _("Counterfeit goods / IPR")),
    ("weapons_dual_use", _("Weapons, explosives and dual-use goods")),
    ("sanctions", _("Sanctioned goods and sanctions evasion")),
    ("internet_parcels", _("Internet-trade parcels")),
    ("false_documents", _("False documents / declarations")),
    ("other", _("Other")),
]


def category_definitions() -> list[dict[str, Any]]:
    """Rows to seed: code, names, order and the full field list (common + own). Built
    when called, so that the Lithuanian comes from the compiled catalogue."""
    return [
        {
            "code": code,
            "name_en": name,
            "name_lt": lithuanian(name),
            "sort_order": (index + 1) * 10,
            "field_definitions": common_fields() + category_fields()[code],
        }
        for index, (code, name) in enumerate(CATEGORIES)
    ]
