"""Every hostile value of tests/hostile.py in every field of every write operation of
the API (as the schema lists them), one field at a time, on top of a valid request:
never a server error; a refusal is a 4xx in the documented error shape, naming fields;
an acceptance stores text PostgreSQL can hold, and never a boolean as a number. Each
request runs in a savepoint rolled back after it, so all start from the same world."""

import io
import json
from copy import deepcopy
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from werkzeug import Client

from cases.models import GoodsLine, Violation
from dispatch.models import Task, TaskStatus
from tests.fuzz.api import api_schema_load
from tests.fuzz.world import FuzzWorld
from tests.hostile import HOSTILE

NOW = timezone.now()
REPORT = {
    "device_time": (NOW - timedelta(seconds=30)).isoformat(),
    "latitude": 54.5395,
    "longitude": 25.6536,
    "accuracy_m": 8,
    "speed_kmh": 40,
    "heading_deg": 90,
}
VIOLATION = {
    "occurred_at": (NOW - timedelta(hours=1)).isoformat(),
    "category": "tobacco",
    "latitude": 54.5395,
    "longitude": 25.6536,
    "location_accuracy_m": 8,
    "location_source": "gps",
    "place_description": "Medininkai, lorry lane 3",
    "narrative": "Cigarettes behind the panels.",
    "details": {
        "transport_mode": "road",
        "detection_method": "xray",
        "product_type": "cigarettes",
        "brand": "Minsk",
        "excise_stamps": "foreign",
        "packs": 100,
    },
}


def _ids() -> dict[str, int]:
    draft = Violation.objects.filter(status="draft").order_by("pk").first()
    task = Task.objects.filter(status=TaskStatus.NEW).order_by("pk").first()
    line = GoodsLine.objects.filter(violation=draft).first()
    assert draft is not None
    assert task is not None
    assert line is not None
    return {"violation": draft.pk, "task": task.pk, "line": line.pk}


# A valid request per write operation: who sends it, and its body. An operation not
# listed here is still sent every hostile value in each field its schema names.
def valid_requests(ids: dict[str, int]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "POST /api/v1/auth/token/": (
            "anonymous",
            {"username": "officer", "password": "fuzz-Password-not-used-42", "client": "tab"},
        ),
        "POST /api/v1/my-unit/positions/": (
            "officer",
            {"reports": [REPORT], "client_time": NOW.isoformat()},
        ),
        "POST /api/v1/positions/": ("device", {"reports": [REPORT]}),
        "POST /api/v1/tasks/": (
            "dispatcher",
            {
                "kind": "inspection",
                "title": "Check the lorry",
                "priority": 2,
                "description": "At the lay-by.",
                "latitude": 54.56,
                "longitude": 25.62,
                "window_start": NOW.isoformat(),
                "window_end": (NOW + timedelta(hours=2)).isoformat(),
            },
        ),
        "POST /api/v1/tasks/{id}/transition/": (
            "dispatcher",
            {"status": "cancelled", "note": "Sent by mistake.", "expected_status": "new"},
        ),
        "POST /api/v1/violations/": ("officer", VIOLATION),
        "PUT /api/v1/violations/{id}/": ("officer", VIOLATION),
        "POST /api/v1/violations/{id}/entities/": (
            "officer",
            {
                "kind": "vehicle",
                "role": "owner",
                "values": {"plate": "ABC123", "plate_country": "LT"},
                "properties": {"model": "Volvo FH"},
                "note": "Parked at the lane.",
            },
        ),
        "POST /api/v1/violations/{id}/evidence/": ("officer", {"description": "The panels"}),
        "POST /api/v1/violations/{id}/goods/": (
            "officer",
            {
                "hs_code": "240220",
                "description": "Cigarettes",
                "quantity": "2000",
                "quantity_unit": "pcs",
                "value_eur": "450.00",
                "seized": True,
            },
        ),
    }


def leaf_paths(body: Any, prefix: str = "") -> list[str]:
    if isinstance(body, dict):
        paths = [prefix] if prefix else []
        for key, value in body.items():
            paths += leaf_paths(value, f"{prefix}.{key}" if prefix else key)
        return paths
    if isinstance(body, list):
        return [prefix] + [p for i, v in enumerate(body) for p in leaf_paths(v, f"{prefix}.{i}")]
    return [prefix]


