"""The tables of the offline base map (portal/services/basemap.py), without a Django
model: reference data no page edits, which the test runner's flush must not empty."""

from django.db import migrations

CREATE = """
CREATE TABLE portal_basemap_feature (
    id serial PRIMARY KEY,
    layer varchar(10) NOT NULL,
    kind varchar(20) NOT NULL,
    name varchar(200),
    min_zoom smallint NOT NULL,
    max_zoom smallint NOT NULL,
    rank integer NOT NULL DEFAULT 0,
    geom geometry(Geometry, 3857) NOT NULL,
    geom_low geometry(Geometry, 3857),
    geom_mid geometry(Geometry, 3857)
);
CREATE INDEX portal_basemap_feature_geom_idx ON portal_basemap_feature USING gist (geom);
CREATE TABLE portal_basemap_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version varchar(64) NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
"""
DROP = "DROP TABLE portal_basemap_feature; DROP TABLE portal_basemap_version;"


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_audit_chain_scheme")]

    operations = [migrations.RunSQL(CREATE, DROP)]
