"""Demo data for `make run`: two investigation cases of the demo analysts around real,
openly licensed data, so that the case chart, the dossiers, cross-case hits, the
timeline, the case map and search have something to show.

The registry data is a trimmed copy of the German Bundestag's published party donations
(``cases/data/demo-party-donations.ftm.jsonl``; origin, licence and trim in
``cases/data/SOURCES.md``), imported through the product's own FtM import, so the donors,
parties and addresses become registry entities and each donation a Payment relation with
its date and amount, all with the import's provenance.

Nothing in the demo says that anyone named in the public records did wrong: the cases are
framed as exercises on public data, and the demo violations (two cigarette seizures)
involve only invented people, a vehicle and a carrier (with its yard in Vilnius), which no
relation ties to the real records. The public records carry no coordinates: the seed
places their addresses in their towns (ADDRESS_COORDINATES), so that the case map shows
them.

The restricted case is led by a second analyst, so that the demo analyst meets the "a
match exists in a restricted case" message. Safe to run again: once the demo cases exist
nothing is read, imported or written."""

import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    Entity,
    InvolvementRole,
    PortalLink,
    Relation,
    ViolationCategory,
)
from cases.services.case_chart import case_chart_save
from cases.services.case_content import case_event_add, case_note_add
from cases.services.case_work import case_task_add
from cases.services.entities import entity_resolve, relation_add, violation_entity_link
from cases.services.ftm import ftm_import
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_member_add,
    case_violation_link,
)
from cases.services.violations import ViolationInput, violation_create
from portal.models import AuditAction, Course, User
from portal.roles import Role
from portal.services.accounts import user_create
from portal.services.audit import audit_record
from portal.services.gate import exemption_grant

DEMO_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "demo-party-donations.ftm.jsonl"

OPEN_TITLE = "Donors to several parties, 2002-2011 (demo on public data)"
RESTRICTED_TITLE = "Finance-sector donors (restricted demo on public data)"

# FtM ids in the demo file (the Bundestag records' own ids, kept by the import).
CDU = "c326dd8021ee75fe9608f31ecb4e2e7388144102"
CSU = "6d8377d3938b85fa1bfd1985486f0f913c42e224"
FDP = "783d918df9f9178400d6b3386439ab3b3679979c"
SPD = "7202347006660188aab5c1e264c4bee948478fd6"
GREENS = "d10764ddf47ca220527d385fc8fbaa62114408e4"
DEUTSCHE_BANK = "35f155f912b07b4ab69a8895064e88026378691b"
COMMERZBANK = "16f641c4240df753ca80049718afcf708d2880fa"

# The open case: the five parties and the donors from industry, energy and banking.
OPEN_CASE_ENTITIES: list[tuple[str, str]] = [
    (CDU, "Recipient"),
    (CSU, "Recipient"),
    (FDP, "Recipient"),
    (SPD, "Recipient"),
    (GREENS, "Recipient"),
    ("62ad0fe6f56dbbf6fee57ce3da76e88c437024d5", "Largest single donation in the set"),
    ("69401823a9f0a97cfdc37afa7c3158374e007669", "Gave to four parties"),
    ("831e4ad076f5877c4adcdd406f972a516ec9558b", "Gave to two parties"),
    ("10dff5c0f7e79dd407683deec273a95555acb02b", "Gave to two parties"),
    ("21cc81bf3b960d2847b66c6c862e7aa9b5e4f487", "Gave to four parties"),
    ("66ce9f62af8c7d329506da41cb7c36ba058b3d28", "Gave to two parties"),
    ("187e2f6e4aebe4d7119da679f10c4588e74bcabf", "Earlier name of the same donor?"),
    ("2d3e50433e36ebe16f3d906b684c9d5124c46d76", "Shares an address with another donor"),
    ("4cd8367bbcdfe2d260e042e125791542081a562e", "Shares an address with another donor"),
    ("2e9f447062b8930f5a4015dd34de4c52475a3fe3", "Gave to two parties"),
    ("809288ea365b853156b357c5f06df41f9afc400b", "Gave to two parties"),
    ("225485d4ec56313a8b6cca1ea2a0623d0674ca8b", "Gave to two parties"),
    (DEUTSCHE_BANK, "Gave to three parties"),
    (COMMERZBANK, "Gave to three parties"),
]

