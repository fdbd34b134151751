from portal.models.accounts import ApiToken, Invitation, api_token_digest
from portal.models.audit import AuditAction, AuditRecord
from portal.models.audit_review import (
    AuditActivityHour,
    AuditActivityMark,
    AuditFlagReview,
    AuditFlagRule,
)
from portal.models.geo import AreaKind, BorderLine, CrossingPoint, CrossingPointKind, ReferenceArea
from portal.models.jobs import (
    JOB_LOG_MAX_LINES,
    Job,
    JobLogLevel,
    JobLogLine,
    JobResult,
    JobStatus,
)
from portal.models.org import OrgUnit, OrgUnitKind
from portal.models.training import (
    AdministeredArea,
    Certificate,
    CertificateStatus,
    Course,
    Enrolment,
    EnrolmentResult,
    EnrolmentStatus,
    GateExemption,
    TrainingSession,
)
from portal.models.users import User

__all__ = [
    "JOB_LOG_MAX_LINES",
    "AdministeredArea",
    "ApiToken",
    "AreaKind",
    "AuditAction",
    "AuditActivityHour",
    "AuditActivityMark",
    "AuditFlagReview",
    "AuditFlagRule",
    "AuditRecord",
    "BorderLine",
    "Certificate",
    "CertificateStatus",
    "Course",
    "CrossingPoint",
    "CrossingPointKind",
    "Enrolment",
    "EnrolmentResult",
    "EnrolmentStatus",
    "GateExemption",
    "Invitation",
    "Job",
    "JobLogLevel",
    "JobLogLine",
    "JobResult",
    "JobStatus",
    "OrgUnit",
    "OrgUnitKind",
    "ReferenceArea",
    "TrainingSession",
    "User",
    "api_token_digest",
]
