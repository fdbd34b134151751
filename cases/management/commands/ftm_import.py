"""``manage.py ftm_import FILE [--user NAME]``: import an FtM JSON-lines file into the
entity registry (cases/services/ftm.py)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services.ftm import ftm_import
from portal.models import User


class Command(BaseCommand):
    help = "Import followthemoney entities (JSON lines) into the entity registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default="", help="the account the audit names")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"There is no user {options['user']!r}.")
        content = path.read_bytes()
        try:
            result = ftm_import(
                actor=actor,
                lines=content.decode("utf-8").splitlines(),
                source_name=path.name,
                content=content,
            )
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            f"Entities: {result.entities_created} new, {result.entities_updated} updated; "
            f"relations: {result.relations_created} new, {result.relations_updated} updated."
        )
