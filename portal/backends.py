"""The sign-in backend: Django's own, with two additions.

- It reads with the signed-in person whether they head an organisational unit, which
  the menu asks on every page (a head of unit sees the training sessions to enrol their
  people), in the same query as the person.
- A person's group permissions come from their roles *in force* only: a role the
  training gate takes (a course qualifies for it and the person holds no valid
  certificate nor exemption, portal.selectors.gate) gives no permission. This is the
  one place permissions are decided; every view and API endpoint asks it.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, QuerySet

from portal.models import OrgUnit, User
from portal.selectors.gate import roles_in_force


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        heads_a_unit = Exists(OrgUnit.objects.filter(head=OuterRef("pk")))
        try:
            user = User.objects.annotate(heads_a_unit=heads_a_unit).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        return Permission.objects.filter(group__name__in=sorted(roles_in_force(user_obj)))
