"""schemathesis over the whole API schema, as each role and as an anonymous caller,
against the real stack: the portal's WSGI application in this process, on the test
database (PostgreSQL/PostGIS, every write rolled back with the test) and the real Redis.
The operations come from the schema itself, so a new endpoint is fuzzed without anyone
adding it here.

A server error, an undocumented status, a body or content type that does not match the
schema fails the run. The generation is seeded and derandomized: the same cases every
run. The tally (operations, cases, failures and time per role) is printed at the end of
the pytest run (tests/fuzz/conftest.py)."""

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import schemathesis
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

import portal.urls
from tests.fuzz.api import api_schema_load
from tests.fuzz.tally import tally_for
from tests.fuzz.world import ROLES, FuzzWorld

# Cases per operation and role. 80 operations x 4 roles x this, at a few milliseconds a
# request on the 2-CPU machine, keeps each role's run near two minutes. An anonymous
# caller is refused before its request is read (401 for every operation, whatever the
# data), so a few cases per operation show it.
EXAMPLES_PER_OPERATION = 25
EXAMPLES_PER_OPERATION_ANONYMOUS = 5
SEED = 20261203


def config_for(role: str) -> schemathesis.Config:
    examples = EXAMPLES_PER_OPERATION_ANONYMOUS if role == "anonymous" else EXAMPLES_PER_OPERATION
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": examples,
                "deterministic": True,
                # No example database: nothing is written outside the test database.
                "database": "none",
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )


# Of `--checks all`, left out: positive_data_acceptance (a schema-valid request may be
# refused for what a schema cannot say: the role's permissions, an id outside the
# caller's reach, a task's lifecycle), negative_data_rejection (it flags DRF's lenient
# query parameters, e.g. a page_size that is not a number falls back to the default
# page size, deliberately), object_level_authorization (needs a second account's
# objects named per operation; tests/portal/test_url_access.py and the outsider tests
# cover it), use_after_free and ensure_resource_availability (they need the stateful
# phase, which the API's few create-then-read links do not make worth its time), and
# max_response_time (timing on a shared 2-CPU machine is noise).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
    unsupported_method,
    allow_header_conformance,
    missing_required_header,
]


def _ids_in(body: Any) -> list[int]:
    items = body.get("results", []) if isinstance(body, dict) else body
    if not isinstance(items, list):
        return []
    return [item["id"] for item in items if isinstance(item, dict) and type(item.get("id")) is int]


def _known_ids(client: Any, path: str, name: str, headers: dict[str, str]) -> list[int]:
    """Ids the role can see for the path parameter ``name``: those listed at the path
    up to it (``/tasks/{id}/transition/`` -> ``/tasks/``), earlier parameters filled
    with the first id found for them."""
    prefix = path.split("{" + name + "}")[0]
    for earlier in [part.split("}")[0] for part in prefix.split("{")[1:]]:
        ids = _known_ids(client, path, earlier, headers)
        prefix = prefix.replace("{" + earlier + "}", str(ids[0] if ids else 0))
    response = client.get(prefix, headers=headers)
    return _ids_in(response.json) if response.status_code == 200 and response.is_json else []


def _titles(failure: BaseException) -> str:
    """The names of the distinct failures schemathesis found ("Undocumented status
    code", "Server error"), for the summary."""
    inner = getattr(failure, "exceptions", None) or [failure]
    return "; ".join(sorted({str(error).splitlines()[0] for error in inner}))


def routed_or_json(response: Any) -> bool:
    """False for Django's HTML 404 page answering an /api/ path that no URL matches
    (``/tasks/null/``: a negative case's path parameter), while the project has no
    404 handler of its own; the JSON 404 for /api/ paths comes with that handler (issue
    9), and from then on such an answer is checked like any other."""
    if response.status_code != 404 or getattr(portal.urls, "handler404", None) is not None:
        return True
    try:
        resolve(unquote(urlsplit(response.request.url).path))
    except Resolver404:
        return False
    return True


def authorization_for(world: FuzzWorld, role: str, operation: Any) -> dict[str, str]:
    """The role's API token; the unit's device token for the device API (the officer's
    unit's device); nothing for the anonymous caller."""
    if role == "anonymous":
        return {}
    security = operation.definition.raw.get("security", [])
    schemes = {name for requirement in security for name in requirement}
    if schemes == {"deviceToken"}:
        return {"Authorization": world.device_authorization} if role == "officer" else {}
    return {"Authorization": world.authorization[role]}


@pytest.fixture(params=ROLES)
def fuzz_role(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def api_schema(fuzz_role: str, fuzz_world: FuzzWorld) -> Iterator[Any]:
    from schemathesis.python import wsgi

    started = time.monotonic()
    schema = api_schema_load(
        fuzz_world.authorization["administrator"], config=config_for(fuzz_role)
    )
    client = wsgi.get_client(schema.app)
    role_headers = (
        {} if fuzz_role == "anonymous" else {"Authorization": fuzz_world.authorization[fuzz_role]}
    )
    known: dict[tuple[str, str], list[int]] = {}

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        """Half the cases ask about objects that exist (and the role may see)."""
        if not path_parameters:
            return st.just(path_parameters)
        path = context.operation.path
        choices = {}
        for name, value in path_parameters.items():
            if (path, name) not in known:
                known[(path, name)] = _known_ids(
                    client, schema.get_full_path(path).replace("//", "/"), name, role_headers
                )
            ids = known[(path, name)]
            # Only in place of a valid (integer) value: a negative case stays negative.
            usable = ids if type(value) is int else []
            choices[name] = st.sampled_from([value, *usable])
        return st.fixed_dictionaries(choices)

    yield schema
    tally_for(fuzz_role).seconds += time.monotonic() - started


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_the_api_answers_as_its_schema_says(
    api_schema: Any, fuzz_role: str, fuzz_world: FuzzWorld, subtests: pytest.Subtests
) -> None:
    """Every operation of the schema, each a subtest: all are run, and every failure
    is reported, before the test fails."""
    tally = tally_for(fuzz_role)

    def call_and_validate(case: Any) -> None:
        tally.operations.add(case.operation.label)
        tally.cases += 1
        # Identity: the in-process WSGI transport does not undo a gzip Content-Encoding
        # (the base map's tiles are sent gzipped to a client that accepts it).
        headers = {
            **authorization_for(fuzz_world, fuzz_role, case.operation),
            "Accept-Encoding": "identity",
        }
        response = case.call(headers=headers)
        checks = CHECKS if routed_or_json(response) else [not_a_server_error]
        case.validate_response(response, checks=checks, headers=headers)
        tally.statuses[response.status_code] += 1

    load_all_checks()
    schema = api_schema.clone(test_function=call_and_validate)
    tests = list(
        get_all_tests(
            schema=schema, test_func=call_and_validate, settings=SETTINGS, given_kwargs={}
        )
    )
    assert len(tests) >= 40, "every operation of the schema is fuzzed"
    for result in tests:
        assert isinstance(result, Ok), f"an operation the schema does not describe well: {result}"
        operation, test = result.ok()
        with subtests.test(msg=f"{fuzz_role} {operation.label}"):
            try:
                test()
            except BaseException as failure:  # FailureGroup is a BaseExceptionGroup
                tally.failures.append(f"{operation.label}: {_titles(failure)}")
                raise