def with_value(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = deepcopy(body)
    *parents, last = path.split(".")
    node: Any = changed
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return changed


def write_operations(schema: Any) -> list[Any]:
    return [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() in ("POST", "PUT", "PATCH")
        and result.ok().definition.raw.get("requestBody")
    ]


def _schema_fields(schema: Any, content: dict[str, Any]) -> list[str]:
    """The top-level fields of a request body, as its schema names them."""
    body_schema = next(iter(content.values()))["schema"]
    name = body_schema.get("$ref", "").rsplit("/", 1)[-1]
    component = schema.raw_schema["components"]["schemas"].get(name, body_schema)
    return list(component.get("properties", {}))


def is_lone_surrogate_free(text: str) -> bool:
    return not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def assert_refused_clearly_or_stored_clean(response: Any, path: str, value: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.json
    if response.status_code >= 400:
        assert body["type"]
        assert body["detail"]
        if body["type"] == "validation_error":
            assert body["errors"]
            assert all(
                isinstance(messages, list) and all(isinstance(m, str) for m in messages)
                for messages in body["errors"].values()
            )
        return
    text = json.dumps(body, ensure_ascii=False)
    assert "\\u0000" not in text
    assert is_lone_surrogate_free(text)
    # A batch of reports is answered 200 with the bad ones listed: refused all the same.
    refused_in_batch = isinstance(body, dict) and body.get("rejected") and not body["accepted"]
    numeric = path.split(".")[-1] in ("latitude", "longitude", "priority", "accuracy_m")
    if isinstance(value, bool) and numeric and not refused_in_batch:
        pytest.fail(f"{path}={value!r} accepted as a number")


@pytest.fixture
def api_schema(fuzz_world: FuzzWorld) -> Any:
    return api_schema_load(fuzz_world.authorization["administrator"])


def _headers(world: FuzzWorld, sender: str) -> dict[str, str]:
    if sender == "anonymous":
        return {}
    if sender == "device":
        return {"Authorization": world.device_authorization}
    return {"Authorization": world.authorization[sender]}


def _send(client: Client, operation: Any, url: str, body: Any, headers: dict[str, str]) -> Any:
    method = operation.method.upper()
    if "application/json" in operation.definition.raw["requestBody"]["content"]:
        data = json.dumps(body, allow_nan=True)  # NaN and Infinity as the raw tokens
        return client.open(
            url, method=method, data=data, headers=headers, content_type="application/json"
        )
    # A lone surrogate cannot be encoded in a form: it goes as the replacement
    # characters a browser would send.
    form: dict[str, Any] = {
        key: str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        for key, value in body.items()
    }
    form["file"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf", "application/pdf")
    return client.open(url, method=method, data=form, headers=headers)


def test_every_hostile_value_in_every_field_of_every_write_operation(api_schema, fuzz_world):
    ids = _ids()
    known = valid_requests(ids)
    client = Client(api_schema.app)
    operations = write_operations(api_schema)
    assert len(operations) >= 10
    sent = 0
    accepted: dict[str, int] = dict.fromkeys(known, 0)
    for operation in operations:
        sender, valid = known.get(operation.label, ("officer", {}))
        properties = operation.definition.raw["requestBody"]["content"]
        fields = sorted(set(leaf_paths(valid)) | set(_schema_fields(api_schema, properties)))
        path_ids = {
            "id": ids["task"] if "/tasks/" in operation.path else ids["violation"],
            "line_id": ids["line"],
        }
        url = operation.path.format(
            **{key: value for key, value in path_ids.items() if "{" + key + "}" in operation.path}
        )
        for field in fields:
            for name, value in HOSTILE.items():
                body = with_value(valid, field, value)
                with transaction.atomic():
                    response = _send(client, operation, url, body, _headers(fuzz_world, sender))
                    transaction.set_rollback(True)
                sent += 1
                if response.status_code < 300:
                    accepted[operation.label] = accepted.get(operation.label, 0) + 1
                try:
                    assert_refused_clearly_or_stored_clean(response, field, value)
                except AssertionError as error:
                    raise AssertionError(f"{operation.label} {field}={name}: {error}") from None
    print(f"hostile writes: {len(operations)} operations, {sent} requests")
    # Each valid request is valid: the hostile values were checked past the first field.
    assert [label for label in known if not accepted[label]] == []
