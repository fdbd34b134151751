"""What an OPTIONS request answers on every API endpoint."""

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.views import APIView


class PortalMetadata(SimpleMetadata):
    """The endpoint's name, description and media types, without DRF's ``actions``.

    DRF's SimpleMetadata describes the PUT/POST input by calling ``get_object()`` on
    the view, which our views do not support: their reads go through selectors scoped
    to the user, not ``self.queryset`` (a view without one answered OPTIONS with a 500).
    The input of every endpoint is described in the OpenAPI schema (/api/schema/).
    """

    def determine_metadata(self, request: Request, view: "APIView") -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
