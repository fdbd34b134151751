from cases.models.categories import ViolationCategory
from cases.models.entities import Entity, EntityKind, ProvenanceKind, Relation
from cases.models.goods import GoodsLine, HSCode, QuantityUnit
from cases.models.map import ViolationGridCell, ViolationGridMonth
from cases.models.resolution import EntityMatch, EntityMerge, MatchStatus
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
    "ClientWrite",
    "ClientWriteKind",
    "Entity",
    "EntityKind",
    "EntityMatch",
    "EntityMerge",
    "Evidence",
    "GoodsLine",
    "HSCode",
    "InvolvementRole",
    "LocationSource",
    "MatchStatus",
    "ProvenanceKind",
    "QuantityUnit",
    "Relation",
    "Violation",
    "ViolationCategory",
    "ViolationEntity",
    "ViolationGridCell",
    "ViolationGridMonth",
    "ViolationStatus",
]
