"""Load the offline base map (portal/data/basemap) into the database, when its files
changed since the last load. Run by `make run` after migrate."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Load the offline base map (portal/data/basemap: OpenStreetMap and Natural Earth) "
        "when its files changed since the last load; --force loads it again anyway."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="load even if up to date")

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.apps import load_basemap_summary

        self.stdout.write(self.style.SUCCESS(load_basemap_summary(force=options["force"])))
