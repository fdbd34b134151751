"""Load (or bring up to date) the reference data every app declares: the core's
geography, the HS nomenclature of cases, ..."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the reference data each app declares (reference_data_loaders on its AppConfig): "
        "the reference geography (portal/data), the HS codes (cases/data). "
        "Idempotent: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Apps register their loaders, as they register roles and navigation, so the
        # core names no domain app.
        for app_config in apps.get_app_configs():
            for load in getattr(app_config, "reference_data_loaders", []):
                self.stdout.write(self.style.SUCCESS(load()))
