"""Load (or bring up to date) the reference data: geography and the HS nomenclature."""

from typing import Any

from django.core.management.base import BaseCommand

from portal.services.geo import load_reference_geography


class Command(BaseCommand):
    help = (
        "Load the reference geography (portal/data) and the HS codes (cases/data). "
        "Idempotent: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from cases.services.goods import load_hs_codes

        counts = load_reference_geography()
        self.stdout.write(
            f"Reference areas: {counts['areas']}, border lines: {counts['border_lines']}, "
            f"crossing points: {counts['crossing_points']} "
            f"({counts['changed']} rows created or updated)."
        )
        hs_codes = load_hs_codes()
        self.stdout.write(self.style.SUCCESS(f"HS codes: {hs_codes}."))
