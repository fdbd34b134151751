"""The violation map's pre-aggregated grid (cases.models.map_grid), filled from the
violations already there (about half a minute per million violations)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Frozen copies of cases.models.map_grid as of this migration: later changes to the
# stored zooms are applied with `manage.py violation_grid_rebuild`, not by editing this.
TABLES = [
    ("cases_violation_grid", (4, 5, 6, 7, 8, 9, 11, 13, 15), ["category_id", "unit_id", "status"]),
    ("cases_violation_grid_month", (4, 5, 6, 7, 8, 9, 10), ["month", "category_id"]),
]
MONTH = "date_trunc('month', occurred_at AT TIME ZONE %(tz)s)::date"


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, zooms, dimensions in TABLES:
            key = ", ".join(["zoom", "cell_x", "cell_y", *dimensions])
            positions = ", ".join(str(n) for n in range(1, 4 + len(dimensions)))
            finest, *coarser = sorted(zooms, reverse=True)
            expressions = ", ".join(MONTH if d == "month" else d for d in dimensions)
            cursor.execute(
                f"""
                INSERT INTO {table} ({key}, count, sum_lon, sum_lat)
                SELECT %(zoom)s, floor(ST_X(location) / %(size)s)::int,
                       floor(ST_Y(location) / %(size)s)::int, {expressions},
                       count(*), sum(ST_X(location)), sum(ST_Y(location))
                FROM cases_violation WHERE location IS NOT NULL
                GROUP BY {positions}
                """,  # noqa: S608  names are the constants above, values are parameters
                {"zoom": finest, "size": 67.5 / 2**finest, "tz": settings.TIME_ZONE},
            )
            finer = finest
            for zoom in coarser:
                cursor.execute(
                    f"""
                    INSERT INTO {table} ({key}, count, sum_lon, sum_lat)
                    SELECT %(zoom)s, cell_x >> %(shift)s, cell_y >> %(shift)s,
                           {", ".join(dimensions)}, sum(count), sum(sum_lon), sum(sum_lat)
                    FROM {table} WHERE zoom = %(finer)s
                    GROUP BY {positions}
                    """,  # noqa: S608
                    {"zoom": zoom, "shift": finer - zoom, "finer": finer},
                )
                finer = zoom


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_load_hs_codes"),
        ("portal", "0005_load_reference_geography"),
    ]

    operations = [
        migrations.CreateModel(
            name="ViolationGridCell",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "zoom",
                        "cell_x",
                        "cell_y",
                        "category",
                        "unit",
                        "status",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("zoom", models.PositiveSmallIntegerField()),
                ("cell_x", models.IntegerField()),
                ("cell_y", models.IntegerField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("verified", "Verified"),
                            ("linked", "Linked to a case"),
                        ],
                        max_length=20,
                    ),
                ),
                ("count", models.IntegerField()),
                ("sum_lon", models.FloatField()),
                ("sum_lat", models.FloatField()),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.violationcategory",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="portal.orgunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "violation map grid cell",
                "db_table": "cases_violation_grid",
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="ViolationGridMonth",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "zoom",
                        "cell_x",
                        "cell_y",
                        "month",
                        "category",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("zoom", models.PositiveSmallIntegerField()),
                ("cell_x", models.IntegerField()),
                ("cell_y", models.IntegerField()),
                ("month", models.DateField()),
                ("count", models.IntegerField()),
                ("sum_lon", models.FloatField()),
                ("sum_lat", models.FloatField()),
                (
                    "category",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.violationcategory",
                    ),
                ),
            ],
            options={
                "verbose_name": "violation map grid cell by month",
                "db_table": "cases_violation_grid_month",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
