"""Panels of the home page, chosen by the roles a user holds: each leads to the work
of its role (what is waiting, how many, one tap to the page that deals with it).

Each app adds its panels by giving its AppConfig a ``dashboard_panels(user)`` method that
returns a list of ``Panel`` (the officer's and dispatcher's come from dispatch, the
violation and review panels from cases); the core never imports a domain app to build
the page. A person with several roles sees the panels of each, ordered by ``order``.
"""

from typing import Any, TypedDict

from django.apps import apps
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import User
from portal.roles import Role, role_labels
from portal.selectors.audit_state import audit_trail_state
from portal.selectors.gate import (
    exempt_roles,
    expiry_warnings,
    missing_training,
    role_standings,
)
from portal.selectors.users import locked_out_filter, missing_two_factor_filter
from portal.two_factor import confirmed_totp_device, two_factor_required


class Panel(TypedDict):
    key: str
    title: str
    template: str
    context: dict[str, Any]
    # Lower first: the officer's field work (0-19), the operations centre (20-24),
    # analysis (25-29), administration (30-39), the account last (90).
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


LOCKED_SHOWN = 5


def _accounts_panel(user: User) -> Panel:
    """What needs an administrator on the accounts: names locked out of signing in and
    people who must use a second factor but have none. One query for both counts, one
    for the few locked names."""
    counts = User.objects.aggregate(
        locked=Count("pk", filter=locked_out_filter()),
        missing_two_factor=Count("pk", filter=missing_two_factor_filter()),
    )
    locked = list(User.objects.filter(locked_out_filter()).order_by("username")[:LOCKED_SHOWN])
    users_url = reverse("portal:user-list")
    return {
        "key": "accounts",
        "title": _("Accounts"),
        "template": "portal/panels/_accounts.html",
        "order": 30,
        "context": {
            "locked_count": counts["locked"],
            "locked": locked,
            "missing_two_factor": counts["missing_two_factor"],
            "locked_url": f"{users_url}?status=locked",
            "missing_two_factor_url": f"{users_url}?status=no_2fa",
        },
    }


def _audit_panel(user: User) -> Panel:
    return {
        "key": "audit",
        "title": _("Audit trail"),
        "template": "portal/panels/_audit.html",
        "order": 32,
        "context": {
            "state": audit_trail_state(),
            "can_view_audit": user.has_perm("portal.view_auditrecord"),
        },
    }


def dashboard_panels(user: User) -> list[Panel]:
    panels: list[Panel] = [_account_panel(user)]
    roles = user.role_names()
    if Role.ADMINISTRATOR in roles:
        panels += [_accounts_panel(user), _audit_panel(user)]
    for app_config in apps.get_app_configs():
        provider = getattr(app_config, "dashboard_panels", None)
        if provider is not None and app_config.name != "portal":
            panels.extend(provider(user))
    return sorted(panels, key=lambda panel: panel["order"])


def gate_notices(user: User) -> dict[str, Any]:
    """What the training gate has to tell ``user`` on their dashboard: roles out of force
    (the course, the next session), certificates expiring within 60, 30 or 7 days, roles
    held by exemption or kept as the last administrator. No query beyond the gate's own
    for a person none of whose roles a course gates."""
    standings = role_standings(user)
    if not any(standing.gated for standing in standings.values()):
        return {}
    return {
        "missing": missing_training(user),
        "warnings": expiry_warnings(user),
        "exemptions": exempt_roles(user),
        "last_administrator": any(s.kept_as_last_administrator for s in standings.values()),
    }
