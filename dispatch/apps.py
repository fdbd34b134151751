from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dispatch"
    verbose_name = _("Dispatch")

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
