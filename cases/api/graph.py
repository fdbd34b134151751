"""The link chart's API: neighbours, shortest path, connecting network, shared
identifiers, and exports of a chart. Each relation of an answer carries its ``amount``
(a payment's sum, an ownership's share; "" for none) for the chart's edge labels.
Analysts only (relations are intelligence: ``cases.view_entity`` and
``cases.view_relation``; exports also ``cases.export_entity``).

An id outside the user's reach gets the very answer of an id that does not exist."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.lib.graph_search import DEGREE_CAP
from cases.selectors import graph as graph_selectors
from cases.selectors.graph import (
    DEFAULT_CAP,
    MAX_CAP,
    MAX_EXPORT_IDS,
    MAX_NETWORK_IDS,
    MAX_PATH_HOPS,
    MAX_SEED_IDS,
    GraphFilter,
    entities_in_reach,
)
from cases.selectors.relation_amounts import edges_with_amounts
from cases.services.graph import graph_consultation_record, graph_export
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.lib.downloads import download_response
from portal.models import User

GRAPH_READERS = require_perms("cases.view_entity", "cases.view_relation")
GRAPH_EXPORTERS = require_perms("cases.view_entity", "cases.view_relation", "cases.export_entity")


class IdListField(serializers.CharField):
    """Entity ids as "12,15,40" (a query parameter), at most ``limit``."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[int]:  # type: ignore[override]  # a list
        text = super().to_internal_value(data)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            raise serializers.ValidationError(_("Give at least one entity id."))
        if not all(p.isdigit() and len(p) < 12 for p in parts):
            raise serializers.ValidationError(
                _("Entity ids are whole numbers, separated by commas.")
            )
        ids = list(dict.fromkeys(int(p) for p in parts))
        if len(ids) > self.limit:
            raise serializers.ValidationError(
                _("At most %(limit)d entities at once.") % {"limit": self.limit}
            )
        return ids


class GraphFilterSerializer(serializers.Serializer):
    kinds = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=400,
        help_text=gettext_lazy("Relation kinds, separated by commas (all when empty)."),
    )
    period_from = serializers.DateField(required=False, allow_null=True)
    period_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("period_from"), attrs.get("period_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"period_to": _("The end of the period comes before its start.")}
            )
        return attrs

    def graph_filter(self) -> GraphFilter:
        data = self.validated_data
        kinds = tuple(k.strip() for k in (data.get("kinds") or "").split(",") if k.strip())
        return GraphFilter(
            kinds=kinds, period_from=data.get("period_from"), period_to=data.get("period_to")
        )

    def parameters(self) -> dict[str, Any]:
        return {k: str(v) for k, v in self.validated_data.items() if v}


def _known(user: User, ids: Sequence[int], field: str) -> None:
    """A 400 at ``field`` naming the first id outside reach: the same words whether it
    does not exist or belongs to a case the user may not see."""
    missing = sorted(set(ids) - entities_in_reach(user=user, ids=ids))
    if missing:
        raise serializers.ValidationError(
            {field: [_("Entity %(id)d was not found.") % {"id": missing[0]}]}
        )


class ExpandQuery(GraphFilterSerializer):
    ids = IdListField(limit=MAX_SEED_IDS)
    hops = serializers.ChoiceField(choices=[1, 2], default=1)
    cap = serializers.IntegerField(min_value=1, max_value=MAX_CAP, default=DEFAULT_CAP)


class PathQuery(GraphFilterSerializer):
    source = serializers.IntegerField(min_value=1, max_value=2**62)  # type: ignore[assignment]  # a field named "source": DRF pops declared fields off the class
    target = serializers.IntegerField(min_value=1, max_value=2**62)
    max_hops = serializers.IntegerField(min_value=1, max_value=MAX_PATH_HOPS, default=MAX_PATH_HOPS)


class NetworkQuery(GraphFilterSerializer):
    ids = IdListField(limit=MAX_NETWORK_IDS)


class PivotQuery(GraphFilterSerializer):
    ids = IdListField(limit=MAX_SEED_IDS)
    cap = serializers.IntegerField(min_value=1, max_value=MAX_CAP, default=DEFAULT_CAP)


