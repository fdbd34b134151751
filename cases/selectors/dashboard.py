"""The home page's panels that cases contributes (see portal.selectors.dashboard): the
officer's "Log a violation" with their last drafts, and the analyst's review queue with
what to sort it by."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Violation, ViolationStatus
from cases.selectors.violations import violation_review_summary
from portal.models import User
from portal.selectors.dashboard import Panel

DRAFTS_SHOWN = 3


def _violations_panel(user: User) -> Panel:
    """The officer's entry point for logging, and the drafts they left unfinished,
    newest first: one query for the few shown and the count."""
    drafts = list(
        Violation.objects.filter(reported_by=user, status=ViolationStatus.DRAFT)
        .select_related("category")
        .only(
            "id",
            "reference",
            "updated_at",
            "place_description",
            "category__name_en",
            "category__name_lt",
        )
        .order_by("-updated_at", "-id")[: DRAFTS_SHOWN + 1]
    )
    return {
        "key": "log-violation",
        "title": _("Violations"),
        "template": "cases/panels/_log_violation.html",
        "order": 5,
        "context": {
            "drafts": drafts[:DRAFTS_SHOWN],
            "more_drafts": len(drafts) > DRAFTS_SHOWN,
            "my_drafts_url": f"{reverse('cases:violation-list')}?status=draft&mine=1",
        },
    }


def _review_panel(user: User) -> Panel:
    review_url = reverse("cases:violation-review")
    summary = violation_review_summary(user=user)
    sorts = [
        ("value", _("with a value"), summary["with_value"]),
        ("goods", _("with goods lines"), summary["with_goods"]),
        ("evidence", _("with evidence"), summary["with_evidence"]),
        ("duplicates", _("with possible duplicates"), summary["with_duplicates"]),
        ("edits", _("edited while in review"), summary["edited_in_review"]),
    ]
    return {
        "key": "review",
        "title": _("Review queue"),
        "template": "cases/panels/_review.html",
        "order": 25,
        "context": {
            "summary": summary,
            "review_url": review_url,
            "sorts": [
                {"key": key, "label": label, "count": count, "url": f"{review_url}?sort={key}"}
                for key, label, count in sorts
            ],
        },
    }


def cases_dashboard_panels(user: User) -> list[Panel]:
    panels = []
    if user.has_perm("cases.add_violation"):
        panels.append(_violations_panel(user))
    if user.has_perms(["cases.view_violation", "cases.verify_violation"]):
        panels.append(_review_panel(user))
    return panels
