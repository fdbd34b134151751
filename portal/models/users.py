"""Users. Roles are auth groups (see portal.roles); a user may hold several."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    org_unit = models.ForeignKey(
        "portal.OrgUnit",
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    badge_number = models.CharField(_("badge number"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set when an administrator gives a one-time password or asks for a new one; the
    # sign-in middleware sends the person to the password page until they change it.
    password_change_required = models.BooleanField(
        _("password change required at next sign-in"), default=False
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs omit Meta
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("reset_two_factor", "Can reset a user's two-factor device"),
            ("export_user", "Can export the user list"),
        ]

    def role_names(self) -> set[str]:
        """Names of the roles in force for this user: those held (groups) less those the
        training gate takes while a certificate is missing (portal.selectors.gate, the
        same answer the sign-in backend gives permissions from). Kept for the request."""
        from portal.models.gate import roles_in_force

        return roles_in_force(self)

    def held_role_names(self) -> set[str]:
        """Every role this user is a member of, in force or not (what an administrator
        assigns on the user's page)."""
        from portal.models.gate import held_roles

        return held_roles(self)

    def has_role(self, role: str) -> bool:
        return role in self.role_names()
