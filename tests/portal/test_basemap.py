"""The offline base map: its tiles carry Vilnius's roads, water and name and nothing of
the open Atlantic, are simplified at low zoom, cacheable, and loaded once."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection

from portal.services.basemap import basemap_load

VILNIUS_Z10 = (10, 583, 325)
VILNIUS_Z14 = (14, 9342, 5206)
ATLANTIC_Z10 = (10, 426, 368)  # about 30° W, 45° N
LITHUANIA_Z7 = (7, 72, 40)


def tile_url(z: int, x: int, y: int, version: str = "") -> str:
    return f"/api/v1/basemap/{z}/{x}/{y}/" + (f"?v={version}" if version else "")


def features_of(response) -> list[list]:
    assert response.status_code == 200, response.content[:200]
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)["features"]


def vertices(geometry: dict) -> int:
    def count(value) -> int:
        if value and isinstance(value[0], (int, float)):
            return 1
        return sum(count(item) for item in value)

    return count(geometry["coordinates"])


@pytest.fixture
def officer_client(officer, client_for, basemap):
    cache.clear()
    return client_for(officer)


def test_a_tile_over_vilnius_has_its_roads_railways_water_built_up_area_and_name(
    officer_client,
):
    features = features_of(officer_client.get(tile_url(*VILNIUS_Z10)))

    layers = {feature[0] for feature in features}
    assert {"road", "rail", "river", "water", "builtup", "place"} <= layers
    names = {feature[2] for feature in features if feature[0] == "place"}
    assert "Vilnius" in names
    # In tile coordinates (0..512), clipped near the edge; names may lie further out
    # (a name across the edge is drawn by both tiles).
    for layer, _kind, _name, geometry in features:
        if layer != "place":
            flat = json.dumps(geometry["coordinates"]).replace("[", "").replace("]", "")
            assert all(-16 <= float(v) <= 528 for v in flat.split(",")), layer
    # Drawing order: areas under lines, names on top.
    order = [feature[0] for feature in features]
    assert order.index("water") < order.index("road") < order.index("place")


def test_villages_are_named_only_when_zoomed_in(officer_client):
    at_10 = features_of(officer_client.get(tile_url(*VILNIUS_Z10)))
    at_14 = features_of(officer_client.get(tile_url(*VILNIUS_Z14)))

    assert not [f for f in at_10 if f[0] == "place" and f[1] == "village"]
    assert "secondary" in {f[1] for f in at_14 if f[0] == "road"}


def test_a_tile_of_the_open_atlantic_is_empty(officer_client):
    assert features_of(officer_client.get(tile_url(*ATLANTIC_Z10))) == []


def test_low_zoom_tiles_are_simplified_to_fewer_vertices(officer_client):
    """Zoom 7 (the whole country in a tile or two) carries a fraction of the vertices
    of the roads it draws."""
    z, x, y = LITHUANIA_Z7
    features = features_of(officer_client.get(tile_url(z, x, y)))
    roads = [f for f in features if f[0] == "road"]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT sum(ST_NPoints(geom)) FROM portal_basemap_feature
               WHERE layer = 'road' AND min_zoom <= %s
               AND geom && ST_TileEnvelope(%s, %s, %s)""",
            [z, z, x, y],
        )
        stored = cursor.fetchone()[0]

    assert len(roads) > 500
    assert sum(vertices(f[3]) for f in roads) < stored / 2


def test_tiles_are_gzipped_and_cacheable_by_version(officer_client, basemap):
    response = officer_client.get(
        tile_url(*VILNIUS_Z10, version=basemap), HTTP_ACCEPT_ENCODING="gzip, br"
    )

    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert "Accept-Encoding" in response["Vary"]
    assert features_of(response)
    etag = response["ETag"]

    again = officer_client.get(tile_url(*VILNIUS_Z10, version=basemap), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    # An address without the current version may change its answer: an hour at most.
    stale = officer_client.get(tile_url(*VILNIUS_Z10, version="old"))
    assert stale["Cache-Control"] == "private, max-age=3600"


def test_a_tile_is_computed_once_then_served_from_the_cache(
    officer_client, django_assert_max_num_queries
):
    first = features_of(officer_client.get(tile_url(*VILNIUS_Z10)))
    # The session, the user and the second factor, the version: no tile query.
    with django_assert_max_num_queries(8) as queries:
        second = features_of(officer_client.get(tile_url(*VILNIUS_Z10)))
    assert second == first
    assert not [q for q in queries.captured_queries if "ST_AsMVTGeom" in q["sql"]]


@pytest.mark.parametrize(("z", "x", "y"), [(20, 0, 0), (3, 8, 0), (3, 0, 8)])
def test_a_tile_that_does_not_exist_is_a_clear_404(officer_client, z, x, y):
    response = officer_client.get(tile_url(z, x, y))

    assert response.status_code == 404
    assert f"{z}/{x}/{y}" in response.content.decode()


def test_signed_out_gets_no_tile(db, client, basemap):
    assert client.get(tile_url(*VILNIUS_Z10)).status_code in (401, 403)


def test_loading_again_changes_nothing_unless_the_files_changed(db, basemap):
    assert basemap_load() == {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM portal_basemap_version")
        assert cursor.fetchone()[0] == basemap
