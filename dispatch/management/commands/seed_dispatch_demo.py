"""Seed the demo mobile units, zones, shifts and tasks; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from dispatch.services.demo import dispatch_demo_seed


class Command(BaseCommand):
    help = "Create demo mobile units with recent positions, patrol zones, shifts and tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Demo mobile units"))
        for line in dispatch_demo_seed():
            self.stdout.write(f"  {line}")
