"""Serializer fields shared by the API modules."""

from datetime import datetime
from typing import Any

from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.lib.timefmt import OUT_OF_RANGE, supported_date


class BoundedDateTimeField(serializers.DateTimeField):
    """A moment between the years 2000 and 2100 (portal.lib.timefmt), refused with a clear
    message outside them: DRF's own field raises OverflowError on ``0001-01-01T00:10``
    when it applies the time zone, which would be a server error."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(supported_date)

    def to_internal_value(self, value: Any) -> datetime:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")


class NumberField(serializers.FloatField):
    """A number written as a JSON number or a numeric string, never ``true``/``false``:
    DRF's FloatField takes ``float(True)`` and a boolean latitude became 1.0."""

    default_error_messages = {"boolean": _("Give a number, not true or false.")}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("boolean")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.OBJECT)
class PolygonField(serializers.Field):
    """A polygon, written as a GeoJSON Polygon geometry (WGS 84 longitude/latitude);
    null for none. Read-only: input outlines are parsed where their rules are known."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Polygon) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": value.coords}


class ClientKeySerializer(serializers.Serializer):
    """The device's key for one write: sent again (the answer to the first was lost), the
    request returns the first result instead of acting twice."""

    client_key = serializers.UUIDField(
        required=False,
        help_text="The device's key for this write: sent again, it returns the first result "
        "instead of acting twice.",
    )
