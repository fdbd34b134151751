"""Track consultations (audited) and the GPX and KML files of tracks."""

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.models import MobileUnit
from dispatch.selectors.tracks import TRACK_COLOURS, ReportRow
from portal.lib.timefmt import utc_iso
from portal.models import AuditAction, AuditRecord, User
from portal.services.audit import audit_record

OBJECT_TYPE = "dispatch.positionreport"


def _period(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def track_view_audit(
    *,
    actor: User,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    points: int,
) -> AuditRecord:
    """Record that ``actor`` was shown the tracks of ``units`` in the period."""
    names = [unit.call_sign for unit in units]
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr=f"tracks {', '.join(names)}",
        changes={"units": names, **_period(start, end), "points": points},
    )


def track_search_audit(
    *,
    actor: User,
    place: Point,
    radius_m: float,
    start: datetime,
    end: datetime,
    found: Sequence[MobileUnit],
) -> AuditRecord:
    """Record a "who was near this place" search and the units it named."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr=f"units near {place.y:.5f}, {place.x:.5f}",
        changes={
            "latitude": round(place.y, 6),
            "longitude": round(place.x, 6),
            "radius_m": radius_m,
            **_period(start, end),
            "found": [unit.call_sign for unit in found],
        },
    )


def track_export_audit(
    *,
    actor: User,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    file_format: str,
    points: int,
) -> AuditRecord:
    """Record a GPX or KML download of the tracks of ``units`` in the period."""
    names = [unit.call_sign for unit in units]
    changes: dict[str, Any] = {
        "format": file_format,
        "units": names,
        **_period(start, end),
        "points": points,
    }
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=OBJECT_TYPE,
        object_repr=f"tracks {file_format.upper()} {', '.join(names)}",
        changes=changes,
    )


GPX_NS = "http://www.topografix.com/GPX/1/1"


KML_NS = "http://www.opengis.net/kml/2.2"


GX_NS = "http://www.google.com/kml/ext/2.2"


CREATOR = "Customs Enforcement Portal"


CONTENT_TYPES = {
    "gpx": "application/gpx+xml",
    "kml": "application/vnd.google-earth.kml+xml",
}


CHUNK = 2000


# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _coordinate(value: float) -> str:
    return f"{value:.6f}"


class _Writer:
    """XMLGenerator over a string buffer that is handed out piece by piece."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.xml = XMLGenerator(self.buffer, encoding="utf-8", short_empty_elements=True)

    def start(self, name: str, attrs: dict[str, str] | None = None) -> None:
        self.xml.startElement(name, AttributesImpl({k: _text(v) for k, v in (attrs or {}).items()}))

    def end(self, name: str) -> None:
        self.xml.endElement(name)

    def element(self, name: str, text: str) -> None:
        self.start(name)
        self.xml.characters(_text(text))
        self.end(name)

    def drain(self) -> str:
        out = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate(0)
        return out


def track_file_name(
    *, units: Sequence[MobileUnit], start: datetime, end: datetime, file_format: str
) -> str:
    """``tracks_MU-A1_MU-B2_2026-01-05_2026-01-06.gpx``: the units (their count when
    many) and the local dates of the period, in characters safe in any file system."""
    if len(units) <= 4:
        who = "_".join(re.sub(r"[^A-Za-z0-9-]+", "-", u.call_sign).strip("-") for u in units)
    else:
        who = f"{len(units)}-units"
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    dates = first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
    return f"tracks_{who or 'units'}_{dates}.{file_format}"


