from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DispatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        # Connects the receiver that links a violation logged from a task to that task.
        from dispatch.services import tasks  # noqa: F401

    # Kept on the officer's device by the service worker (portal/views/offline.py).
    # My tasks shows the unit's notices too.
    offline_pages = ["dispatch:my-tasks", "dispatch:my-unit"]

    def org_unit_labels(self, ids: set[int]) -> dict[int, str]:
        # The portal's pages name a mobile unit as dispatch does: "MED-1 · Medininkai".
        from dispatch.selectors.units import org_unit_labels

        return org_unit_labels(org_unit_ids=ids)

    def dashboard_panels(self, user: Any) -> list[Any]:
        # The officer's unit (duty, tasks, notices); the operations centre's overview.
        from dispatch.selectors.dashboard import dispatch_dashboard_panels

        return list(dispatch_dashboard_panels(user))

    def case_page_sections(self, case: Any, user: Any) -> list[Any]:
        # The tasks that answer an investigation case, on the case's page (cases asks
        # every app through this hook; it never imports dispatch).
        from dispatch.selectors.case_tasks import case_tasks_section

        return case_tasks_section(case=case, user=user)

    def case_timeline_items(self, case: Any, user: Any, limit: int) -> list[Any]:
        # The tasks that answer a case, on the case's timeline and map (same hook idea).
        from dispatch.selectors.case_tasks import case_task_timeline_items

        return case_task_timeline_items(case=case, user=user, limit=limit)

    def case_timeline_kinds(self, user: Any) -> list[str]:
        # The kinds of item above that ``user`` may see (the timeline's filters).
        from dispatch.selectors.case_tasks import case_task_timeline_kinds

        return case_task_timeline_kinds(user=user)

    @property
    def role_permissions(self) -> dict[str, list[str]]:
        # Dispatchers create, assign and cancel tasks and watch every unit; officers see
        # their unit and move their own unit's tasks along (checked in the services).
        return {
            "officer": [
                "dispatch.serve_in_unit",
                "dispatch.view_mobileunit",
                "dispatch.view_task",
                "dispatch.view_shift",
                "dispatch.view_patrolzone",
            ],
            "dispatcher": [
                "dispatch.view_mobileunit",
                "dispatch.change_mobileunit",
                "dispatch.view_task",
                "dispatch.view_all_tasks",
                "dispatch.add_task",
                "dispatch.change_task",
                "dispatch.view_positionreport",
                "dispatch.view_shift",
                "dispatch.add_shift",
                "dispatch.change_shift",
                "dispatch.delete_shift",
                "dispatch.view_patrolzone",
                "dispatch.add_patrolzone",
                "dispatch.change_patrolzone",
                "dispatch.view_geofencealert",
                "dispatch.change_geofencealert",
            ],
            "analyst": [
                "dispatch.view_mobileunit",
                "dispatch.view_task",
                "dispatch.view_all_tasks",
                "dispatch.view_positionreport",
                "dispatch.view_shift",
                "dispatch.view_patrolzone",
                "dispatch.view_geofencealert",
            ],
            "administrator": [
                "dispatch.view_mobileunit",
                "dispatch.add_mobileunit",
                "dispatch.change_mobileunit",
                "dispatch.add_unitdevice",
                "dispatch.change_unitdevice",
            ],
        }

    @property
    def navigation_items(self) -> list[Any]:
        from portal.navigation import NavItem

        return [
            # The officer's own two pages come first on their phone.
            NavItem(
                "my-tasks", _("My tasks"), "dispatch:my-tasks", ("dispatch.serve_in_unit",), order=4
            ),
            NavItem(
                "my-unit",
                pgettext_lazy("mobile unit", "My unit"),
                "dispatch:my-unit",
                ("dispatch.serve_in_unit",),
                order=6,
            ),
            NavItem(
                "live-map",
                _("Live map"),
                "dispatch:live-map",
                ("dispatch.view_all_tasks",),
                order=20,
            ),
            NavItem(
                "notices",
                _("Notices"),
                "dispatch:notice-list",
                ("dispatch.view_all_tasks",),
                order=21,
            ),
            NavItem(
                "zone-alerts",
                _("Zone alerts"),
                "dispatch:alert-list",
                ("dispatch.view_geofencealert",),
                order=22,
            ),
            NavItem(
                "shifts", _("Shifts"), "dispatch:shift-list", ("dispatch.view_shift",), order=24
            ),
            NavItem(
                "patrol-zones",
                _("Patrol zones"),
                "dispatch:zone-list",
                ("dispatch.view_patrolzone",),
                order=26,
            ),
            NavItem(
                "track-replay",
                _("Track replay"),
                "dispatch:track-replay",
                ("dispatch.view_positionreport",),
                order=28,
            ),
            NavItem(
                "mobile-units",
                _("Mobile units"),
                "dispatch:unit-list",
                ("dispatch.change_mobileunit",),
                order=76,
            ),
            NavItem(
                "unit-stats",
                _("Unit statistics"),
                "dispatch:unit-stats",
                ("dispatch.view_all_tasks",),
                order=30,
            ),
        ]
