"""Points as the database can compute with them."""

from django.contrib.gis.geos import Point

# A coordinate closer to 0 than this many degrees (about 0.1 mm on the ground) is 0.
# No device measures that finely, and a subnormal float such as 5e-324 underflows in
# PostgreSQL's arithmetic (the map grid's cell maths answered "value out of range:
# underflow"). Snapping rather than refusing: a device whose report is refused resends
# it for ever, and 0 is the position it meant to the last millimetre.
COORDINATE_RESOLUTION = 1e-9


def coordinate_snap(value: float) -> float:
    """``value``, or 0.0 when its absolute value is below ``COORDINATE_RESOLUTION``."""
    return 0.0 if abs(value) < COORDINATE_RESOLUTION else value


def point_snap(point: Point) -> Point:
    """``point`` with each coordinate snapped by ``coordinate_snap`` (a new Point)."""
    return Point(coordinate_snap(point.x), coordinate_snap(point.y), srid=point.srid)
