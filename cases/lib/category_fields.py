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

FieldDefinition = dict[str, Any]


def field(
    name: str,
    label_en: str,
    label_lt: str,
    kind: str = "text",
    *,
    required: bool = False,
    choices: list[tuple[str, str, str]] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> FieldDefinition:
    definition: FieldDefinition = {
        "name": name,
        "label_en": label_en,
        "label_lt": label_lt,
        "type": kind,
        "required": required,
    }
    if choices:
        definition["choices"] = [list(choice) for choice in choices]
    # Bounds of an integer or decimal field; without them the validation's defaults
    # apply (cases.services.categories: 0 to 10^9 for integers, 10^12 for decimals).
    if minimum is not None:
        definition["min"] = minimum
    if maximum is not None:
        definition["max"] = maximum
    return definition


TRANSPORT_MODES = [
    ("road", "Road", "Kelių"),
    ("rail", "Rail", "Geležinkelio"),
    ("sea", "Sea", "Jūrų"),
    ("air", "Air", "Oro"),
    ("post", "Post / courier", "Pašto / kurjerių"),
    ("pedestrian", "On foot", "Pėsčiomis"),
]


DETECTION_METHODS = [
    ("risk_profile", "Risk profiling", "Rizikos profilis"),
    ("intelligence", "Intelligence", "Žvalgybinė informacija"),
    ("xray", "X-ray / scanner", "Rentgeno skeneris"),
    ("dog", "Detector dog", "Tarnybinis šuo"),
    ("random", "Random check", "Atsitiktinis patikrinimas"),
    ("physical", "Physical examination", "Fizinė apžiūra"),
    ("other", "Other", "Kita"),
]


CONCEALMENTS = [
    ("none", "Not concealed", "Neslėpta"),
    ("luggage", "In luggage", "Bagaže"),
    ("body", "On the body", "Ant kūno"),
    ("vehicle_natural", "Natural cavity of a vehicle", "Natūralioje transporto priemonės ertmėje"),
    ("vehicle_built", "Purpose-built compartment", "Specialiai įrengtoje slėptuvėje"),
    ("cargo_mixed", "Mixed with legal cargo", "Tarp legalaus krovinio"),
    ("fuel_tank", "In the fuel tank", "Degalų bake"),
    ("parcel", "In a parcel", "Siuntoje"),
    ("other", "Other", "Kita"),
]


EXCISE_STAMPS = [
    ("none", "No stamps", "Be ženklų"),
    ("lt_genuine", "Genuine Lithuanian", "Tikri Lietuvos"),
    ("foreign", "Foreign", "Užsienio"),
    ("counterfeit", "Counterfeit", "Suklastoti"),
]


COMMON_FIELDS = [
    field(
        "transport_mode",
        "Transport mode",
        "Transporto rūšis",
        "choice",
        required=True,
        choices=TRANSPORT_MODES,
    ),
    field(
        "detection_method",
        "Detection method",
        "Nustatymo būdas",
        "choice",
        required=True,
        choices=DETECTION_METHODS,
    ),
    field("concealment", "Concealment", "Slėpimo būdas", "choice", choices=CONCEALMENTS),
    field("origin_country", "Country of origin", "Kilmės šalis", "country"),
    field("destination_country", "Country of destination", "Paskirties šalis", "country"),
]


CATEGORY_FIELDS: dict[str, list[FieldDefinition]] = {
    "narcotic_drugs": [
        field(
            "drug_type",
            "Drug",
            "Narkotinė medžiaga",
            "choice",
            required=True,
            choices=[
                ("cannabis_herb", "Cannabis (herbal)", "Kanapės (žolė)"),
                ("cannabis_resin", "Cannabis resin", "Kanapių derva"),
                ("cocaine", "Cocaine", "Kokainas"),
                ("heroin", "Heroin", "Heroinas"),
                ("amphetamine", "Amphetamine", "Amfetaminas"),
                ("methamphetamine", "Methamphetamine", "Metamfetaminas"),
                ("mdma", "MDMA / ecstasy", "MDMA / ekstazis"),
                ("other", "Other", "Kita"),
            ],
        ),
        field(
            "field_test_positive", "Field test positive", "Greitasis testas teigiamas", "boolean"
        ),
    ],
    "psychoactive_precursors": [
        field("substance_name", "Substance", "Medžiaga", required=True),
        field("cas_number", "CAS number", "CAS numeris"),
    ],
    "tobacco": [
        field(
            "product_type",
            "Product",
            "Gaminys",
            "choice",
            required=True,
            choices=[
                ("cigarettes", "Cigarettes", "Cigaretės"),
                ("cigars", "Cigars / cigarillos", "Cigarai / cigarilės"),
                ("raw_tobacco", "Raw / cut tobacco", "Žaliavinis / pjaustytas tabakas"),
                ("heated", "Heated tobacco", "Kaitinamasis tabakas"),
                ("water_pipe", "Water-pipe tobacco", "Kaljanų tabakas"),
                ("e_liquid", "E-liquid", "Elektroninių cigarečių skystis"),
            ],
        ),
        field("brand", "Brand", "Prekės ženklas", required=True),
        field("packs", "Packs", "Pakeliai", "integer"),
        field(
            "excise_stamps",
            "Excise stamps",
            "Akcizo ženklai",
            "choice",
            required=True,
            choices=EXCISE_STAMPS,
        ),
    ],
    "alcohol": [
        field("beverage_type", "Beverage", "Gėrimas", required=True),
        field("alcohol_percent", "Alcohol (% vol.)", "Alkoholis (tūrio %)", "decimal", maximum=100),
        field(
            "excise_stamps",
            "Excise stamps",
            "Akcizo ženklai",
            "choice",
            required=True,
            choices=EXCISE_STAMPS,
        ),
    ],
    "fuel": [
        field(
            "fuel_type",
            "Fuel",
            "Degalai",
            "choice",
            required=True,
            choices=[
                ("diesel", "Diesel", "Dyzelinas"),
                ("petrol", "Petrol", "Benzinas"),
                ("lpg", "LPG", "Suskystintos dujos"),
                ("other", "Other", "Kita"),
            ],
        ),
        field(
            "in_standard_tank", "In the vehicle's standard tank", "Standartiniame bake", "boolean"
        ),
    ],
    "bulk_cash": [
        field("currency", "Currency", "Valiuta", "currency", required=True),
        field("amount", "Amount", "Suma", "decimal", required=True),
        field("declared", "Declared", "Deklaruota", "boolean"),
    ],
    "cultural_goods": [
        field("object_type", "Object", "Objektas", required=True),
        field(
            "estimated_age_years", "Estimated age (years)", "Apytikslis amžius (metais)", "integer"
        ),
        field(
            "export_licence", "Export licence presented", "Pateikta eksporto licencija", "boolean"
        ),
    ],
    "cites": [
        field(
            "species", "Species (scientific name)", "Rūšis (mokslinis pavadinimas)", required=True
        ),
        field(
            "specimen_type",
            "Specimen",
            "Egzempliorius",
            "choice",
            required=True,
            choices=[
                ("live", "Live", "Gyvas"),
                ("dead", "Dead", "Negyvas"),
                ("part", "Part", "Dalis"),
                ("derivative", "Derivative", "Gaminys"),
            ],
        ),
        field(
            "cites_appendix",
            "CITES appendix",
            "CITES priedas",
            "choice",
            choices=[("I", "I", "I"), ("II", "II", "II"), ("III", "III", "III")],
        ),
        field("permit_presented", "CITES permit presented", "Pateiktas CITES leidimas", "boolean"),
    ],
    "counterfeit_ipr": [
        field(
            "brand_owner",
            "Brand / right holder",
            "Prekės ženklas / teisių turėtojas",
            required=True,
        ),
        field("product_type", "Product", "Gaminys", required=True),
        field("items", "Items", "Vienetai", "integer"),
    ],
    "weapons_dual_use": [
        field(
            "item_type",
            "Item",
            "Daiktas",
            "choice",
            required=True,
            choices=[
                ("firearm", "Firearm", "Šaunamasis ginklas"),
                ("ammunition", "Ammunition", "Šaudmenys"),
                ("explosive", "Explosive", "Sprogmenys"),
                ("dual_use", "Dual-use good", "Dvejopo naudojimo prekė"),
                ("other", "Other", "Kita"),
            ],
        ),
        field("serial_number", "Serial number", "Serijos numeris"),
        field("licence_presented", "Licence presented", "Pateikta licencija", "boolean"),
    ],
    "sanctions": [
        field("sanctions_regime", "Sanctions regime", "Sankcijų režimas", required=True),
        field(
            "listed_party",
            "Listed person or company involved",
            "Susijęs į sąrašą įtrauktas asmuo",
            "boolean",
        ),
    ],
    "internet_parcels": [
        field("platform", "Platform / shop", "Platforma / parduotuvė"),
        field("tracking_number", "Tracking number", "Siuntos sekimo numeris", required=True),
        field("declared_value_eur", "Declared value (EUR)", "Deklaruota vertė (EUR)", "decimal"),
    ],
    "false_documents": [
        field("document_type", "Document", "Dokumentas", required=True),
        field("issuing_country", "Issuing country", "Išdavusi šalis", "country"),
    ],
    "other": [],
}


CATEGORIES: list[tuple[str, str, str]] = [
    ("narcotic_drugs", "Narcotic drugs", "Narkotinės medžiagos"),
    (
        "psychoactive_precursors",
        "Psychoactive substances and precursors",
        "Psichoaktyviosios medžiagos ir pirmtakai",
    ),
    ("tobacco", "Tobacco products", "Tabako gaminiai"),
    ("alcohol", "Alcohol", "Alkoholis"),
    ("fuel", "Fuel", "Degalai"),
    ("bulk_cash", "Bulk cash", "Grynieji pinigai"),
    ("cultural_goods", "Cultural goods", "Kultūros vertybės"),
    ("cites", "CITES (protected species)", "CITES (saugomos rūšys)"),
    ("counterfeit_ipr", "Counterfeit goods / IPR", "Padirbtos prekės / IN teisės"),
    (
        "weapons_dual_use",
        "Weapons, explosives and dual-use goods",
        "Ginklai, sprogmenys ir dvejopo naudojimo prekės",
    ),
    (
        "sanctions",
        "Sanctioned goods and sanctions evasion",
        "Sankcionuotos prekės ir sankcijų apėjimas",
    ),
    ("internet_parcels", "Internet-trade parcels", "Elektroninės prekybos siuntos"),
    ("false_documents", "False documents / declarations", "Suklastoti dokumentai / deklaracijos"),
    ("other", "Other", "Kita"),
]


def category_definitions() -> list[dict[str, Any]]:
    """Rows to seed: code, names, order and the full field list (common + own)."""
    return [
        {
            "code": code,
            "name_en": name_en,
            "name_lt": name_lt,
            "sort_order": (index + 1) * 10,
            "field_definitions": COMMON_FIELDS + CATEGORY_FIELDS[code],
        }
        for index, (code, name_en, name_lt) in enumerate(CATEGORIES)
    ]
