"""Every URL pattern of the project, requested anonymously and as each role.

The table below is the access policy in one place. A new URL pattern that is not in it
fails this test: decide who may open it, write it here, and state it on the view.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.access import AccessRule
from portal.api.permissions import DenyAll
from portal.models import User
from tests.access_policy import (
    ADMIN,
    ALL_ROLES,
    ANALYST,
    DISPATCHER,
    EDITORS,
    FIELD,
    OFFICER,
    PUBLIC,
    Rule,
    pk_of,
)
from tests.cases.entity_access_rules import ENTITY_RULES, entity_objects
from tests.cases.graph_access_rules import GRAPH_RULES, graph_objects
from tests.cases.import_access_rules import IMPORT_RULES, import_objects
from tests.cases.investigation_access_rules import INVESTIGATION_RULES, investigation_objects
from tests.cases.search_access_rules import SEARCH_RULES
from tests.conftest import personas_make, violation_at_medininkai
from tests.dispatch.access_rules import DISPATCH_RULES, dispatch_objects
from tests.portal.jobs_access_rules import JOB_RULES, job_objects
from tests.portal.people_access_rules import PEOPLE_RULES, people_objects
from tests.portal.training_access_rules import TRAINING_RULES, training_objects


class World(NamedTuple):
    personas: dict[str, User]
    objects: dict[str, Any]


EXPECTED: dict[str, Rule] = {
    # HTML pages of the core
    "portal:dashboard": Rule(ALL_ROLES),
    "portal:login": Rule(PUBLIC, public=True),
    "portal:logout": Rule(PUBLIC, public=True, method="post"),
    "portal:password-change": Rule(ALL_ROLES),
    "portal:two-factor-verify": Rule(ALL_ROLES),
    "portal:two-factor-setup": Rule(ALL_ROLES),
    "portal:api-token-list": Rule(ALL_ROLES),
    # The token to revoke is named in the body, among the person's own tokens only.
    "portal:api-token-revoke": Rule(ALL_ROLES, method="post"),
    "portal:audit-list": Rule(frozenset({ADMIN})),
    "portal:audit-export": Rule(frozenset({ADMIN})),
    # A flag's review names the flag in the body; without one it is refused by message.
    "portal:audit-flag-review": Rule(frozenset({ADMIN}), method="post"),
    "portal:healthz": Rule(PUBLIC, public=True),
    # The service worker's script: addresses of pages and a text, nothing of anyone's.
    "portal:service-worker": Rule(PUBLIC, public=True),
    "portal:user-list": Rule(frozenset({DISPATCHER, ANALYST, ADMIN})),
    "portal:user-create": Rule(frozenset({ADMIN})),
    "portal:user-detail": Rule(frozenset({DISPATCHER, ANALYST, ADMIN}), kwargs=pk_of("user")),
    "portal:user-two-factor-reset": Rule(frozenset({ADMIN}), method="post", kwargs=pk_of("user")),
    "portal:user-unlock": Rule(frozenset({ADMIN}), method="post", kwargs=pk_of("user")),
    "portal:user-api-token-revoke": Rule(frozenset({ADMIN}), method="post", kwargs=pk_of("user")),
    "portal:unit-list": Rule(ALL_ROLES),
    "portal:unit-create": Rule(frozenset({ADMIN})),
    "portal:unit-edit": Rule(frozenset({ADMIN}), kwargs=pk_of("unit")),
    "set_language": Rule(PUBLIC, public=True, method="post"),
    # Violations (HTML)
    "cases:violation-list": Rule(FIELD),
    "cases:violation-review": Rule(frozenset({ANALYST})),
    "cases:violation-map": Rule(FIELD),
    "cases:violation-cen": Rule(frozenset({ANALYST}), kwargs=pk_of("violation")),
    "cases:violation-cen-download": Rule(
        frozenset({ANALYST}), kwargs=lambda o: {"pk": o["violation"].pk, "kind": "nominal"}
    ),
    "cases:category-list": Rule(frozenset({ADMIN})),
    "cases:category-edit": Rule(
        frozenset({ADMIN}), kwargs=lambda o: {"pk": o["violation"].category_id}
    ),
    "cases:violation-export": Rule(frozenset({ANALYST}), kwargs=lambda o: {"file_format": "csv"}),
    "cases:violation-create": Rule(frozenset({OFFICER})),
    "cases:outbox": Rule(frozenset({OFFICER})),
    "cases:violation-on-device": Rule(frozenset({OFFICER})),
    "cases:violation-detail": Rule(FIELD, kwargs=pk_of("violation")),
    "cases:violation-edit": Rule(EDITORS, kwargs=pk_of("violation")),
    "cases:violation-submit": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:violation-verify": Rule(frozenset({ANALYST}), method="post", kwargs=pk_of("violation")),
    "cases:goods-add": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:goods-remove": Rule(
        EDITORS, method="post", kwargs=lambda o: {"pk": o["violation"].pk, "line_id": o["goods"].pk}
    ),
    "cases:vehicle-add": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:person-add": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:company-add": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:involvement-remove": Rule(
        EDITORS,
        method="post",
        kwargs=lambda o: {"pk": o["violation"].pk, "involvement_id": o["involvement"].pk},
    ),
    "cases:evidence-add": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "cases:evidence-file": Rule(
        FIELD,
        kwargs=lambda o: {
            "pk": o["violation"].pk,
            "evidence_id": o["evidence"].pk,
            "variant": "view",
        },
    ),
    # API
    "api:auth-token": Rule(PUBLIC, public=True, method="post"),
    "api:me": Rule(ALL_ROLES),
    "api:orgunit-list": Rule(ALL_ROLES),
    "api:orgunit-detail": Rule(ALL_ROLES, kwargs=pk_of("unit")),
    "api:user-list": Rule(frozenset({DISPATCHER, ANALYST, ADMIN})),
    "api:user-detail": Rule(frozenset({DISPATCHER, ANALYST, ADMIN}), kwargs=pk_of("user")),
    "api:auditrecord-list": Rule(frozenset({ADMIN})),
    "api:auditrecord-detail": Rule(frozenset({ADMIN}), kwargs=pk_of("audit")),
    "api:reference-layers": Rule(ALL_ROLES),
    "api:basemap-tile": Rule(ALL_ROLES, kwargs=lambda o: {"z": 10, "x": 583, "y": 325}),
    "api:violation-category-list": Rule(ALL_ROLES),
    "api:hs-code-list": Rule(ALL_ROLES),
    "api:entity-search": Rule(FIELD | {ADMIN}),
    "api:violation-list": Rule(FIELD),
    "api:violation-map": Rule(FIELD),
    "api:violation-detail": Rule(FIELD, kwargs=pk_of("violation")),
    "api:violation-export": Rule(frozenset({ANALYST}), kwargs=lambda o: {"file_format": "csv"}),
    "api:violation-exchange": Rule(
        frozenset({ANALYST}), kwargs=lambda o: {"pk": o["violation"].pk, "kind": "non-nominal"}
    ),
    "api:violation-submit": Rule(frozenset({OFFICER}), method="post", kwargs=pk_of("violation")),
    "api:violation-verify": Rule(frozenset({ANALYST}), method="post", kwargs=pk_of("violation")),
    "api:violation-goods": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "api:violation-goods-line": Rule(
        EDITORS, kwargs=lambda o: {"pk": o["violation"].pk, "line_id": o["goods"].pk}
    ),
    "api:violation-entities": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    "api:violation-evidence": Rule(EDITORS, method="post", kwargs=pk_of("violation")),
    # Unit devices only (their own token): no person's session reaches it.
    "api-schema": Rule(ALL_ROLES),
    "api-docs": Rule(ALL_ROLES),
    **DISPATCH_RULES,
    **JOB_RULES,
    **TRAINING_RULES,
    **GRAPH_RULES,
    **INVESTIGATION_RULES,
    **ENTITY_RULES,
    **IMPORT_RULES,
    **SEARCH_RULES,
    **PEOPLE_RULES,
}


def iter_patterns(
    patterns: list[Any] | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if "format" in entry.pattern.regex.groupindex:
                continue  # DRF's ".json" twin of a route: same view, same rule
            yield f"{namespace}{entry.name}" if entry.name else repr(entry.pattern), entry


ALL_PATTERNS = dict(iter_patterns())


def test_every_url_pattern_has_an_expected_outcome():
    missing = sorted(set(ALL_PATTERNS) - set(EXPECTED))
    assert not missing, f"URL patterns without an access rule in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - set(ALL_PATTERNS))
    assert not stale, f"EXPECTED names URL patterns that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(ALL_PATTERNS))
def test_every_view_states_its_permission(name):
    callback = ALL_PATTERNS[name].callback
    api_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if api_class is not None and hasattr(api_class, "permission_classes"):
        initkwargs = getattr(callback, "initkwargs", None) or getattr(
            callback, "view_initkwargs", {}
        )
        stated = "permission_classes" in vars(api_class) or "permission_classes" in initkwargs
        assert stated, f"{name}: API view must set permission_classes itself"
        classes = initkwargs.get("permission_classes") or api_class.permission_classes
        assert DenyAll not in classes, f"{name}: still on the deny-all default"
    else:
        assert isinstance(getattr(callback, "access_rule", None), AccessRule), (
            f"{name}: HTML view must be wrapped in public / login_only / permission_required"
        )


def objects_make(personas, administrator, violation_of_officer) -> dict[str, Any]:
    """Every object the URL patterns name, around the personas and a violation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Entity, GoodsLine, ViolationEntity
    from cases.services.evidence import evidence_add
    from portal.models import AuditRecord
    from portal.services.audit import audit_record

    audit_record(actor=administrator, action="view", obj=administrator)
    officer = personas["officer"]
    goods = GoodsLine.objects.create(
        violation=violation_of_officer,
        hs_code_id="240220",
        description="Cigarettes",
        quantity=500,
        quantity_unit="packs",
    )
    person = Entity.objects.create(kind="Person", label="Test Person")
    involvement = ViolationEntity.objects.create(
        violation=violation_of_officer, entity=person, role="driver"
    )
    evidence = evidence_add(
        actor=officer,
        violation=violation_of_officer,
        upload=SimpleUploadedFile(
            "report.pdf", b"%PDF-1.4 test document", content_type="application/pdf"
        ),
    )
    return {
        **dispatch_objects(personas),
        **job_objects(personas),
        **training_objects(personas),
        **graph_objects(personas),
        **investigation_objects(personas, violation_of_officer),
        **entity_objects(personas),
        **import_objects(personas),
        **people_objects(personas),
        "unit": officer.org_unit,
        "user": officer,
        "audit": AuditRecord.objects.order_by("-id").first(),
        "violation": violation_of_officer,
        "goods": goods,
        "involvement": involvement,
        "evidence": evidence,
    }


