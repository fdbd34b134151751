"""Walk the audit chain; report the first broken link and exit non-zero if there is one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.selectors.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_chain_verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at record {broken.record_id}: {broken.problem} "
                f"({checked} records before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} records verified."))
