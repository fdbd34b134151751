"""The people pages' part of the access table (tests/portal/test_url_access.py):
administrators create, import and manage people; an invitation link is public (the
person is not signed in yet: the link's key is the credential)."""

from typing import Any

from tests.access_policy import ADMIN, PUBLIC, Rule, pk_of

ADMINS = frozenset({ADMIN})

PEOPLE_RULES: dict[str, Rule] = {
    "portal:user-import": Rule(ADMINS),
    "portal:user-import-confirm": Rule(ADMINS, method="post"),
    "portal:user-import-template": Rule(ADMINS),
    "portal:user-password-change-require": Rule(ADMINS, method="post", kwargs=pk_of("user")),
    "portal:user-invitation-resend": Rule(ADMINS, method="post", kwargs=pk_of("user")),
    "portal:invitation-accept": Rule(
        PUBLIC, public=True, kwargs=lambda objs: {"key": objs["invitation_key"]}
    ),
}


def people_objects(personas: dict[str, Any]) -> dict[str, Any]:
    from portal.models import User
    from portal.services.invitations import invitation_issue
    from tests.factories import UserFactory

    UserFactory(username="invited_person", roles=["officer"])
    invited = User.objects.get(username="invited_person")
    link = invitation_issue(actor=personas["administrator"], user=invited)
    return {"invitation_key": link.url.rstrip("/").rsplit("/", 1)[-1]}
