from portal.models.accounts import ApiToken, Invitation, api_token_digest
from portal.models.audit import AuditAction, AuditRecord
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
from portal.models.users import User

__all__ = [
    "JOB_LOG_MAX_LINES",
    "ApiToken",
    "AreaKind",
    "AuditAction",
    "AuditRecord",
    "BorderLine",
    "CrossingPoint",
    "CrossingPointKind",
    "Invitation",
    "Job",
    "JobLogLevel",
    "JobLogLine",
    "JobResult",
    "JobStatus",
    "OrgUnit",
    "OrgUnitKind",
    "ReferenceArea",
    "User",
    "api_token_digest",
]
