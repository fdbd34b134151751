"""Evidence files: checked by content (not by name), hashed, stored once under their
SHA-256 and never altered; images get a thumbnail and their EXIF position and time."""

import hashlib
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from cases.models import ClientWriteKind, Evidence, Violation
from cases.services.writes import already_removed, client_write_claim, client_write_done
from portal.lib.text import lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# Content signatures of the accepted types: the first bytes decide, not the file name.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]
IMAGE_TYPES = {"image/jpeg", "image/png"}
THUMBNAIL_SIZE = (480, 480)
# The most pixels a photo may have: 50 megapixels is beyond any phone or camera an
# officer carries, and decoding one takes 150 MB in RGB. Refused from the header, before
# the pixels are decoded. Pillow's own decompression-bomb guard is set to the same
# bound: it only warns between one and two times it and fails above (a 144-megapixel PNG
# passed its default), so the explicit check below is what refuses.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
DESCRIPTION_MAX = 300


def _image_open(content: bytes, name: str | None) -> Image.Image:
    """The photo, opened (its header read, nothing decoded). Pillow warns of a
    decompression bomb between MAX_PIXELS and twice that and refuses above: both are
    our refusal here, with its message, so that no warning reaches the log."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(BytesIO(content))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise ValidationError({"file": _too_many_pixels(name)}) from error


@dataclass(frozen=True)
class PhotoFacts:
    location: Point | None
    taken_at: datetime | None


def _detect_type(head: bytes) -> str | None:
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


def _read_checked(upload: UploadedFile) -> tuple[bytes, str]:
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {
                "file": _("%(name)s is larger than %(limit)d MB.")
                % {"name": upload.name, "limit": limit // 2**20}
            }
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {
                "file": _("%(name)s is larger than %(limit)d MB.")
                % {"name": upload.name, "limit": limit // 2**20}
            }
        )
    if not content:
        raise ValidationError({"file": _("%(name)s is empty.") % {"name": upload.name}})
    content_type = _detect_type(content[:16])
    if content_type is None:
        raise ValidationError(
            {
                "file": _("%(name)s is not a JPEG or PNG photo or a PDF document.")
                % {"name": upload.name}
            }
        )
    return content, content_type


def _rational(value: Any) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _gps_point(gps: dict[int, Any]) -> Point | None:
    try:
        lat = sum(_rational(part) / 60**index for index, part in enumerate(gps[2]))
        lon = sum(_rational(part) / 60**index for index, part in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if gps.get(1) == "S":
        lat = -lat
    if gps.get(3) == "W":
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return Point(lon, lat, srid=4326)


def photo_facts(image: Image.Image) -> PhotoFacts:
    """Position and time the camera wrote into the photo, when it did."""
    exif = image.getexif()
    location = _gps_point(dict(exif.get_ifd(ExifTags.IFD.GPSInfo))) if exif else None
    taken_at = None
    raw_time = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) if exif else None
    if isinstance(raw_time, str):
        try:
            taken_at = timezone.make_aware(datetime.strptime(raw_time, "%Y:%m:%d %H:%M:%S"))  # noqa: DTZ007  made aware in the portal's zone
        except ValueError:
            taken_at = None
    return PhotoFacts(location=location, taken_at=taken_at)


def _thumbnail(image: Image.Image) -> bytes:
    preview = ImageOps.exif_transpose(image) or image
    preview = preview.convert("RGB")
    preview.thumbnail(THUMBNAIL_SIZE)
    out = BytesIO()
    preview.save(out, format="JPEG", quality=82)
    return out.getvalue()


def _too_many_pixels(name: str | None) -> str:
    return _("%(name)s has more than %(limit)d megapixels; send a smaller photo.") % {
        "name": name,
        "limit": MAX_PIXELS // 1_000_000,
    }


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    violation: Violation,
    upload: UploadedFile,
    description: str = "",
    client_key: uuid.UUID | None = None,
) -> Evidence:
    """A photo or document, kept exactly as received. The same file twice is one
    evidence file; a re-send with the same ``client_key`` returns the first one."""
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.EVIDENCE, client_key=client_key
    )
    if record is not None and not first:
        earlier = Evidence.objects.filter(pk=record.result_id or 0, violation=violation).first()
        if earlier is None:
            raise already_removed(
                _("This file was added earlier and removed since; it was not added again.")
            )
        return earlier
    lengths_check({"description": (description.strip(), DESCRIPTION_MAX)})
    content, content_type = _read_checked(upload)
    digest = hashlib.sha256(content).hexdigest()
    existing = Evidence.objects.filter(violation=violation, sha256=digest).first()
    if existing is not None:
        client_write_done(record, existing.pk)
        return existing
    evidence = Evidence(
        violation=violation,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        description=description.strip(),
        uploaded_by=actor,
    )
    if content_type in IMAGE_TYPES:
        try:
            with _image_open(content, upload.name) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError({"file": _too_many_pixels(upload.name)})
                image.load()
                facts = photo_facts(image)
                thumbnail = _thumbnail(image)
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError(
                {"file": _("%(name)s could not be read as an image.") % {"name": upload.name}}
            ) from error
        evidence.exif_location = facts.location
        evidence.exif_taken_at = facts.taken_at
        evidence.thumbnail.save(f"{digest}.jpg", ContentFile(thumbnail), save=False)
    # The original bytes, exactly as received.
    evidence.file.save(digest, ContentFile(content), save=False)
    evidence.save()
    client_write_done(record, evidence.pk)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=violation,
        changes={
            "evidence_added": {
                "name": evidence.original_name,
                "sha256": digest,
                "size": evidence.size,
            }
        },
    )
    return evidence
