"""Reference geography: borders, crossing points, the operational area."""

import gzip

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
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


# --- The offline base map -----------------------------------------------------------
class BasemapTileView(APIView):
    """One tile of the portal's offline base map (OpenStreetMap and Natural Earth data,
    portal/data/basemap), drawn by every map when no tile server is configured.

    The answer is gzipped JSON: ``{"extent": 512, "features": [[layer, kind, name,
    geometry], ...]}``, each geometry GeoJSON in tile coordinates (0..extent, y down),
    simplified for the zoom, in drawing order. Layers: sea, water, builtup, river, rail,
    road (kind motorway, trunk, primary, secondary), place (kind city, town, village,
    major; name). A tile outside the covered area has no features. ``v`` (the base map's
    version, as the maps ask for it) makes the answer cacheable for a year; the ETag
    answers a repeated request with 304."""

    permission_classes = [Authenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("v", str, description="the base map's version (cache key)"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="the tile's features"
            ),
            304: OpenApiResponse(description="not modified (If-None-Match)"),
            **ERRORS,
        },
    )
    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        from portal.selectors.basemap import basemap_tile_gzip, basemap_version, tile_exists

        if not tile_exists(z=z, x=x, y=y):
            raise NotFound(_("There is no tile %(z)s/%(x)s/%(y)s.") % {"z": z, "x": x, "y": y})
        # Not loaded yet (manage.py load_basemap): empty tiles, and the map still works.
        version = basemap_version() or "none"
        etag = f'"{version}-{z}-{x}-{y}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            body = basemap_tile_gzip(version=version, z=z, x=x, y=y)
            if "gzip" in request.headers.get("Accept-Encoding", ""):
                response = HttpResponse(body, content_type="application/json")
                response["Content-Encoding"] = "gzip"
            else:
                response = HttpResponse(gzip.decompress(body), content_type="application/json")
        response["ETag"] = etag
        response["Vary"] = "Accept-Encoding"
        # Private: the tiles are for signed-in users. A version in the address is an
        # address that never changes its answer.
        immutable = request.query_params.get("v") == version
        response["Cache-Control"] = (
            "private, max-age=31536000, immutable" if immutable else "private, max-age=3600"
        )
        return response
