"""Invitations: a new person sets their first password on a link e-mailed to them.

The link carries a random key; only its SHA-256 is stored, so a copy of the database
opens nothing. A link works once, until it expires, and only while it is the person's
latest invitation and the account is active.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.models import AuditAction, Invitation, User, api_token_digest
from portal.services.audit import audit_record


class InvitationProblem(StrEnum):
    """Why a link does not open, each said plainly on the page."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    INACTIVE = "inactive"


class InvitationRefusedError(Exception):
    def __init__(self, problem: InvitationProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class InvitationLink:
    invitation: Invitation
    url: str


def invitation_url(key: str) -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}{reverse('portal:invitation-accept', kwargs={'key': key})}"


def invitation_issue(*, actor: User | None, user: User) -> InvitationLink:
    """A fresh link for ``user``; their earlier unused links stop working. The caller
    sends it (``invitations_send``) once the transaction commits."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used__isnull=True, withdrawn__isnull=True).update(
        withdrawn=now
    )
    key = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=user,
        key_digest=api_token_digest(key),
        created=now,
        created_by=actor,
        expires=now + timedelta(hours=settings.INVITATION_TTL_HOURS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"invitation": {"sent_to": user.email, "expires": invitation.expires.isoformat()}},
    )
    return InvitationLink(invitation=invitation, url=invitation_url(key))


def invitations_send(links: Iterable[InvitationLink]) -> None:
    """E-mail each link to its person, over one connection, after the transaction
    commits (an invitation rolled back is never sent)."""
    pending = list(links)

    def send() -> None:
        with get_connection() as connection:
            for link in pending:
                user = link.invitation.user
                with override(settings.LANGUAGE_CODE):
                    subject = _("Your account on the Customs Enforcement Portal")
                    body = _(
                        "Hello %(name)s,\n\n"
                        "An account has been opened for you on the Customs Enforcement Portal "
                        "(username: %(username)s).\n"
                        "Set your password on this link, which works once, until %(expires)s:\n"
                        "%(url)s\n\n"
                        "If you did not expect this message, tell your administrator."
                    ) % {
                        "name": user.get_full_name() or user.username,
                        "username": user.username,
                        "expires": timezone.localtime(link.invitation.expires).strftime(
                            "%Y-%m-%d %H:%M"
                        ),
                        "url": link.url,
                    }
                EmailMessage(
                    subject=subject, body=body, to=[user.email], connection=connection
                ).send()

    transaction.on_commit(send)


def invitation_check(*, key: str) -> Invitation:
    """The invitation that ``key`` opens, or InvitationRefusedError saying why not."""
    invitation = (
        Invitation.objects.select_related("user").filter(key_digest=api_token_digest(key)).first()
    )
    if invitation is None:
        raise InvitationRefusedError(InvitationProblem.UNKNOWN)
    if invitation.used is not None:
        raise InvitationRefusedError(InvitationProblem.USED)
    if invitation.withdrawn is not None:
        raise InvitationRefusedError(InvitationProblem.WITHDRAWN)
    if invitation.expires <= timezone.now():
        raise InvitationRefusedError(InvitationProblem.EXPIRED)
    if not invitation.user.is_active:
        raise InvitationRefusedError(InvitationProblem.INACTIVE)
    return invitation


@transaction.atomic
def invitation_accept(*, key: str, password: str) -> User:
    """Set the person's first password through their link, which then stops working.
    The password has been validated by the caller's form."""
    # Locked, then checked again: two submissions of one link set one password.
    digest = api_token_digest(key)
    Invitation.objects.select_for_update().filter(key_digest=digest).first()
    invitation = invitation_check(key=key)
    invitation.used = timezone.now()
    invitation.save(update_fields=["used"])
    user = invitation.user
    user.set_password(password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"password": "set through invitation"},
    )
    return user
