"""Panels of the landing dashboard, chosen by the roles a user holds.

Each app can add panels by giving its AppConfig a ``dashboard_panels(user)`` method that
returns a list of ``Panel``; the core never imports a domain app to build the page.
"""

from typing import Any, TypedDict

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.models import AuditRecord, OrgUnit, OrgUnitKind, User
from portal.roles import ROLE_LABELS, Role, role_labels
from portal.two_factor import confirmed_totp_device, two_factor_required


class Panel(TypedDict):
    key: str
    title: str
    template: str
    context: dict[str, Any]
    order: int


def _account_panel(user: User) -> Panel:
    roles = role_labels(user.role_names())
    return {
        "key": "account",
        "title": _("My account"),
        "template": "portal/panels/_account.html",
        "order": 90,
        "context": {
            "roles": roles,
            "org_unit": user.org_unit,
            "two_factor_required": two_factor_required(user),
            "two_factor_enrolled": confirmed_totp_device(user) is not None,
            "last_login": user.last_login,
        },
    }


def _my_unit_panel(user: User) -> Panel:
    unit = user.org_unit
    members = (
        list(unit.members.filter(is_active=True).order_by("last_name", "username")[:12])
        if unit
        else []
    )
    return {
        "key": "my-unit",
        "title": pgettext("mobile unit", "My unit"),
        "template": "portal/panels/_my_unit.html",
        "order": 10,
        "context": {"unit": unit, "members": members},
    }


def _units_panel(user: User) -> Panel:
    units = (
        OrgUnit.objects.filter(kind=OrgUnitKind.MOBILE_UNIT, is_active=True)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .select_related("parent")
        .order_by("name")[:20]
    )
    return {
        "key": "units",
        "title": _("Mobile units"),
        "template": "portal/panels/_units.html",
        "order": 20,
        "context": {"units": list(units)},
    }


def _my_activity_panel(user: User) -> Panel:
    records = list(AuditRecord.objects.filter(actor=user).order_by("-id")[:8])
    return {
        "key": "my-activity",
        "title": _("My recent activity"),
        "template": "portal/panels/_my_activity.html",
        "order": 40,
        "context": {"records": records},
    }


def _administration_panel(user: User) -> Panel:
    by_role = dict(
        User.objects.filter(is_active=True)
        .values_list("groups__name")
        .annotate(n=Count("id", distinct=True))
        .values_list("groups__name", "n")
    )
    role_counts = [(str(ROLE_LABELS[role]), by_role.get(role.value, 0)) for role in Role]
    return {
        "key": "administration",
        "title": _("Administration"),
        "template": "portal/panels/_administration.html",
        "order": 30,
        "context": {
            "role_counts": role_counts,
            "active_users": User.objects.filter(is_active=True).count(),
            "recent_audit": list(AuditRecord.objects.order_by("-id")[:8]),
            "can_view_audit": user.has_perm("portal.view_auditrecord"),
        },
    }


def dashboard_panels(user: User) -> list[Panel]:
    panels: list[Panel] = [_account_panel(user)]
    roles = user.role_names()
    if Role.OFFICER in roles:
        panels.append(_my_unit_panel(user))
    if Role.DISPATCHER in roles:
        panels.append(_units_panel(user))
    if Role.ANALYST in roles:
        panels.append(_my_activity_panel(user))
    if Role.ADMINISTRATOR in roles:
        panels.append(_administration_panel(user))
    for app_config in apps.get_app_configs():
        provider = getattr(app_config, "dashboard_panels", None)
        if provider is not None and app_config.name != "portal":
            panels.extend(provider(user))
    return sorted(panels, key=lambda panel: panel["order"])
