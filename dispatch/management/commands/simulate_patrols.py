"""Move the demo units along their patrol routes, one report each every five seconds,
so that the live map shows movement. Demo only: `make run` starts it."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dispatch.services.demo import REPORT_EVERY, demo_patrol_step


class Command(BaseCommand):
    help = "Send position reports for the demo units every five seconds until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--steps",
            type=int,
            default=0,
            help="Stop after this many rounds (0: run until stopped).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        steps = 0
        while True:
            stored = demo_patrol_step()
            steps += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"round {steps}: {stored} reports")
            if options["steps"] and steps >= options["steps"]:
                return
            time.sleep(REPORT_EVERY.total_seconds())
