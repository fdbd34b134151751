from portal.models.accounts import ApiToken, api_token_digest
from portal.models.audit import AuditAction, AuditRecord
from portal.models.geo import AreaKind, BorderLine, CrossingPoint, CrossingPointKind, ReferenceArea
from portal.models.org import OrgUnit, OrgUnitKind
from portal.models.users import User

__all__ = [
    "ApiToken",
    "AreaKind",
    "AuditAction",
    "AuditRecord",
    "BorderLine",
    "CrossingPoint",
    "CrossingPointKind",
    "OrgUnit",
    "OrgUnitKind",
    "ReferenceArea",
    "User",
    "api_token_digest",
]
