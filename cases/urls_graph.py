"""The link chart: its pages (namespace ``graph``, under /charts/) and its API (in the
shared ``api`` namespace under /api/v1/graph/), wired in portal/urls.py."""

from django.urls import path

from cases.api import graph as graph_api
from cases.views import graph

app_name = "graph"

urlpatterns = [
    path("entity/<int:pk>/", graph.entity_chart, name="entity-chart"),
]

api_urlpatterns = [
    path("graph/expand/", graph_api.GraphExpand.as_view(), name="graph-expand"),
    path("graph/path/", graph_api.GraphPath.as_view(), name="graph-path"),
    path("graph/network/", graph_api.GraphNetwork.as_view(), name="graph-network"),
    path("graph/pivot/", graph_api.GraphPivot.as_view(), name="graph-pivot"),
    path("graph/export/", graph_api.GraphExport.as_view(), name="graph-export"),
]
