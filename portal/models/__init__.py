from portal.models.audit import AuditAction, AuditRecord
from portal.models.org import OrgUnit, OrgUnitKind
from portal.models.users import User

__all__ = ["AuditAction", "AuditRecord", "OrgUnit", "OrgUnitKind", "User"]