# The restricted case: the insurers and financial advisers, with two banks and two
# parties it shares with the open case (the cross-case hits).
RESTRICTED_CASE_ENTITIES: list[tuple[str, str]] = [
    ("efccc434cdf141c7ba6f6e539bb6b42ecd97c368", "Group parent"),
    ("8359642c7532dbc8979be55bd1e793e8278b3416", "Same address as the group parent"),
    ("7eaf97b73ab0725db71949e9d4e4239dd02311df", "Same address as the group parent"),
    ("9e53f9608dea91f3faca8ba6f47b20038cd73905", "Financial adviser"),
    ("57d0ab1838434c8199793c7896d05c3310f895ed", "Same address as the adviser"),
    ("4ec95eee36917fe8d5c8f51d00dcd707e1b8be02", "Private bank"),
    (DEUTSCHE_BANK, "Also in the open case"),
    (COMMERZBANK, "Also in the open case"),
    (CDU, "Recipient"),
    (FDP, "Recipient"),
]

# The parties in the order they stand on the chart's inner ring, so that each donor
# comes to stand near the parties it gave to.
PARTY_RING = [CSU, CDU, FDP, GREENS, SPD]
# Small enough for the whole picture to stand readable in the chart's frame.
PARTY_RADIUS = 130
DONOR_RADIUS = 340
# The donors' addresses on a ring outside the donors', a donor's several ones fanned
# out this far apart (radians) round its bearing.
ADDRESS_RADIUS = 470
ADDRESS_FAN = 0.14

# Where the demo's addresses stand (FtM id: latitude, longitude), as a geocoder would
# place them: on the street the address names, in its town (all in Germany, as the
# Bundestag's records are), to about 100 m. The file carries no coordinates (nothing is
# looked up over the network), so without these the addresses are on the link chart
# but not on the case map. ", Berlin / Bonn" names two towns and no street: no single
# place, so no coordinates, as a geocoder would leave it.
ADDRESS_COORDINATES: dict[str, tuple[float, float]] = {
    # München
    "fb9bebe5105ed916004e294a6d9048eac65e3ece": (48.1429, 11.5707),  # Max-Joseph-Str. 5
    "76a792dd2e18125caa570c527eeaebac6c24c63b": (48.1598, 11.5885),  # Königinstr. 28
    "ae7a2c4a159adc0d94a3bcc7876f952db534ce3b": (48.1598, 11.5885),  # Königinstr. 28
    "71fc57d5789f3a0da3a60cd62960d5d775963da9": (48.1767, 11.5560),  # Petuelring 130
    # Stuttgart
    "98ecf36834d28df75b188091d34469cb35de3475": (48.7468, 9.1659),  # Löffelstr. 22-24
    "5ecdd47d32a5a1934ec9493657ddd614ac368263": (48.7867, 9.2283),  # Mercedesstr. 137
    "a3689d27e45c18c0846b9b4c26d998347bc9d58d": (48.7226, 9.1561),  # Epplestr. 225
    "65bed17a5b6543acc7c55a17e946e699fd1a2d71": (48.7226, 9.1561),  # Epplestr. 225
    "24d70758272ce499d8d30655392ef2b253a980eb": (48.7239, 9.1487),  # 70546, no street
    # Düsseldorf
    "e78feb8fdb0ad971f70e133aad3b7e3cfec753da": (51.2507, 6.7584),  # Uerdinger Str. 58-62
    "f5cb2c9152ced393100dd3b15d1621fa58048223": (51.2505, 6.7586),  # Uerdinger Str. 58
    "63a681d9501df9417522f0007eec512c1261ca5c": (51.2506, 6.7585),  # Uerdinger Str. 56-62
    "23803b7a0f1527c813bcbb4ee319a1355b774cd3": (51.2339, 6.7838),  # E.ON-Platz 1
    # Frankfurt am Main and Bad Homburg
    "3c5eb712877de7f3f69f16e73495dce7d82ceb14": (50.1087, 8.6700),  # Münchener Str. 1
    "bb1c08415f0dbdb67336be16162214abf2ce18e9": (50.1086, 8.6662),  # Karlstr. 21
    "2eca2ca3c62cc7037d4525188de88747a37df32b": (50.1086, 8.6662),  # Karlstr. 21
    "feb9ccf1ec64ea1346efa42b7b161fc480072b8a": (50.1088, 8.6659),  # Karlstr. 23
    "d70a0a25cca59128f17b0311336ebbda7a6939d1": (50.1138, 8.6685),  # Taunusanlage 12
    "6588b034ebfad4b02d0ed9ab8403123b9da23ab4": (50.1138, 8.6685),  # Taunusanlage 12
    "2612b906de591841e328c7bee92247f5c0d2129d": (50.1138, 8.6685),  # Taunusanlage 12
    "c084628c2aa1e0b8b96abc18f072d74acc8a56d2": (50.1143, 8.6436),  # Theodor-Heuss-Allee 70
    "8192808fca93c172b95f8bd1d2b7854fa5216d94": (50.1108, 8.6745),  # Kaiserplatz
    "2c42a6ff38354647909b5223a5df19640fb73d5b": (50.2195, 8.6337),  # Seedammweg 55
    # Essen and Köln
    "21b76e12440e1d256ed30a045f5987945400b0f9": (51.4475, 7.0139),  # Rellinghauser Str. 1-11
    "f2c4c7cf3596a0b28be11ec582435ce146f9899c": (51.4475, 7.0139),  # Rellinghauser Str. 1-11
    "ae81e47c0923fdc6b3e9f4a1326962d835904a80": (50.9425, 6.9560),  # Unter Sachsenhausen 4
}

