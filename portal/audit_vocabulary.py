"""The words of the audit trail that the auditor's flags look for, declared by the apps
that write them.

The core reads the trail but knows no domain app (import-linter forbids it): an app
that writes dossier openings or searches declares on its AppConfig, as
``audit_review_vocabulary``, the values its records carry, from the same constants it
writes them with; the flag rules (portal/services/audit_review.py) are built from the
union of every app's declaration. A rename on the app's side thus changes both the
record and the rule, and tests/cases/test_audit_vocabulary.py proves that records the
app really writes are counted.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps


@dataclass(frozen=True)
class AuditReviewVocabulary:
    # A VIEW record whose changes["view"] is one of these opened a person's or company's
    # dossier; with a reason (the purpose asked outside one's own cases) it is flagged.
    dossier_views: tuple[str, ...] = ()
    # A SEARCH record whose changes["kind"] is one of these was limited to things that
    # hold no people: it is no search for people.
    search_kinds_without_people: tuple[str, ...] = ()
    # A SEARCH of one of these kinds may be narrowed by changes["status"] (a search) or
    # changes["kinds"] (a list) to entity kinds: it looks for people only when unnarrowed
    # or narrowed to one of ``person_kinds``.
    entity_search_kinds: tuple[str, ...] = ()
    person_kinds: tuple[str, ...] = ()


def _union(vocabularies: list[AuditReviewVocabulary]) -> AuditReviewVocabulary:
    def merged(name: str) -> tuple[str, ...]:
        return tuple(
            sorted({word for vocabulary in vocabularies for word in getattr(vocabulary, name)})
        )

    return AuditReviewVocabulary(
        dossier_views=merged("dossier_views"),
        search_kinds_without_people=merged("search_kinds_without_people"),
        entity_search_kinds=merged("entity_search_kinds"),
        person_kinds=merged("person_kinds"),
    )


@cache
def audit_review_vocabulary() -> AuditReviewVocabulary:
    """Every app's declared words, together."""
    return _union(
        [
            vocabulary
            for app_config in apps.get_app_configs()
            if (vocabulary := getattr(app_config, "audit_review_vocabulary", None)) is not None
        ]
    )
