"""Index every searchable record again (after a bulk load, or for data older than the
index): ``manage.py search_index_rebuild [--kind violation --kind entity]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.selectors.search import search_sources
from cases.services.search import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every search source (or the kinds named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kind"]
        unknown = set(kinds or []) - set(search_sources())
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        for kind, count in search_index_rebuild(kinds=kinds).items():
            self.stdout.write(f"{kind}: {count} entries")
