"""API tokens: one per client (a tablet, a script) of a person, each revocable alone."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def api_token_digest(key: str) -> str:
    """What is stored of a key: its SHA-256, so that a copy of the database opens nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("client"), max_length=100)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        constraints = [
            # A client asking again replaces its own token, never another client's.
            models.UniqueConstraint(fields=["user", "name"], name="portal_apitoken_user_name")
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A link e-mailed to a new person, on which they set their first password. Only the
    digest of its key is kept; it opens once (``used``) and until ``expires``; a new
    invitation for the same person withdraws the older ones (``withdrawn``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires = models.DateTimeField(_("expires"))
    used = models.DateTimeField(_("used"), null=True, blank=True)
    withdrawn = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created:%Y-%m-%d})"
