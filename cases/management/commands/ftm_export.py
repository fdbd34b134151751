"""``manage.py ftm_export FILE``: write the whole entity registry as FtM JSON lines
(cases/services/ftm.py). For an operator on the server; the audit names no user."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.models import Entity
from cases.services.ftm import ftm_export_audit, ftm_export_lines


class Command(BaseCommand):
    help = "Export the entity registry as followthemoney entities (JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        count = 0
        with path.open("w", encoding="utf-8") as handle:
            for line in ftm_export_lines(entities=Entity.objects.all()):
                handle.write(line + "\n")
                count += 1
        ftm_export_audit(actor=None, count_hint=f"{count} lines to {path.name}")
        self.stdout.write(f"{count} FtM entities written to {path}.")
