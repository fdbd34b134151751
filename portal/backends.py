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
from django.db.models import Exists, OuterRef

from portal.models import OrgUnit, User
from portal.models.gate import permissions_in_force


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        heads_a_unit = Exists(OrgUnit.objects.filter(head=OuterRef("pk")))
        try:
            user = User.objects.annotate(heads_a_unit=heads_a_unit).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:  # every permission, as Django's own backend gives
            return super().get_group_permissions(user_obj, obj)
        # Read with the roles' standing, in the one query the menu needs anyway.
        return permissions_in_force(user_obj)
