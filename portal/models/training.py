"""Training records: courses, their sessions, who enrolled, attended and passed, and the
certificates a pass earns.

A course states what it qualifies for: a role (the gate of issue 13 lets that role act
only while the person holds a valid certificate of such a course) or the administration
of a part of the portal. A certificate is valid from its pass date until its expiry date
(the pass date plus the course's validity), unless revoked.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.roles import ROLE_LABELS, Role

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]
VALIDITY_MONTHS_MAX = 120


class AdministeredArea(models.TextChoices):
    """Parts of the portal whose administration a course may qualify for."""

    USERS = "users", _("Users and units")
    TRAINING = "training", _("Training records")
    AUDIT = "audit", _("Audit trail")
    CATEGORIES = "categories", _("Violation categories")
    JOBS = "jobs", _("Scheduled jobs")


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    qualifies_role = models.CharField(
        _("qualifies for the role"), max_length=20, choices=ROLE_CHOICES, blank=True
    )
    qualifies_area = models.CharField(
        _("qualifies for administering"),
        max_length=20,
        choices=AdministeredArea.choices,
        blank=True,
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"),
        validators=[MinValueValidator(1), MaxValueValidator(VALIDITY_MONTHS_MAX)],
    )
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        permissions = [("revoke_certificate", "Can revoke a training certificate")]
        constraints = [
            models.CheckConstraint(
                condition=Q(qualifies_role="") | Q(qualifies_area=""),
                name="course_qualifies_for_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gte=1, validity_months__lte=VALIDITY_MONTHS_MAX),
                name="course_validity_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def qualification_label(self) -> str:
        """What a pass qualifies for, in words ("" for a course that qualifies for none)."""
        if self.qualifies_role:
            return str(_("Role: %(role)s") % {"role": self.get_qualifies_role_display()})
        if self.qualifies_area:
            return str(_("Administration: %(area)s") % {"area": self.get_qualifies_area_display()})
        return ""


class TrainingSession(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    trainer = models.CharField(_("trainer"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "course__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500), name="session_capacity_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.starts_on.isoformat()}"

    def has_started(self, today: datetime.date) -> bool:
        return self.starts_on <= today

    def has_ended(self, today: datetime.date) -> bool:
        return self.ends_on < today


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrolmentResult(models.TextChoices):
    PENDING = "pending", _("No result yet")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Enrolment(models.Model):
    """A person's place in a session (or on its waiting list), their attendance and result.

    Invariants kept by portal.services.training: at most ``capacity`` enrolments are
    ENROLLED; WAITING ones are promoted in the order they joined when a place frees; a
    result needs attendance; a pass has exactly one certificate.
    """

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=EnrolmentResult.choices, default=EnrolmentResult.PENDING
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    notes = models.TextField(_("notes"), blank=True)
    result_recorded_at = models.DateTimeField(_("result recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "enrolled_at", "pk"]
        constraints = [
            # A person who withdrew may enrol again; otherwise one place per person.
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="withdrawn"),
                name="enrolment_one_per_person_and_session",
            ),
            models.CheckConstraint(
                condition=Q(result="pending") | Q(attended=True),
                name="enrolment_result_needs_attendance",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="enrolment_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "enrolled_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    # Denormalised from the enrolment: the gate asks "does this person hold a valid
    # certificate of a course qualifying for this role" on every permission check.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_certificates",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=14, unique=True)
    issued_on = models.DateField(_("pass date"))
    expires_on = models.DateField(_("expiry date"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="certificate_expires_after_pass"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "course", "expires_on"])]

    def __str__(self) -> str:
        return self.code

    def status_on(self, today: datetime.date) -> CertificateStatus:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        # Valid through its expiry date ("valid until"); expired from the day after.
        if today > self.expires_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID


class ReminderKind(models.TextChoices):
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")
    SESSION_START = "session_start", _("Session start")


class TrainingReminder(models.Model):
    """One e-mail reminder sent (or being sent) to one person.

    The row is inserted before the e-mail goes, in the same transaction: the unique
    constraints make a second beat run, or a second worker racing the first, fail to
    insert it and send nothing. ``about_date`` is the date the reminder is about (the
    expiry date, the session's first day): a session moved to another day earns a new
    reminder, the same date never a second one.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    about_date = models.DateField(_("about the date"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("training reminder")
        verbose_name_plural = _("training reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="certificate_expiry", certificate__isnull=False, enrolment__isnull=True)
                    | Q(kind="session_start", enrolment__isnull=False, certificate__isnull=True)
                ),
                name="training_reminder_about_one_thing",
            ),
            models.UniqueConstraint(
                fields=["certificate", "recipient", "days_before", "about_date"],
                condition=Q(certificate__isnull=False),
                name="training_reminder_certificate_once",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "recipient", "days_before", "about_date"],
                condition=Q(enrolment__isnull=False),
                name="training_reminder_enrolment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.recipient_id} · {self.about_date.isoformat()}"


class GateExemption(models.Model):
    """An administrator's leave for ``person`` to act in ``role`` without a valid
    certificate, through ``until`` (inclusive), with the reason. Ended early by setting
    ``ended_at`` (never deleted: the record of who was let through stays)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="gate_exemptions",
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    until = models.DateField(_("exempt until"))
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("training exemption")
        verbose_name_plural = _("training exemptions")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="exemption_has_reason"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="exemption_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "role", "until"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.role} · {self.until.isoformat()}"

    def is_active_on(self, today: datetime.date) -> bool:
        return self.ended_at is None and today <= self.until
