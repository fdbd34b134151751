"""Reference geography: borders, crossing points, the operational area."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.accounts import ERRORS
from portal.api.permissions import Authenticated


# --- Reference geography -------------------------------------------------------------
class ReferenceLayersView(APIView):
    """Borders, crossing points and the operational area as GeoJSON, for every map."""

    permission_classes = [Authenticated]

    @extend_schema(responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        from portal.selectors.geo import reference_layers_geojson

        response = Response(reference_layers_geojson())
        response["Cache-Control"] = "private, max-age=3600"
        return response
