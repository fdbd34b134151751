"""The audit trail: append-only, each record's hash chained to the previous one.

Integrity rests on layers: the model refuses updates and deletes; a database trigger
refuses UPDATE and DELETE on the table (added in a migration); the portal's database
role may only INSERT and SELECT on it (docs/operations.md); each record's hash is an
HMAC keyed with a secret outside the database; and the chain's head is anchored outside
the database at intervals. ``manage.py verify_audit`` checks the last two.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.lib.audit_chain import (
    GENESIS_HASH,
    SCHEME_KEYED,
    SCHEME_UNKEYED,
    AuditKeyMissing,
    keyed_hash,
    unkeyed_hash,
)

__all__ = ["GENESIS_HASH", "AuditAction", "AuditRecord", "ChainScheme"]


class ChainScheme(models.TextChoices):
    UNKEYED = SCHEME_UNKEYED, _("SHA-256 (written before the audit key)")
    KEYED = SCHEME_KEYED, _("HMAC-SHA256 with the audit key")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    VIEW = "view", _("View")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")
    TWO_FACTOR = "two_factor", _("Two-factor event")
    TOKEN = "token", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")


class AppendOnlyQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit records are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit records are append-only.")


class AuditRecord(models.Model):
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too: the trail must read the same after a user is renamed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or client"), max_length=300, blank=True)
    request_id = models.CharField(_("request ID"), max_length=40, blank=True)
    action = models.CharField(
        _("action"), max_length=20, choices=AuditAction.choices, db_index=True
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    # Which hash protects the record: every new record is keyed; unkeyed ones are those
    # written before the key existed, and may only come first in the chain.
    chain_scheme = models.CharField(
        _("hash scheme"), max_length=16, choices=ChainScheme.choices, default=ChainScheme.KEYED
    )
    record_hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager["AuditRecord"]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-id"]
        default_permissions = ("view",)
        permissions = [("export_auditrecord", "Can export audit records")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit records are append-only.")

    def hashed_content(self) -> dict[str, Any]:
        """Every field that the hash protects, in a canonical form."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "request_id": self.request_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "reason": self.reason,
        }

    def compute_hash(self) -> str:
        """The hash this record must carry, by its scheme (the key from settings)."""
        if self.chain_scheme == ChainScheme.UNKEYED:
            return unkeyed_hash(self.prev_hash, self.hashed_content())
        key: bytes | None = settings.AUDIT_HMAC_KEY
        if not key:
            raise AuditKeyMissing
        return keyed_hash(key, self.prev_hash, self.hashed_content())