@pytest.fixture
def objects(personas, administrator, violation_of_officer):
    return objects_make(personas, administrator, violation_of_officer)


@pytest.fixture(scope="module")
def world_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("url-access-world")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_folder) -> Iterator[World]:
    """The personas and every object the patterns name, made once for the module's
    ~1,700 requests (once per test, it was most of their time) in a transaction rolled
    back at the module's end. Each test runs in a savepoint of it (the db fixture of
    pytest-django nests), so no test sees another's writes."""
    with (
        override_settings(
            MEDIA_ROOT=world_folder / "media",
            AUDIT_ANCHOR_FILE=world_folder / "audit-anchors.jsonl",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        personas = personas_make()
        violation = violation_at_medininkai(personas["officer"])
        yield World(personas, objects_make(personas, personas["administrator"], violation))
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, world_folder):
    """In place of conftest's: the world's evidence files stay where it wrote them."""
    settings.MEDIA_ROOT = world_folder / "media"


@pytest.fixture(autouse=True)
def _audit_anchors_in_a_temporary_folder(settings, world_folder):
    """In place of conftest's: the anchors of the world's audit records."""
    settings.AUDIT_ANCHOR_FILE = world_folder / "audit-anchors.jsonl"


def _request(client, rule: Rule, url: str):
    return client.post(url) if rule.method == "post" else client.get(url)


def _is_api(name: str) -> bool:
    return name.startswith("api")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_gets_login_or_401_unless_public(name, world, db, client):
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(world.objects))
    response = _request(client, rule, url)
    if rule.public:
        assert response.status_code not in (401, 403), f"{name} should be public"
        assert not response.get("Location", "").startswith(reverse("portal:login") + "?")
    elif _is_api(name):
        assert response.status_code in (401, 403), f"{name}: {response.status_code}"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_exactly_what_the_policy_says(name, role, world, db, client_for):
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(world.objects))
    response = _request(client_for(world.personas[role]), rule, url)
    if role in rule.roles:
        assert response.status_code not in (401, 403, 404), f"{role} should reach {name}"
        assert response.status_code != 500
    else:
        assert response.status_code == rule.denied_status, (
            f"{role} must be refused {name}: {response.status_code}"
        )


API_NAMES = sorted(name for name in EXPECTED if _is_api(name))


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
@pytest.mark.parametrize("name", API_NAMES)
def test_options_on_every_api_url_answers_without_a_server_error(name, role, world, db, client_for):
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(world.objects))
    response = client_for(world.personas[role]).options(url)
    assert response.status_code < 500, f"OPTIONS {name} as {role}: {response.status_code}"
    if name == "api-docs":  # an HTML page: OPTIONS is not among its methods
        assert response.status_code == 405
    elif role in rule.roles:
        assert response.status_code == 200, f"OPTIONS {name} as {role}: {response.status_code}"
    elif response.status_code >= 400:
        # OPTIONS checks the view's permission; some refuse only the action itself.
        assert set(response.json()) == {"type", "detail"}


def test_options_on_a_violation_describes_it_without_writing(world, db, client_for):
    from portal.models import AuditRecord

    before = AuditRecord.objects.count()
    response = client_for(world.personas["officer"]).options(
        reverse("api:violation-detail", kwargs={"pk": world.objects["violation"].pk})
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Violation Detail"
    assert "application/json" in response.json()["parses"]
    assert AuditRecord.objects.count() == before
