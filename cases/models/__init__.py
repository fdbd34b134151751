from cases.models.case_work import (
    Agency,
    AssistanceDirection,
    AssistanceRequest,
    AssistanceStatus,
    CaseTask,
    CaseTemplate,
)
from cases.models.categories import ViolationCategory
from cases.models.documents import (
    DocumentSuggestion,
    DocumentText,
    ExtractionStatus,
    SuggestionKind,
    SuggestionStatus,
)
from cases.models.entities import Entity, EntityKind, PortalLink, ProvenanceKind, Relation
from cases.models.goods import GoodsLine, HSCode, QuantityUnit
from cases.models.imports import (
    DataImport,
    ImportedRecord,
    ImportFormat,
    ImportMapping,
    ImportStatus,
)
from cases.models.investigations import (
    Case,
    CaseDocument,
    CaseEntity,
    CaseEvent,
    CaseMember,
    CaseNote,
    CasePriority,
    CaseRole,
    CaseStatus,
    CaseViolation,
)
from cases.models.map import ViolationGridCell, ViolationGridMonth
from cases.models.resolution import EntityMatch, EntityMerge, MatchStatus
from cases.models.search import SearchEntry
from cases.models.violations import (
    Evidence,
    InvolvementRole,
    LocationSource,
    Violation,
    ViolationEntity,
    ViolationStatus,
)
from cases.models.writes import ClientWrite, ClientWriteKind

__all__ = [
    "Agency",
    "AssistanceDirection",
    "AssistanceRequest",
    "AssistanceStatus",
    "Case",
    "CaseDocument",
    "CaseEntity",
    "CaseEvent",
    "CaseMember",
    "CaseNote",
    "CasePriority",
    "CaseRole",
    "CaseStatus",
    "CaseTask",
    "CaseTemplate",
    "CaseViolation",
    "ClientWrite",
    "ClientWriteKind",
    "DataImport",
    "DocumentSuggestion",
    "DocumentText",
    "Entity",
    "EntityKind",
    "EntityMatch",
    "EntityMerge",
    "Evidence",
    "ExtractionStatus",
    "GoodsLine",
    "HSCode",
    "ImportFormat",
    "ImportMapping",
    "ImportStatus",
    "ImportedRecord",
    "InvolvementRole",
    "LocationSource",
    "MatchStatus",
    "PortalLink",
    "ProvenanceKind",
    "QuantityUnit",
    "Relation",
    "SearchEntry",
    "SuggestionKind",
    "SuggestionStatus",
    "Violation",
    "ViolationCategory",
    "ViolationEntity",
    "ViolationGridCell",
    "ViolationGridMonth",
    "ViolationStatus",
]
