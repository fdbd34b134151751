"""The sign-in backend: Django's own, reading with the signed-in person whether they head
an organisational unit, which the menu asks on every page (a head of unit sees the
training sessions to enrol their people), in the same query as the person."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from portal.models import OrgUnit, User


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        heads_a_unit = Exists(OrgUnit.objects.filter(head=OuterRef("pk")))
        try:
            user = User.objects.annotate(heads_a_unit=heads_a_unit).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
