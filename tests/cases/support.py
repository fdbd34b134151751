"""What the violation tests share: places on the map, a complete set of tobacco facts,
drafts logged through the service, photos made in memory and the audit trail of an object."""

import math
from datetime import timedelta
from io import BytesIO
from typing import Any

from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from cases.models import Violation, ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from portal.models import AuditRecord, User

# The lorry lanes at Medininkai, 54°32'22.2"N 25°39'13.0"E, inside the operational area.
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
# LKS-94 (EPSG:3346) easting and northing of the same place.
MEDININKAI_LKS94 = "607003 6046016"
# Minsk, well outside the operational area.
MINSK = Point(27.56, 53.90, srid=4326)

# Every fact a tobacco seizure needs before it can be submitted.
TOBACCO_FACTS: dict[str, Any] = {
    "transport_mode": "road",
    "detection_method": "xray",
    "product_type": "cigarettes",
    "brand": "Minsk",
    "excise_stamps": "foreign",
}


def category(code: str) -> ViolationCategory:
    return ViolationCategory.objects.get(code=code)


def violation_input(
    *,
    category_code: str = "tobacco",
    location: Point | None = MEDININKAI,
    details: dict[str, Any] | None = None,
    **fields: Any,
) -> ViolationInput:
    """A complete tobacco seizure an hour ago at Medininkai, unless told otherwise."""
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - timedelta(hours=1),
        "location_source": "gps" if location is not None else "",
        "location_accuracy_m": 8 if location is not None else None,
    }
    values.update(fields)
    return ViolationInput(
        category=category(category_code),
        location=location,
        details=dict(TOBACCO_FACTS if details is None else details),
        **values,
    )


def draft_of(actor: User, **changes: Any) -> Violation:
    """A draft logged by ``actor`` through the service (see ``violation_input``)."""
    violation, _created = violation_create(actor=actor, data=violation_input(**changes))
    return violation


def point_north_of(point: Point, km: float) -> Point:
    """The point ``km`` kilometres due north of ``point`` (a degree of latitude is about
    111.2 km everywhere)."""
    return Point(point.x, point.y + km / 111.195, srid=4326)


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine) between two WGS 84 points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def jpeg_photo(*, with_gps: bool = True, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG as a phone camera writes it: pixels and, unless told otherwise, the EXIF
    position of Medininkai (54°32'22.2"N 25°39'13.0"E) in the GPSInfo IFD."""
    image = Image.new("RGB", size, (150, 60, 40))
    exif = Image.Exif()
    if with_gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (54.0, 32.0, 22.2),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (25.0, 39.0, 13.0),
        }
    out = BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def a_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def audit_trail(obj: models.Model, action: str | None = None) -> list[AuditRecord]:
    """The audit records about ``obj``, oldest first (optionally of one action only)."""
    records = AuditRecord.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")
    if action is not None:
        records = records.filter(action=action)
    return list(records)


def open_dossier(
    client: Any, entity: Any, purpose: str = "Check requested by the border post"
) -> Any:
    """Open ``entity``'s dossier through the front door, stating ``purpose`` when it asks
    (a person's or company's dossier outside one's own cases); the final response."""
    url = reverse("entities:entity-detail", args=[entity if isinstance(entity, int) else entity.pk])
    return client.post(url, {"purpose": purpose}, follow=True)
