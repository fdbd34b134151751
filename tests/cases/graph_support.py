"""A small known graph for the link-analysis tests (selectors, API, exports, browser).

Ann --owner(90, 2020..2021)--> Balt Trade <--director(80)-- Ben
Ben --uses--> +37060000001 <--uses-- Cid --associate(50, 2023..)--> Dan
Dan --associate--> Eve --associate--> Fay            (Ann..Eve: 6 hops; Ann..Fay: 7)
Cid --lives at--> Vilniaus g. 1 <--lives at-- Gus    (a shared address)
Hub --knows--> L00..L29 (confidence 40..69: L29 strongest)
Zed: alone
"""

from dataclasses import dataclass
from datetime import date
from typing import cast

from cases.models import Entity, Relation


@dataclass
class KnownGraph:
    e: dict[str, Entity]
    r: dict[str, Relation]

    def id(self, name: str) -> int:
        return self.e[name].pk


def known_graph() -> KnownGraph:
    def entity(name: str, kind: str = "Person", key: str = "") -> Entity:
        return Entity.objects.create(kind=kind, label=name, key=key)

    e = {
        "ann": entity("Ann"),
        "ben": entity("Ben"),
        "cid": entity("Cid"),
        "dan": entity("Dan"),
        "eve": entity("Eve"),
        "fay": entity("Fay"),
        "gus": entity("Gus"),
        "zed": entity("Zed"),
        "hub": entity("Hub"),
        "balt": entity("Balt Trade", "Company", "LT:300000001"),
        "phone": entity("+37060000001", "Phone", "+37060000001"),
        "address": entity("Vilniaus g. 1, Vilnius", "Address", "VILNIAUS G 1 VILNIUS"),
    }

    def relation(
        name: str,
        source: str,
        target: str,
        kind: str,
        confidence: int = 100,
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> Relation:
        return Relation.objects.create(
            source=e[source],
            target=e[target],
            kind=kind,
            confidence=confidence,
            valid_from=valid_from,
            valid_to=valid_to,
            provenance="test",
        )

    r = {
        "owner": relation(
            "owner", "ann", "balt", "owner", 90, date(2020, 1, 1), date(2021, 12, 31)
        ),
        "director": relation("director", "ben", "balt", "director", 80),
        "ben_phone": relation("ben_phone", "ben", "phone", "uses"),
        "cid_phone": relation("cid_phone", "cid", "phone", "uses"),
        "cid_dan": relation("cid_dan", "cid", "dan", "associate", 50, date(2023, 1, 1)),
        "dan_eve": relation("dan_eve", "dan", "eve", "associate"),
        "eve_fay": relation("eve_fay", "eve", "fay", "associate"),
        "cid_address": relation("cid_address", "cid", "address", "lives_at"),
        "gus_address": relation("gus_address", "gus", "address", "lives_at"),
    }
    for n in range(30):
        leaf = entity(f"L{n:02}")
        e[f"l{n:02}"] = leaf
        r[f"hub_l{n:02}"] = relation(f"hub_l{n:02}", "hub", f"l{n:02}", "knows", 40 + n)
    return KnownGraph(e=e, r=r)


def held_only_by_a_restricted_case(entity: Entity) -> None:
    """Put ``entity`` out of reach of every analyst but one (need-to-know): a restricted
    case, led by an analyst of its own, is the only one holding it."""
    from cases.services.investigations import CaseInput, case_create, case_entity_link
    from portal.models import User
    from tests.factories import UserFactory

    lead = cast(User, UserFactory(username=f"lead_of_{entity.pk}", roles=["analyst"]))
    case = case_create(actor=lead, data=CaseInput(title="Operation Reed", restricted=True))
    case_entity_link(actor=lead, case=case, entity=entity, reason="Held by this case alone")
