"""The home page's "My cases" panel and the sections other apps add to a case's page
(through their AppConfig's ``case_page_sections``: dispatch adds the tasks that answer
the case; cases never imports those apps)."""

from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors.investigations import case_list_mine
from portal.models import User
from portal.selectors.dashboard import Panel

MY_CASES_SHOWN = 5


def my_cases_panels(user: User) -> list[Panel]:
    if not user.has_perms(["cases.view_case", "cases.change_case"]):
        return []
    cases = case_list_mine(user=user, limit=MY_CASES_SHOWN + 1)
    return [
        {
            "key": "my-cases",
            "title": _("My cases"),
            "template": "cases/panels/_my_cases.html",
            "order": 26,
            "context": {
                "cases": cases[:MY_CASES_SHOWN],
                "more": len(cases) > MY_CASES_SHOWN,
                "list_url": f"{reverse('investigations:case-list')}?mine=on",
                "create_url": reverse("investigations:case-create"),
            },
        }
    ]


def case_page_sections(*, case: Case, user: User) -> list[dict[str, Any]]:
    """Sections the other apps add to ``case``'s page for ``user`` (who reached it),
    each {"key", "title", "template", "context"}."""
    sections: list[dict[str, Any]] = []
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "case_page_sections", None)
        if hook is not None:
            sections.extend(hook(case, user))
    return sections