def _title(units: Sequence[MobileUnit], start: datetime, end: datetime) -> str:
    """The document's name: the units and the period in local time, in the language of
    the person exporting."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    return _("%(units)s: %(start)s to %(end)s") % {
        "units": ", ".join(unit.call_sign for unit in units),
        "start": f"{local_start:%Y-%m-%d %H:%M}",
        "end": f"{local_end:%Y-%m-%d %H:%M}",
    }


def _by_unit(
    units: Sequence[MobileUnit], rows: Iterable[ReportRow]
) -> Iterator[tuple[MobileUnit, Iterator[ReportRow]]]:
    """Each unit with its rows. ``rows`` come in the order of ``units`` (call sign),
    each unit's in time order; each unit's rows must be read before the next unit's."""
    iterator = iter(rows)
    pending = next(iterator, None)

    def rows_of(unit_id: int) -> Iterator[ReportRow]:
        nonlocal pending
        while pending is not None and pending[0] == unit_id:
            yield pending
            pending = next(iterator, None)

    for unit in units:
        yield unit, rows_of(unit.pk)


def gpx_chunks(
    *,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    rows: Iterable[ReportRow],
) -> Iterator[str]:
    """GPX 1.1: one <trk> per unit with one <trkseg> of <trkpt lat lon><time>."""
    out = _Writer()
    out.xml.startDocument()
    out.start("gpx", {"xmlns": GPX_NS, "version": "1.1", "creator": CREATOR})
    out.start("metadata")
    out.element("name", _title(units, start, end))
    out.element("time", utc_iso(timezone.now()))
    out.end("metadata")
    for unit, unit_rows in _by_unit(units, rows):
        out.start("trk")
        out.element("name", unit.call_sign)
        out.start("trkseg")
        for count, (_unit_id, when, lat, lon, _speed) in enumerate(unit_rows, start=1):
            out.start("trkpt", {"lat": _coordinate(lat), "lon": _coordinate(lon)})
            out.element("time", utc_iso(when))
            out.end("trkpt")
            if count % CHUNK == 0:
                yield out.drain()
        out.end("trkseg")
        out.end("trk")
        yield out.drain()
    out.end("gpx")
    out.xml.endDocument()
    yield out.drain() + "\n"


def _kml_colour(hex_rgb: str) -> str:
    """#rrggbb as KML's aabbggrr, opaque."""
    red, green, blue = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{blue}{green}{red}"


def kml_chunks(
    *,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    rows: Iterable[ReportRow],
) -> Iterator[str]:
    """KML 2.2: one Placemark per unit holding a gx:Track (its <when> times, then its
    <gx:coord> positions, as the schema orders them), styled in the unit's colour."""
    out = _Writer()
    out.xml.startDocument()
    out.start("kml", {"xmlns": KML_NS, "xmlns:gx": GX_NS})
    out.start("Document")
    out.element("name", _title(units, start, end))
    for index, _unit in enumerate(units):
        colour = _kml_colour(TRACK_COLOURS[index % len(TRACK_COLOURS)])
        out.start("Style", {"id": f"unit-{index + 1}"})
        out.start("LineStyle")
        out.element("color", colour)
        out.element("width", "3")
        out.end("LineStyle")
        out.start("IconStyle")
        out.element("color", colour)
        out.end("IconStyle")
        out.end("Style")
    yield out.drain()
    for index, (unit, unit_rows) in enumerate(_by_unit(units, rows)):
        times: list[str] = []
        coords: list[str] = []
        for _unit_id, when, lat, lon, _speed in unit_rows:
            times.append(utc_iso(when))
            coords.append(f"{_coordinate(lon)} {_coordinate(lat)} 0")
        out.start("Placemark")
        out.element("name", unit.call_sign)
        out.element("styleUrl", f"#unit-{index + 1}")
        if times:
            out.start("gx:Track")
            for count, moment in enumerate(times, start=1):
                out.element("when", moment)
                if count % CHUNK == 0:
                    yield out.drain()
            for count, coord in enumerate(coords, start=1):
                out.element("gx:coord", coord)
                if count % CHUNK == 0:
                    yield out.drain()
            out.end("gx:Track")
        out.end("Placemark")
        yield out.drain()
    out.end("Document")
    out.end("kml")
    out.xml.endDocument()
    yield out.drain() + "\n"
