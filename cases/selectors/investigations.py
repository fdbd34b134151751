"""Reads of investigation cases, through one rule of reach.

Reach (need-to-know): a holder of ``cases.view_case`` sees every case that is not
restricted, and a restricted case only when they are on its team (or its lead
analyst); a holder of ``cases.view_all_cases`` (administrators) sees every case. Every
view, endpoint, count, register and export reads cases through ``case_scope_for_user``
or ``case_get_for_user``; the entity registry narrows its own reach with
``case_hidden_from_user`` (cases/selectors/entities.py).

Working a case (adding, linking, uploading) needs ``cases.change_case`` and a working
role on the team (lead, analyst, investigator); a viewer and an analyst outside the
team read only. Managing the team is the lead analyst's.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.models import (
    Case,
    CaseDocument,
    CaseMember,
    CaseRole,
    CaseTemplate,
)
from cases.models.investigations import WORKING_ROLES
from portal.models import User


def _on_team(user: User) -> Q:
    return Q(lead_analyst=user) | Q(
        Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user))
    )


def case_scope_for_user(*, user: User) -> QuerySet[Case]:
    """The cases ``user`` may open; PermissionDenied without ``cases.view_case``."""
    if not user.has_perm("cases.view_case"):
        raise PermissionDenied
    if user.has_perm("cases.view_all_cases"):
        return Case.objects.all()
    return Case.objects.filter(Q(restricted=False) | _on_team(user))


def case_hidden_from_user(*, user: User) -> QuerySet[Case]:
    """The restricted cases ``user`` may not open (none for administrators)."""
    if user.has_perm("cases.view_all_cases"):
        return Case.objects.none()
    return Case.objects.filter(restricted=True).exclude(_on_team(user))


def case_role_of(*, user: User, case: Case) -> str:
    """``user``'s role in ``case``: "lead" for its lead analyst, the team role, or ""."""
    if case.lead_analyst_id == user.pk:
        return CaseRole.LEAD
    member = CaseMember.objects.filter(case=case, user=user).values_list("role", flat=True).first()
    return member or ""


def case_can_work(*, user: User, case: Case) -> bool:
    return (
        user.has_perm("cases.change_case") and case_role_of(user=user, case=case) in WORKING_ROLES
    )


def case_can_manage_team(*, user: User, case: Case) -> bool:
    return (
        user.has_perm("cases.change_case") and case_role_of(user=user, case=case) == CaseRole.LEAD
    )


def case_get_for_user(
    *, user: User, pk: int, for_work: bool = False, for_team: bool = False
) -> Case:
    """The case, or 404 outside ``user``'s reach (a restricted case is not even said to
    exist); 403 when visible but ``user`` may not work it (``for_work``) or manage its
    team (``for_team``)."""
    case = (
        case_scope_for_user(user=user)
        .select_related("lead_analyst", "template", "created_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    if for_work and not case_can_work(user=user, case=case):
        raise PermissionDenied
    if for_team and not case_can_manage_team(user=user, case=case):
        raise PermissionDenied
    return case


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    priority: int | None = None
    mine: bool = False
    restricted: str = ""  # "yes", "no" or "" (both)
    text: str = ""


def case_list_for_user(*, user: User, filters: CaseFilter | None = None) -> QuerySet[Case]:
    """The cases within reach matching ``filters``, most recently changed first."""
    filters = filters or CaseFilter()
    cases = case_scope_for_user(user=user).select_related("lead_analyst")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.mine:
        cases = cases.filter(_on_team(user))
    if filters.restricted == "yes":
        cases = cases.filter(restricted=True)
    elif filters.restricted == "no":
        cases = cases.filter(restricted=False)
    if filters.text:
        cases = cases.filter(Q(number__icontains=filters.text) | Q(title__icontains=filters.text))
    return cases.order_by("-updated_at", "-id")


def case_list_mine(*, user: User, limit: int = 5) -> list[Case]:
    """The open cases ``user`` is on (lead or team), most recently changed first."""
    return list(
        case_scope_for_user(user=user)
        .filter(_on_team(user))
        .exclude(status="closed")
        .select_related("lead_analyst")
        .order_by("-updated_at", "-id")[:limit]
    )


def case_team(*, case: Case) -> list[CaseMember]:
    return list(case.members.select_related("user").order_by("id"))


def case_document_get(*, case: Case, pk: int) -> CaseDocument:
    """A document of ``case`` (reached through case_get_for_user), or 404."""
    document = CaseDocument.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    return document


def case_template_list() -> QuerySet[CaseTemplate]:
    return CaseTemplate.objects.filter(active=True).order_by("code")


def case_template_get(*, code: str) -> CaseTemplate | None:
    return CaseTemplate.objects.filter(active=True, code=code).first()


def case_assignable_users(*, case: Case) -> QuerySet[User]:
    """Who may be given a task of ``case``: its lead and team."""
    return (
        User.objects.filter(
            Q(pk=case.lead_analyst_id) | Q(case_memberships__case=case), is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def case_team_candidates() -> QuerySet[User]:
    """Who may join a case team: active analysts (and administrators, as viewers)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=["analyst", "administrator"])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
