"""Check the audit trail: every record's keyed hash and link, every anchor's signature,
and the chain against the anchors. Names each problem and exits non-zero if there is one."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.lib.audit_chain import AuditKeyMissing
from portal.selectors.audit_anchors import audit_trail_verify


class Command(BaseCommand):
    help = "Verify the keyed hash chain of the audit trail against its anchors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            type=Path,
            default=None,
            help="The anchor file to check against (default: AUDIT_ANCHOR_FILE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verification = audit_trail_verify(anchor_file=options["anchors"])
        except AuditKeyMissing as error:
            raise CommandError(f"Cannot verify the audit trail. {error}") from error
        if verification.problems:
            raise CommandError("\n".join(verification.problems))
        walk = verification.walk
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {walk.checked} records verified.")
        )
        if walk.unkeyed:
            self.stdout.write(
                f"{walk.unkeyed} of them were written before the audit key (plain SHA-256, "
                "checked by content and link); the first keyed record binds them."
            )
        if verification.anchor_file_found:
            self.stdout.write(f"{verification.anchors} anchors verified against the chain.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    "No anchor file yet: the removal of the newest records cannot be "
                    "detected until the first anchor is written."
                )
            )
