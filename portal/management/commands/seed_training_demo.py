"""Seed the demo's training records (after seed_demo); safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from portal.services.training_demo import training_demo_seed


class Command(BaseCommand):
    help = "Create demo courses, sessions, enrolments and certificates for the demo units."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Demo training records"))
        for line in training_demo_seed():
            self.stdout.write(line)
