"""The navigation menu, filtered by what the user may open.

Apps add entries through ``navigation_items`` on their AppConfig (a list of NavItem).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.job_kinds import job_kinds_for_user
from portal.models import User
from portal.selectors.training import may_see_sessions
from portal.selectors.training_reports import may_see_training_reports


def _may_start_a_job(user: User) -> bool:
    """The jobs page is for those who may start a job of some kind (any app's)."""
    return bool(job_kinds_for_user(user))


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    permissions: tuple[str, ...] = ()
    icon: str = ""
    order: int = 50
    # A further condition on the person, beyond the permissions (e.g. "may start a job").
    visible: Callable[[User], bool] | None = None


PORTAL_NAVIGATION = [
    NavItem("dashboard", _("Dashboard"), "portal:dashboard", icon="home", order=0),
    NavItem(
        "audit",
        _("Audit trail"),
        "portal:audit-list",
        ("portal.view_auditrecord",),
        icon="shield",
        order=80,
    ),
    NavItem("users", _("Users"), "portal:user-list", ("portal.view_user",), order=70),
    NavItem("units", _("Organisation"), "portal:unit-list", ("portal.view_orgunit",), order=75),
    NavItem(
        "training",
        _("Training"),
        "portal:training-session-list",
        visible=may_see_sessions,
        icon="award",
        # After the organisation's pages (units 75, mobile units 76, categories 78); the
        # three keep their order among themselves (the sort is stable).
        order=79,
    ),
    NavItem(
        "courses",
        _("Courses"),
        "portal:training-course-list",
        ("portal.view_course",),
        order=79,
    ),
    NavItem(
        "certificates",
        _("Certificates"),
        "portal:training-certificate-list",
        ("portal.view_certificate",),
        order=79,
    ),
    NavItem(
        "training-reports",
        _("Training reports"),
        "portal:training-reports",
        visible=may_see_training_reports,
        order=79,
    ),
    NavItem(
        "exemptions",
        _("Exemptions"),
        "portal:training-exemption-list",
        ("portal.view_gateexemption",),
        order=79,
    ),
    NavItem("jobs", _("Jobs"), "portal:job-list", visible=_may_start_a_job, order=85),
    NavItem("api", _("API"), "api-docs", icon="code", order=95),
]


def navigation_for(user: User, current_path: str) -> list[dict[str, Any]]:
    items = list(PORTAL_NAVIGATION)
    for app_config in apps.get_app_configs():
        if app_config.name != "portal":
            items.extend(getattr(app_config, "navigation_items", []))
    menu = []
    for item in sorted(items, key=lambda nav: nav.order):
        if not user.has_perms(item.permissions):
            continue
        if item.visible is not None and not item.visible(user):
            continue
        url = reverse(item.url_name)
        menu.append(
            {"key": item.key, "label": item.label, "url": url, "icon": item.icon, "active": False}
        )
    current = _current_item(menu, current_path)
    if current is not None:
        current["active"] = True
    return menu


def _current_item(menu: list[dict[str, Any]], current_path: str) -> dict[str, Any] | None:
    """The one item the page belongs to: the one whose address is the longest start of
    the page's (/violations/map/ is the violation map's, not also the violations'). The
    home page only for itself."""
    matches = [
        entry
        for entry in menu
        if (
            current_path == entry["url"]
            if entry["url"] == "/"
            else current_path.startswith(entry["url"])
        )
    ]
    return max(matches, key=lambda entry: len(entry["url"]), default=None)
