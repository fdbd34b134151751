"""Files made of position histories and unit figures: GPX 1.1, KML 2.2, CSV.

The XML is written by a streaming writer (xml.sax.saxutils.XMLGenerator), which
escapes text and attributes, so a call sign such as ``<A&B>`` stays text. Reports
stream from a server-side cursor in chunks; a file of a week of reports is never held
in memory at once (KML holds one unit's track: its times come before its coordinates).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.models import MobileUnit
from dispatch.selectors_tracks import TRACK_COLOURS, ReportRow, UnitMonthStats
from portal.exports import csv_safe_row
from portal.timefmt import utc_iso

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


# --- Monthly figures as CSV ---------------------------------------------------------

STATS_COLUMNS = [
    "unit",
    "month",
    "tasks_assigned",
    "tasks_completed",
    "tasks_cancelled",
    "acknowledge_median_s",
    "acknowledge_p90_s",
    "arrive_median_s",
    "arrive_p90_s",
    "distance_m",
    "hours_with_reports",
]


def _seconds(value: float | None) -> Any:
    return round(value, 1) if value is not None else ""


def unit_stats_csv(*, rows: Iterable[UnitMonthStats], month: str) -> str:
    """The month's table as CSV (UTF-8 with a byte-order mark for spreadsheets); text
    that a spreadsheet would run as a formula is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STATS_COLUMNS)
    for row in rows:
        writer.writerow(
            csv_safe_row(
                [
                    row.call_sign,
                    month,
                    row.tasks_assigned,
                    row.tasks_completed,
                    row.tasks_cancelled,
                    _seconds(row.acknowledge_median_s),
                    _seconds(row.acknowledge_p90_s),
                    _seconds(row.arrive_median_s),
                    _seconds(row.arrive_p90_s),
                    round(row.distance_m),
                    row.report_hours,
                ]
            )
        )
    return "\ufeff" + out.getvalue()
