"""The search API: the same search as the page (cases/views/search.py), audited with its
purpose; for those who may search (``cases.use_search``)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.forms.search import SearchForm
from cases.selectors.search import search_kinds_for_user
from cases.services.search import search_run
from portal.api.helpers import ERRORS, request_user
from portal.api.permissions import require_perms


class SearchQuerySerializer(serializers.Serializer):
    """Checked by the page's form, so that both answer bad input with the same words."""

    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    purpose = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    kind = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField(required=False, allow_blank=True)
    year = serializers.CharField(required=False, allow_blank=True)
    page = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = SearchForm(attrs, kinds=self.context["kinds"])
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        return {"query": form.to_query(), "purpose": form.cleaned_data["purpose"]}


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    occurred_on = serializers.DateField(allow_null=True)
    rank = serializers.FloatField()
    url = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: the text escaped, matches in <mark>.")


class FacetSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by the metaclass
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchAnswerSerializer(serializers.Serializer):
    matches = serializers.IntegerField()
    capped = serializers.BooleanField(help_text="More matches than were ranked.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    facets = serializers.DictField(child=FacetSerializer(many=True))
    facets_capped = serializers.BooleanField()
    hits = HitSerializer(many=True)


class SearchApi(APIView):
    """Ranked matches within the caller's reach, one page of 20, with facet counts."""

    permission_classes = [require_perms("cases.use_search")]

    @extend_schema(
        parameters=[SearchQuerySerializer], responses={200: SearchAnswerSerializer, **ERRORS}
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        kinds = [source.kind for source in search_kinds_for_user(user=user)]
        query = SearchQuerySerializer(data=request.query_params, context={"kinds": kinds})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        results = search_run(actor=user, query=data["query"], purpose=data["purpose"])
        return Response(SearchAnswerSerializer(results).data)
