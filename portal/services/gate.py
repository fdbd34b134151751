"""Exemptions from the training gate (portal.selectors.gate): an administrator lets a
person act in a gated role without a valid certificate until a date, with the reason,
and may end the exemption early. Both are audited; nothing changes on a refusal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, Course, GateExemption, User
from portal.roles import Role, role_labels
from portal.selectors.gate import active_exemptions_filter
from portal.selectors.training import local_today
from portal.services.audit import REASON_MAX, audit_record

# Time-limited: an exemption bridges the wait for a session, it does not replace one.
EXEMPTION_MAX_DAYS = 366


def _name(person: User) -> str:
    return person.get_full_name() or person.username


def _reason_check(reason: str, *, field: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: missing})
    lengths_check({field: (reason, REASON_MAX)})
    hidden_characters_check({field: reason})
    return reason


@transaction.atomic
def exemption_grant(
    *, actor: User, person: User, role: str, until: datetime.date, reason: str
) -> GateExemption:
    """Let ``person`` act in ``role`` without a valid certificate through ``until``.

    Refused, with the reason, for oneself, an inactive person, a role the person does
    not hold or that no active course gates, a date past or more than a year away, a
    missing reason, or while another exemption for the same role runs."""
    reason = _reason_check(reason, field="reason", missing=_("Give the reason for the exemption."))
    today = local_today()
    if role not in {r.value for r in Role}:
        raise ValidationError({"role": _("Choose one of the roles.")})
    role_label = role_labels([role])[0]
    if person.pk == actor.pk:
        raise ValidationError(
            {"person": _("You cannot exempt yourself: ask another administrator.")}
        )
    if not person.is_active:
        raise ValidationError(
            {"person": _("%(name)s's account is inactive.") % {"name": _name(person)}}
        )
    if not person.groups.filter(name=role).exists():
        raise ValidationError(
            {
                "role": _("%(name)s does not hold the %(role)s role: give the role first.")
                % {"name": _name(person), "role": role_label}
            }
        )
    if not Course.objects.filter(is_active=True, qualifies_role=role).exists():
        raise ValidationError(
            {
                "role": _(
                    "No active course qualifies for the %(role)s role: the role needs no "
                    "certificate, so no exemption either."
                )
                % {"role": role_label}
            }
        )
    if until < today:
        raise ValidationError({"until": _("The date is past: choose today or a later day.")})
    if until > today + datetime.timedelta(days=EXEMPTION_MAX_DAYS):
        raise ValidationError(
            {
                "until": _(
                    "An exemption lasts at most a year (until %(date)s): enrol the person "
                    "in a session instead."
                )
                % {"date": (today + datetime.timedelta(days=EXEMPTION_MAX_DAYS)).isoformat()}
            }
        )
    User.objects.select_for_update().filter(pk=person.pk).first()  # one grant at a time
    running = GateExemption.objects.filter(
        active_exemptions_filter(today=today), person=person, role=role
    ).first()
    if running is not None:
        raise ValidationError(
            _(
                "%(name)s is already exempt for the %(role)s role until %(date)s: end that "
                "exemption first to change it."
            )
            % {"name": _name(person), "role": role_label, "date": running.until.isoformat()}
        )
    exemption = GateExemption.objects.create(
        person=person, role=role, until=until, reason=reason, granted_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=exemption,
        changes={"person": person.username, "role": role, "until": until.isoformat()},
        reason=reason,
    )
    return exemption


@transaction.atomic
def exemption_end(*, actor: User, exemption: GateExemption, reason: str) -> GateExemption:
    """End ``exemption`` now: from the next request the gate applies to the person again."""
    reason = _reason_check(
        reason, field="end_reason", missing=_("Give the reason for ending the exemption.")
    )
    exemption = GateExemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.ended_at is not None:
        raise ValidationError(_("This exemption has already been ended."))
    if exemption.until < local_today():
        raise ValidationError(_("This exemption is over already: nothing to end."))
    exemption.ended_at = timezone.now()
    exemption.ended_by = actor
    exemption.end_reason = reason
    exemption.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=exemption,
        changes={"ended": [None, exemption.ended_at.isoformat()]},
        reason=reason,
    )
    return exemption
