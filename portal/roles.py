"""Roles and the permissions each one holds.

A role is an auth group. Each app declares what its roles may do in its AppConfig as
``role_permissions`` ({role: [permission codenames "app_label.codename"]}), so that the
core never imports a domain app; ``role_permissions_sync`` gathers them all and writes
the groups' permissions after every migration.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    OFFICER = "officer"
    DISPATCHER = "dispatcher"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"


ROLE_LABELS: Mapping[Role, Promise] = {
    Role.OFFICER: _("Officer"),
    Role.DISPATCHER: _("Dispatcher"),
    Role.ANALYST: _("Analyst"),
    Role.ADMINISTRATOR: _("Administrator"),
}

# What the core grants. View, create (add), edit (change), delete, verify and export are
# separate rights: an administrator manages users but cannot delete them (deactivate
# instead, the audit trail keeps pointing at them).
PORTAL_ROLE_PERMISSIONS: Mapping[Role, Iterable[str]] = {
    Role.OFFICER: ["portal.view_orgunit"],
    Role.DISPATCHER: ["portal.view_orgunit", "portal.view_user"],
    Role.ANALYST: ["portal.view_orgunit", "portal.view_user"],
    Role.ADMINISTRATOR: [
        "portal.view_orgunit",
        "portal.add_orgunit",
        "portal.change_orgunit",
        "portal.view_user",
        "portal.add_user",
        "portal.change_user",
        "portal.reset_two_factor",
        "portal.export_user",
        "portal.view_auditrecord",
        "portal.export_auditrecord",
        "portal.view_course",
        "portal.add_course",
        "portal.change_course",
        "portal.view_trainingsession",
        "portal.add_trainingsession",
        "portal.change_trainingsession",
        "portal.add_enrolment",
        "portal.change_enrolment",
        "portal.view_certificate",
        "portal.revoke_certificate",
        "portal.view_gateexemption",
        "portal.add_gateexemption",
        "portal.change_gateexemption",
        "portal.view_every_job",
        "portal.cancel_every_job",
        "portal.manage_job_schedules",
        "django_celery_results.view_taskresult",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
    ],
}


def declared_role_permissions() -> dict[Role, set[str]]:
    """Every app's declared permissions per role, merged."""
    merged: dict[Role, set[str]] = {role: set() for role in Role}
    for app_config in global_apps.get_app_configs():
        declared: Mapping[Role, Iterable[str]] = getattr(app_config, "role_permissions", {})
        for role, perms in declared.items():
            merged[Role(role)].update(perms)
    return merged


def role_permissions_sync(apps: Apps = global_apps) -> None:
    """Create the role groups and set exactly the declared permissions on each.

    Safe to run repeatedly; permissions that do not exist yet (an app not migrated) are
    skipped and picked up by the next run.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in declared_role_permissions().items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            wanted.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)


def role_labels(names: Iterable[str]) -> list[str]:
    """Translated labels of the known roles among ``names``, in a stable order."""
    known = {role.value: role for role in Role}
    return [str(ROLE_LABELS[known[name]]) for name in sorted(names) if name in known]
