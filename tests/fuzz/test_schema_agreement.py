"""The answers the schema got wrong (issue 9), each checked against the schema that
/api/schema/ serves: a violation away from any crossing point, a task's recommended
units, the live feed's two answers, and the errors of a field nested in another."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from werkzeug import Client

from cases.models import Violation
from dispatch.models import Task
from portal.api.errors import flat_errors
from tests.fuzz.api import api_schema_load
from tests.fuzz.world import FuzzWorld


@pytest.fixture
def api_schema(fuzz_world: FuzzWorld) -> Any:
    return api_schema_load(fuzz_world.authorization["administrator"])


def get(schema: Any, world: FuzzWorld, role: str, path: str, **query: Any) -> Any:
    client = Client(schema.app)
    return client.get(
        path, query_string=query, headers={"Authorization": world.authorization[role]}
    )


def assert_as_documented(schema: Any, template: str, response: Any) -> None:
    schema[template]["GET"].validate_response(response)


def test_a_violation_away_from_any_crossing_point_matches_the_schema(api_schema, fuzz_world):
    inland = Violation.objects.get(crossing_point__isnull=True)

    response = get(api_schema, fuzz_world, "officer", f"/api/v1/violations/{inland.pk}/")

    assert response.status_code == 200
    assert response.json["crossing_point"] is None
    assert_as_documented(api_schema, "/api/v1/violations/{id}/", response)


def test_a_tasks_recommended_units_are_a_ranked_list_as_documented(api_schema, fuzz_world):
    task = Task.objects.filter(location__isnull=False).first()
    assert task is not None

    response = get(
        api_schema, fuzz_world, "dispatcher", f"/api/v1/tasks/{task.pk}/recommendations/"
    )

    assert response.status_code == 200
    assert isinstance(response.json, list)
    assert response.json
    assert_as_documented(api_schema, "/api/v1/tasks/{id}/recommendations/", response)


def test_each_answer_of_the_live_feed_matches_exactly_one_documented_shape(api_schema, fuzz_world):
    picture = get(api_schema, fuzz_world, "dispatcher", "/api/v1/live/")
    unchanged = get(
        api_schema, fuzz_world, "dispatcher", "/api/v1/live/", version=picture.json["version"]
    )

    assert picture.json["changed"] is True
    assert "units" in picture.json
    assert unchanged.json == {"changed": False, "version": picture.json["version"]}
    assert_as_documented(api_schema, "/api/v1/live/", picture)
    assert_as_documented(api_schema, "/api/v1/live/", unchanged)


def test_an_error_in_an_item_of_a_list_is_named_by_its_dotted_path(api_schema, fuzz_world):
    now = timezone.now()

    response = get(
        api_schema,
        fuzz_world,
        "dispatcher",
        "/api/v1/tracks/",
        unit=0,
        start=(now - timedelta(hours=1)).isoformat(),
        end=now.isoformat(),
    )

    assert response.status_code == 400
    assert list(response.json["errors"]) == ["unit.0"]
    assert_as_documented(api_schema, "/api/v1/tracks/", response)


def test_errors_of_any_nesting_become_one_level_of_dotted_paths():
    drf_errors = {
        "reports": [{}, {"latitude": ["Not a number."], "non_field_errors": ["Too old."]}],
        "unit": {0: ["Must be at least 1."]},
        "title": ["Required."],
        "details": {"packs": ["Too many."]},
    }

    assert flat_errors(drf_errors) == {
        "reports.1.latitude": ["Not a number."],
        "reports.1.non_field_errors": ["Too old."],
        "unit.0": ["Must be at least 1."],
        "title": ["Required."],
        "details.packs": ["Too many."],
    }
    assert flat_errors(["Send a list."]) == {"non_field_errors": ["Send a list."]}


def test_every_operation_documents_the_errors_any_endpoint_can_give(api_schema):
    undocumented = []
    for path, methods in api_schema.raw_schema["paths"].items():
        for method, operation in methods.items():
            statuses = set(operation["responses"])
            # 414: an address too long for the web server (found by `make probe`).
            expected = {"400", "401", "403", "404", "414"}
            if "requestBody" in operation:
                expected |= {"413", "415"}
            missing = expected - statuses
            if missing:
                undocumented.append(f"{method.upper()} {path}: {sorted(missing)}")
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}
            assert "text/html" in operation["responses"]["414"]["content"]

    assert undocumented == []