MEDININKAI = Point(25.6536, 54.5395, srid=4326)
SALCININKAI = Point(25.3866, 54.3095, srid=4326)


@dataclass(frozen=True)
class InventedParties:
    """The invented people, vehicle and carrier of the demo seizures."""

    truck: Entity
    carrier: Entity
    driver: Entity
    depot: Entity


def _second_analyst(unit_of: User) -> User:
    """The second demo analyst, in force as an analyst: where a course gates the role
    (the training demo runs before this seed), an administrator exempts her for the
    year, since the demo's training records know nothing of her."""
    colleague = User.objects.filter(username="analyst2").first()
    if colleague is None:
        colleague = user_create(
            actor=None,
            username="analyst2",
            password=None,  # a colleague to contact; the demo signs in as "analyst"
            roles=[Role.ANALYST],
            org_unit=unit_of.org_unit,
            first_name="Eglė",
            last_name="Petraitienė",
            email="analyst2@customs.example",
        )
    admin = User.objects.filter(username="admin").first()
    gated = Course.objects.filter(is_active=True, qualifies_role=Role.ANALYST).exists()
    if admin is not None and gated and not colleague.has_perm("cases.change_case"):
        exemption_grant(
            actor=admin,
            person=colleague,
            role=Role.ANALYST,
            until=timezone.localdate() + timedelta(days=364),
            reason="Demo colleague without training records in the demo data",
        )
        # A fresh read: the permissions of the object above were read before the grant.
        colleague = User.objects.get(pk=colleague.pk)
    return colleague


def _import_public_records(actor: User) -> tuple[dict[str, Entity], str]:
    """The demo file through the registry's FtM import; the entities by FtM id and a
    line saying what came in."""
    content = DEMO_DATA_FILE.read_bytes()
    result = ftm_import(
        actor=actor,
        lines=content.decode("utf-8").splitlines(),
        source_name=DEMO_DATA_FILE.name,
        content=content,
    )
    wanted = {ftm_id for ftm_id, _ in [*OPEN_CASE_ENTITIES, *RESTRICTED_CASE_ENTITIES]}
    by_ftm_id = {entity.ftm_id or "": entity for entity in Entity.objects.filter(ftm_id__in=wanted)}
    summary = (
        f"Public records imported: {result.entities_created} entities, "
        f"{result.relations_created} payments ({DEMO_DATA_FILE.name})"
    )
    return by_ftm_id, summary


