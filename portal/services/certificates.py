"""Certificates: issued on a pass, verified by their code (valid, expired, revoked or
unknown, every check audited), revoked with a reason, drawn as a PDF with a QR code of
the verification page."""

import datetime
import secrets
from calendar import monthrange
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, Certificate, CertificateStatus, Enrolment, User
from portal.selectors.training import local_today
from portal.services.audit import REASON_MAX, audit_record

# Codes are read aloud and typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, kept within the month (31 January plus
    one month is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def certificate_code_new() -> str:
    """A verification code like ``K7QD-3XMA-PW9R``: 60 bits of chance, nothing to guess."""
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def certificate_code_normalise(text: str) -> str:
    """What a person typed or a QR scanner read, as the stored form: upper case, groups
    joined by hyphens, spaces and other separators ignored."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(letters) != CODE_GROUPS * CODE_GROUP_LENGTH:
        return letters
    return "-".join(
        letters[i : i + CODE_GROUP_LENGTH] for i in range(0, len(letters), CODE_GROUP_LENGTH)
    )


def certificate_issue(*, actor: User, enrolment: Enrolment) -> Certificate:
    """The certificate of a recorded pass (called by enrolment_result_record, inside its
    transaction): pass date the session's last day, or today if earlier; expiry date the
    pass date plus the course's validity."""
    course = enrolment.session.course
    issued_on = min(local_today(), enrolment.session.ends_on)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrolment=enrolment,
                    person=enrolment.person,
                    course=course,
                    code=certificate_code_new(),
                    issued_on=issued_on,
                    expires_on=add_months(issued_on, course.validity_months),
                )
            break
        except IntegrityError:  # a code already in use (one in 10^18): draw another
            continue
    else:  # pragma: no cover - would need five collisions in a row
        raise RuntimeError("Could not draw a unique certificate code.")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=certificate,
        changes={
            "person": enrolment.person.username,
            "course": course.code,
            "issued_on": issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
        },
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    lengths_check({"reason": (reason, REASON_MAX)})
    hidden_characters_check({"reason": reason})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=certificate,
        changes={"revoked": [None, certificate.revoked_at.isoformat()]},
        reason=reason,
    )
    return certificate


class VerificationAnswer:
    VALID = CertificateStatus.VALID
    EXPIRED = CertificateStatus.EXPIRED
    REVOKED = CertificateStatus.REVOKED
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    code: str
    answer: str
    certificate: Certificate | None


@transaction.atomic
def certificate_verify(*, actor: User, code: str) -> Verification:
    """What a certificate code stands for today: valid, expired, revoked or unknown. Every
    check is audited (who asked about which code, and the answer), an unknown code too."""
    normalised = certificate_code_normalise(code)
    certificate = (
        Certificate.objects.select_related("person", "course").filter(code=normalised).first()
        if normalised
        else None
    )
    answer = (
        str(certificate.status_on(local_today()))
        if certificate is not None
        else VerificationAnswer.UNKNOWN
    )
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=certificate,
        object_type="portal.certificate",
        object_repr=normalised[:40] if certificate is None else "",
        changes={"verification": answer, "code": normalised[:40]},
    )
    return Verification(code=normalised, answer=answer, certificate=certificate)


def certificate_qr_svg(*, url: str) -> str:
    """The QR code of ``url`` as an inline SVG (drawn in the PDF, no image file)."""
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=4, dark="#0b2545", border=2))


def certificate_pdf(*, actor: User, certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as a one-page PDF in the active language, with its verification
    code and a QR code of ``verify_url`` (the verification page, code filled in). The
    download is audited. Rendered when asked, so that a revoked certificate says so."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML  # loads Pango: only when a certificate is drawn

    html = render_to_string(
        "portal/training/certificate_pdf.html",
        {
            "certificate": certificate,
            "status": certificate.status_on(local_today()),
            "qr_svg": certificate_qr_svg(url=verify_url),
            "verify_url": verify_url,
            "language": translation.get_language() or "en",
        },
    )
    content = bytes(HTML(string=html).write_pdf())
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DOWNLOAD, obj=certificate)
    return content
