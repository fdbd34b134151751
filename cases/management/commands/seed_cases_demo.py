"""Seed the demo investigation cases; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from cases.services.demo import cases_demo_seed


class Command(BaseCommand):
    help = "Create two demo investigation cases (one restricted) with team, notes and links."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Demo cases"))
        for line in cases_demo_seed():
            self.stdout.write(f"  {line}")