class GraphNodeSerializer(serializers.Serializer):
    """For the schema: an entity of an answer with its count of relations."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label": DRF pops declared fields off the class
    key = serializers.CharField()
    degree = serializers.IntegerField(
        help_text=f"Relations of the entity within the user's reach and the filter (the "
        f"badge before expanding), counted up to {DEGREE_CAP}: past it, {DEGREE_CAP} with "
        f'degree_capped true ("{DEGREE_CAP}+").'
    )
    degree_capped = serializers.BooleanField(
        help_text=f"True when counting stopped at {DEGREE_CAP}: degree is a lower bound."
    )


class GraphEdgeSerializer(serializers.Serializer):
    """For the schema: a relation of an answer."""

    id = serializers.IntegerField()
    source = serializers.IntegerField()  # type: ignore[assignment]  # a field named "source": DRF pops declared fields off the class
    target = serializers.IntegerField()
    kind = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    confidence = serializers.IntegerField()


class MoreMarkerSerializer(serializers.Serializer):
    """For the schema: an expanded entity with more relations than the cap."""

    node = serializers.IntegerField()
    shown = serializers.IntegerField(help_text="Its relations in the answer.")
    hidden = serializers.IntegerField(help_text="Its relations left out.")
    at_least = serializers.BooleanField(
        required=False,
        help_text=f"Present (true) when the entity's relations were counted up to "
        f"{DEGREE_CAP} only: hidden is then a lower bound (at least one).",
    )


class GraphAnswerSerializer(serializers.Serializer):
    """For the schema: nodes, edges, "more" markers and the stated order of a cap."""

    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
    more = MoreMarkerSerializer(many=True)
    order = serializers.CharField(help_text="Which relations a cap keeps first.")


class GraphExpand(APIView):
    """An entity set's neighbours, 1 or 2 relations away, capped per entity with a
    count of the rest ("more"), each entity with its count of relations."""

    permission_classes = [GRAPH_READERS]

    @extend_schema(parameters=[ExpandQuery], responses={200: GraphAnswerSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        query = ExpandQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, data = request_user(request), query.validated_data
        _known(user, data["ids"], "ids")
        answer = graph_selectors.graph_expand(
            user=user,
            ids=data["ids"],
            hops=int(data["hops"]),
            graph_filter=query.graph_filter(),
            cap=data["cap"],
        )
        graph_consultation_record(
            actor=user, query="expand", ids=data["ids"], parameters=query.parameters()
        )
        return Response({**answer, "edges": edges_with_amounts(answer["edges"])})


class GraphPath(APIView):
    """A shortest path (at most 6 relations) between two entities: status "found",
    "none" (no path within max_hops) or "too_broad" (the search was stopped)."""

    permission_classes = [GRAPH_READERS]

    @extend_schema(parameters=[PathQuery], responses={200: GraphAnswerSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        query = PathQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, data = request_user(request), query.validated_data
        _known(user, [data["source"]], "source")
        _known(user, [data["target"]], "target")
        answer = graph_selectors.graph_path(
            user=user,
            source=data["source"],
            target=data["target"],
            graph_filter=query.graph_filter(),
            max_hops=data["max_hops"],
        )
        graph_consultation_record(
            actor=user,
            query="path",
            ids=[data["source"], data["target"]],
            parameters=query.parameters(),
        )
        return Response({**answer, "edges": edges_with_amounts(answer["edges"])})


class GraphNetwork(APIView):
    """The connecting network of a set of entities: shortest paths between each pair."""

    permission_classes = [GRAPH_READERS]

    @extend_schema(parameters=[NetworkQuery], responses={200: GraphAnswerSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        query = NetworkQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, data = request_user(request), query.validated_data
        _known(user, data["ids"], "ids")
        answer = graph_selectors.graph_network(
            user=user, ids=data["ids"], graph_filter=query.graph_filter()
        )
        graph_consultation_record(
            actor=user, query="network", ids=data["ids"], parameters=query.parameters()
        )
        return Response({**answer, "edges": edges_with_amounts(answer["edges"])})


class GraphPivot(APIView):
    """Entities sharing a phone, e-mail, address, bank account or identity document
    with the given ones, one group per identifier (capped, with a count of the rest)."""

    permission_classes = [GRAPH_READERS]

    @extend_schema(parameters=[PivotQuery], responses={200: GraphAnswerSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        query = PivotQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user, data = request_user(request), query.validated_data
        _known(user, data["ids"], "ids")
        answer = graph_selectors.graph_pivot(
            user=user, ids=data["ids"], graph_filter=query.graph_filter(), cap=data["cap"]
        )
        graph_consultation_record(
            actor=user, query="pivot", ids=data["ids"], parameters=query.parameters()
        )
        return Response({**answer, "edges": edges_with_amounts(answer["edges"])})


class ChartSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["graphml", "anx", "ftm"])
    nodes = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        allow_empty=False,
        max_length=MAX_EXPORT_IDS,
    )
    edges = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        default=list,
        max_length=MAX_EXPORT_IDS,
    )
    positions = serializers.DictField(
        child=serializers.ListField(
            child=serializers.FloatField(min_value=-1e7, max_value=1e7),
            min_length=2,
            max_length=2,
        ),
        required=False,
        default=dict,
        help_text='Where each entity sits on the chart: {"12": [x, y]}.',
    )

    def validate_positions(self, value: dict[str, list[float]]) -> dict[int, tuple[float, float]]:
        out: dict[int, tuple[float, float]] = {}
        for key, (x, y) in value.items():
            if not str(key).isdigit():
                raise serializers.ValidationError(_("Positions are keyed by entity id."))
            out[int(key)] = (x, y)
        return out


class GraphExport(APIView):
    """A chart (the ids of its entities and relations, re-checked against the user's
    reach) as GraphML or as an i2 Analyst's Notebook chart (ANX); audited as an export."""

    permission_classes = [GRAPH_EXPORTERS]

    @extend_schema(request=ChartSerializer, responses={200: bytes, **ERRORS})
    def post(self, request: Request) -> Any:
        payload = ChartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            export = graph_export(
                actor=request_user(request),
                node_ids=data["nodes"],
                edge_ids=data["edges"],
                file_format=data["format"],
                positions=data["positions"],
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return download_response(
            export.content, content_type=export.content_type, filename=export.filename
        )
