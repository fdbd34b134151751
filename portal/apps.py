from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from portal.roles import role_permissions_sync

    role_permissions_sync()


def _grant_runtime_role(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from portal.services.database_grants import runtime_grants_sync

    runtime_grants_sync(using=using)


def _load_geography() -> str:
    from portal.services.geo import load_reference_geography

    counts = load_reference_geography()
    return (
        f"Reference areas: {counts['areas']}, border lines: {counts['border_lines']}, "
        f"crossing points: {counts['crossing_points']} "
        f"({counts['changed']} rows created or updated)."
    )


def load_basemap_summary(*, force: bool = False) -> str:
    from portal.services.basemap import basemap_load

    counts = basemap_load(force=force)
    if not counts:
        return "Base map: up to date."
    total = sum(value for value in counts.values() if isinstance(value, int))
    return f"Base map {counts['version']}: {total} features loaded."


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Portal")

    @property
    def role_permissions(self) -> object:
        from portal.roles import PORTAL_ROLE_PERMISSIONS

        return PORTAL_ROLE_PERMISSIONS

    @property
    def job_kinds(self) -> list[Any]:
        from portal.forms.audit import AuditExportForm
        from portal.forms.users import UserImportJobForm
        from portal.job_kinds import JobKind
        from portal.services.audit_export_jobs import audit_export_job
        from portal.services.audit_jobs import audit_chain_verify_job
        from portal.services.user_import_jobs import (
            user_import_job,
            user_import_job_check,
            user_import_job_describe,
        )

        return [
            JobKind(
                name="portal.audit_export",
                queue="reports",
                label=_("Export the audit trail"),
                description=_(
                    "The records the filters select, as CSV or XLSX, every cell escaped "
                    "against spreadsheet formulas."
                ),
                run=audit_export_job,
                permission="portal.export_auditrecord",
                form=AuditExportForm,
            ),
            JobKind(
                name="portal.audit_verify",
                queue="reports",
                label=_("Verify the audit trail"),
                description=_(
                    "Checks every record's keyed hash and link, and the chain against its "
                    "anchors; keeps a report."
                ),
                run=audit_chain_verify_job,
                permission="portal.view_auditrecord",
            ),
            JobKind(
                name="portal.user_import",
                label=_("Create users from a file"),
                description=_(
                    "Creates every person of a checked CSV or XLSX file, all or none; the "
                    "list of their invitation links or one-time passwords downloads once."
                ),
                run=user_import_job,
                permission="portal.add_user",
                form=UserImportJobForm,
                check=user_import_job_check,
                describe=user_import_job_describe,
                start_url_name="portal:user-import",
            ),
        ]

    @property
    def reference_data_loaders(self) -> list[Callable[[], str]]:
        return [_load_geography, load_basemap_summary]

    def ready(self) -> None:
        from portal import checks  # noqa: F401  (registers the system checks)

        # Permissions of every app exist only after its migrations ran, so the roles are
        # brought up to date once the whole migrate command is over.
        post_migrate.connect(_sync_roles, dispatch_uid="portal.sync_roles")
        # The database role the portal runs as gets its rights on every table, the new
        # ones included, and only INSERT and SELECT on the audit table (issue 9).
        post_migrate.connect(
            _grant_runtime_role, sender=self, dispatch_uid="portal.grant_runtime_role"
        )