def _address_coordinates_add(actor: User) -> None:
    """The demo addresses' coordinates (ADDRESS_COORDINATES) as their FtM latitude and
    longitude, which the case map and the dossier's map read; the import's provenance
    stays, the audit trail says who added them and why."""
    for address in Entity.objects.filter(kind="Address", ftm_id__in=list(ADDRESS_COORDINATES)):
        latitude, longitude = ADDRESS_COORDINATES[address.ftm_id or ""]
        address.properties = {
            **(address.properties or {}),
            "latitude": [f"{latitude:.4f}"],
            "longitude": [f"{longitude:.4f}"],
        }
        address.save(update_fields=["properties", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=address,
            changes={"latitude": latitude, "longitude": longitude},
            reason="Demo data: the address placed on the map",
        )


def _invented_parties(analyst: User) -> InventedParties:
    truck, _ = entity_resolve(
        actor=analyst, kind="vehicle", values={"plate": "KLM 482", "plate_country": "LT"}
    )
    carrier, _ = entity_resolve(
        actor=analyst,
        kind="company",
        values={"name": "UAB Šaltas Kelias", "registration_code": "305123458", "country": "LT"},
    )
    driver, _ = entity_resolve(
        actor=analyst,
        kind="person",
        values={"first_name": "Andrei", "last_name": "Kovalenko"},
        properties={"birth_date": "1979-04-12", "nationality": "BY"},
    )
    # The carrier's yard in Vilnius's Kirtimai industrial area, by the ring road to the
    # Medininkai and Šalčininkai crossings (number invented, like the carrier).
    depot, _ = entity_resolve(
        actor=analyst,
        kind="Address",
        values={
            "label": "Kirtimų g. 97, Vilnius",
            "address": "Kirtimų g. 97, Vilnius",
            "city": "Vilnius",
            "country": "LT",
        },
        properties={"latitude": ["54.6441"], "longitude": ["25.2718"]},
    )
    today = timezone.localdate()
    relation_add(
        actor=analyst,
        source=carrier,
        target=depot,
        kind=PortalLink.HAS_ADDRESS,
        provenance="CMR consignment notes of both seizures",
    )
    relation_add(
        actor=analyst,
        source=carrier,
        target=driver,
        kind="Employment",
        provenance="CMR consignment notes of both seizures",
        valid_from=today - timedelta(days=400),
    )
    relation_add(
        actor=analyst,
        source=carrier,
        target=truck,
        kind="Ownership",
        provenance="Vehicle registration",
        valid_from=today - timedelta(days=33),
    )
    return InventedParties(truck=truck, carrier=carrier, driver=driver, depot=depot)


def _seizures(officer: User, invented: InventedParties) -> list:
    """Two invented cigarette seizures, each involving the invented driver, truck and
    carrier."""
    now = timezone.now()
    tobacco = ViolationCategory.objects.get(code="tobacco")
    seizures = []
    for days, place, point, narrative in [
        (12, "Medininkai, lorry lane 3", MEDININKAI, "12,000 packs behind frozen fish."),
        (5, "Šalčininkai, lorry lane 1", SALCININKAI, "8,500 packs in the trailer's false floor."),
    ]:
        violation = violation_create(
            actor=officer,
            data=ViolationInput(
                occurred_at=now - timedelta(days=days),
                category=tobacco,
                location=point,
                location_accuracy_m=10,
                location_source="gps",
                place_description=place,
                narrative=narrative,
            ),
        )[0]
        for entity, role in [
            (invented.driver, InvolvementRole.DRIVER),
            (invented.truck, InvolvementRole.VEHICLE_USED),
            (invented.carrier, InvolvementRole.CARRIER),
        ]:
            violation_entity_link(actor=officer, violation=violation, entity=entity, role=role)
        seizures.append(violation)
    return seizures


def _open_case(
    *,
    analyst: User,
    colleague: User,
    records: dict[str, Entity],
    invented: InventedParties,
    seizures: list,
) -> Case:
    now = timezone.now()
    case = case_create(
        actor=analyst,
        data=CaseInput(
            title=OPEN_TITLE,
            summary=(
                "Demo case on real public data: party donations above EUR 50,000 as the "
                "German Bundestag publishes them, 2002-2011, for the donors that gave to two "
                "or more parties. It is here to practise the payment chart, the timeline and "
                "cross-case hits; nothing in it says that any donor or party broke a law. "
                "The two cigarette seizures, their driver, truck and carrier are invented "
                "and have no tie to the donation records."
            ),
            status="active",
            priority=3,
        ),
    )
    case_member_add(actor=analyst, case=case, user=colleague, role="analyst")
    for ftm_id, reason in OPEN_CASE_ENTITIES:
        case_entity_link(actor=analyst, case=case, entity=records[ftm_id], reason=reason)
    for entity, reason in [
        (invented.carrier, "Invented carrier of the demo seizures"),
        (invented.driver, "Invented driver of the demo seizures"),
        (invented.truck, "Invented tractor unit of the demo seizures"),
    ]:
        case_entity_link(actor=analyst, case=case, entity=entity, reason=reason)
    for violation in seizures:
        case_violation_link(
            actor=analyst, case=case, violation=violation, reason="Invented demo seizure"
        )
    case_note_add(
        actor=analyst,
        case=case,
        body=(
            "Source: the Bundestag's published party donations (Parteispenden), as kept in "
            "the MIT-licensed test data of opensanctions/yente; trimmed to donors that gave "
            "to two or more parties. Each payment is a relation on the chart with its date "
            "and amount in EUR."
        ),
    )
    case_note_add(
        actor=analyst,
        case=case,
        body=(
            "Johanna Quandt and Susanne Klatten give the same address in the records; "
            "Daimler AG and Daimler Chrysler AG look like one donor under two names: "
            "propose them for merging only with a registry extract."
        ),
    )
    case_event_add(
        actor=analyst,
        case=case,
        title="Public donation records imported into the registry",
        starts_at=now - timedelta(days=20),
    )
    case_event_add(
        actor=analyst,
        case=case,
        title="Second (invented) seizure at Šalčininkai",
        starts_at=seizures[1].occurred_at,
        place=SALCININKAI,
        place_description="Šalčininkai road border post",
    )
    today = timezone.localdate()
    case_task_add(
        actor=analyst,
        case=case,
        title="List the donors that gave to three or more parties, with their totals",
        assignee=analyst,
        due_date=today + timedelta(days=7),
    )
    case_task_add(
        actor=analyst,
        case=case,
        title="Check whether Daimler AG and Daimler Chrysler AG are one company",
        assignee=colleague,
        due_date=today + timedelta(days=14),
    )
    case_chart_save(actor=analyst, case=case, positions=_chart_positions(records, invented))
    return case


def _chart_positions(records: dict[str, Entity], invented: InventedParties) -> dict[str, list[int]]:
    """Where the open case's entities stand on its chart: the parties on an inner ring,
    each donor on an outer ring at the mean bearing of the parties it paid (a
    bipartite "who paid whom" picture with few crossings), their addresses outside it,
    the invented carrier with its driver and truck apart in the lower right corner."""
    positions: dict[str, list[int]] = {}
    bearings: dict[str, float] = {}
    for index, ftm_id in enumerate(PARTY_RING):
        bearing = 2 * math.pi * index / len(PARTY_RING) - math.pi / 2
        bearings[ftm_id] = bearing
        positions[str(records[ftm_id].pk)] = [
            round(PARTY_RADIUS * math.cos(bearing)),
            round(PARTY_RADIUS * math.sin(bearing)),
        ]
    donors = [records[ftm_id] for ftm_id, _ in OPEN_CASE_ENTITIES if ftm_id not in bearings]
    party_pks = {records[ftm_id].pk: ftm_id for ftm_id in PARTY_RING}
    paid: dict[int, set[str]] = {donor.pk: set() for donor in donors}
    for payer_id, party_id in Relation.objects.filter(
        kind="Payment", source__in=donors, target_id__in=party_pks
    ).values_list("source_id", "target_id"):
        paid[payer_id].add(party_pks[party_id])

    def mean_bearing(donor: Entity) -> float:
        parties = sorted(paid[donor.pk]) or [CDU]
        x = sum(math.cos(bearings[p]) for p in parties)
        y = sum(math.sin(bearings[p]) for p in parties)
        return math.atan2(y, x) if abs(x) + abs(y) > 1e-9 else bearings[parties[0]]

    # Spread the donors evenly round the ring in the order of their bearings.
    ordered = sorted(donors, key=lambda donor: (mean_bearing(donor), donor.label))
    start = mean_bearing(ordered[0]) if ordered else 0.0
    for index, donor in enumerate(ordered):
        bearing = start + 2 * math.pi * index / len(ordered)
        positions[str(donor.pk)] = [
            round(DONOR_RADIUS * math.cos(bearing)),
            round(DONOR_RADIUS * math.sin(bearing)),
        ]
    donor_bearings = {
        donor.pk: start + 2 * math.pi * index / len(ordered) for index, donor in enumerate(ordered)
    }
    positions.update(_address_positions(donor_bearings))
    positions[str(invented.carrier.pk)] = [DONOR_RADIUS + 40, DONOR_RADIUS - 20]
    positions[str(invented.driver.pk)] = [DONOR_RADIUS - 60, DONOR_RADIUS + 100]
    positions[str(invented.truck.pk)] = [DONOR_RADIUS + 140, DONOR_RADIUS + 100]
    positions[str(invented.depot.pk)] = [DONOR_RADIUS + 180, DONOR_RADIUS - 60]
    return positions


def _address_positions(donor_bearings: dict[int, float]) -> dict[str, list[int]]:
    """The donors' addresses (their has_address relations, from the import) on a ring
    outside the donors', fanned out round the bearing of their first donor (by name); an
    address two donors give is one node, with an edge from each."""
    by_donor: dict[int, list[int]] = {}
    seen: set[int] = set()
    links = Relation.objects.filter(
        kind=PortalLink.HAS_ADDRESS, source_id__in=list(donor_bearings)
    ).order_by("target__label", "target_id", "source_id")
    for donor_id, address_id in links.values_list("source_id", "target_id"):
        if address_id not in seen:
            seen.add(address_id)
            by_donor.setdefault(donor_id, []).append(address_id)
    positions: dict[str, list[int]] = {}
    for donor_id, addresses in by_donor.items():
        for index, address_id in enumerate(addresses):
            bearing = donor_bearings[donor_id] + ADDRESS_FAN * (index - (len(addresses) - 1) / 2)
            positions[str(address_id)] = [
                round(ADDRESS_RADIUS * math.cos(bearing)),
                round(ADDRESS_RADIUS * math.sin(bearing)),
            ]
    return positions


def _restricted_case(*, lead: User, admin: User | None, records: dict[str, Entity]) -> Case:
    case = case_create(
        actor=lead,
        data=CaseInput(
            title=RESTRICTED_TITLE,
            summary=(
                "Restricted demo case on the same public donation records: insurers, "
                "financial advisers and banks. Only its team sees it; others who meet one "
                "of its entities are told whom to contact. No allegation against anyone."
            ),
            status="active",
            priority=2,
            restricted=True,
        ),
    )
    if admin is not None:
        case_member_add(actor=lead, case=case, user=admin, role="viewer")
    for ftm_id, reason in RESTRICTED_CASE_ENTITIES:
        case_entity_link(actor=lead, case=case, entity=records[ftm_id], reason=reason)
    case_note_add(
        actor=lead,
        case=case,
        body=(
            "Allianz SE, Allianz Deutschland AG and Allianz Versicherungs-AG give one "
            "address in Munich; Deutsche Vermögensberatung and Allfinanz DVAG one in "
            "Frankfurt."
        ),
    )
    case_task_add(
        actor=lead,
        case=case,
        title="Compare the insurers' donations year by year",
        assignee=lead,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    return case


@transaction.atomic
def cases_demo_seed() -> list[str]:
    analyst = User.objects.filter(username="analyst").first()
    officer = User.objects.filter(username="officer").first()
    admin = User.objects.filter(username="admin").first()
    if analyst is None or officer is None:
        return ["Run seed_demo first: the demo analyst and officer are missing."]
    if Case.objects.filter(title=OPEN_TITLE).exists():
        return ["Demo cases exist."]
    colleague = _second_analyst(analyst)
    records, imported = _import_public_records(analyst)
    _address_coordinates_add(analyst)
    invented = _invented_parties(analyst)
    seizures = _seizures(officer, invented)
    open_case = _open_case(
        analyst=analyst,
        colleague=colleague,
        records=records,
        invented=invented,
        seizures=seizures,
    )
    secret = _restricted_case(lead=colleague, admin=admin, records=records)
    return [
        imported,
        f"{open_case.number} {open_case.title} (lead: analyst)",
        f"{secret.number} {secret.title} (restricted, lead: analyst2)",
    ]
