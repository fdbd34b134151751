from cases.models.categories import ViolationCategory
from cases.models.entities import Entity, EntityKind, Relation
from cases.models.goods import GoodsLine, HSCode, QuantityUnit
from cases.models.map import ViolationGridCell, ViolationGridMonth
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
    "ClientWrite",
    "ClientWriteKind",
    "Entity",
    "EntityKind",
    "Evidence",
    "GoodsLine",
    "HSCode",
    "InvolvementRole",
    "LocationSource",
    "QuantityUnit",
    "Relation",
    "SearchEntry",
    "Violation",
    "ViolationCategory",
    "ViolationEntity",
    "ViolationGridCell",
    "ViolationGridMonth",
    "ViolationStatus",
]
