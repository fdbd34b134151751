"""The link chart's part of the access table (tests/portal/test_url_access.py): the
chart page and the graph API are analysts' (``cases.view_entity`` and
``cases.view_relation``; exports also ``cases.export_entity``)."""

from typing import Any

from tests.access_policy import ANALYST, Rule, pk_of

GRAPH_READERS = frozenset({ANALYST})

GRAPH_RULES: dict[str, Rule] = {
    "graph:entity-chart": Rule(GRAPH_READERS, kwargs=pk_of("chart_entity")),
    # Without parameters the API answers 400 (bad input) to those it lets in.
    "api:graph-expand": Rule(GRAPH_READERS),
    "api:graph-path": Rule(GRAPH_READERS),
    "api:graph-network": Rule(GRAPH_READERS),
    "api:graph-pivot": Rule(GRAPH_READERS),
    "api:graph-export": Rule(GRAPH_READERS, method="post"),
}


def graph_objects(personas: dict[str, Any]) -> dict[str, Any]:
    from cases.models import Entity

    return {"chart_entity": Entity.objects.create(kind="Company", label="Chart Test UAB")}
