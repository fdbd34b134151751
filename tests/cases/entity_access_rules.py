"""The entity registry's part of the access-policy table (tests/portal/test_url_access.py),
and the objects its URLs are requested with."""

from typing import Any

from tests.access_policy import ADMIN, ANALYST, DISPATCHER, OFFICER, Rule, pk_of

# Everyone who looks entities up (officers while typing a plate, dispatchers, analysts)
# opens the registry and a dossier, and so do administrators, who see every case; only
# analysts resolve duplicates and export.
READERS = frozenset({OFFICER, DISPATCHER, ANALYST, ADMIN})
RESOLVERS = frozenset({ANALYST})

ENTITY_RULES: dict[str, Rule] = {
    "entities:entity-list": Rule(READERS),
    "entities:entity-detail": Rule(READERS, kwargs=pk_of("entity")),
    "entities:entity-export": Rule(RESOLVERS),
    "entities:entity-table-export": Rule(RESOLVERS, kwargs=lambda objs: {"file_format": "csv"}),
    "entities:match-list": Rule(RESOLVERS),
    "entities:match-judge": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_match")),
    "entities:match-merge": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_match")),
    "entities:merge-undo": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_merge")),
    "api:entity-detail": Rule(READERS, kwargs=pk_of("entity")),
    "api:entity-places": Rule(READERS, kwargs=pk_of("entity")),
    "api:entity-match-list": Rule(RESOLVERS),
    "api:entity-match-judge": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_match")),
    "api:entity-match-merge": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_match")),
    "api:entity-merge-undo": Rule(RESOLVERS, method="post", kwargs=pk_of("entity_merge")),
}


def entity_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """A person with a likely duplicate written in Cyrillic (a proposed match), and two
    entities merged by the analyst."""
    from cases.models import EntityKind, EntityMatch
    from cases.services.entities import entity_resolve
    from cases.services.resolution import entity_merge, matches_propose

    analyst = personas[ANALYST]
    latin, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Ivan", "last_name": "Zhukov"},
        properties={"birthDate": ["1971-04-02"]},
    )
    cyrillic, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Иван", "last_name": "Жуков"},
        properties={"birthDate": ["1971-04-02"]},
    )
    kept, _new = entity_resolve(
        actor=analyst, kind=EntityKind.COMPANY, values={"name": "Tabakas UAB"}
    )
    absorbed, _new = entity_resolve(
        actor=analyst, kind=EntityKind.COMPANY, values={"name": "UAB Tabakas"}
    )
    matches_propose(entity_ids=[latin.pk])
    match = EntityMatch.objects.get(left=latin, right=cyrillic)
    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)
    return {"entity": latin, "entity_match": match, "entity_merge": merge}
