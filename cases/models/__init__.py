from cases.models.entities import Entity, EntityKind, Relation
from cases.models.map_grid import ViolationGridCell, ViolationGridMonth
from cases.models.reference import HSCode, ViolationCategory
from cases.models.violations import (
    Evidence,
    GoodsLine,
    InvolvementRole,
    LocationSource,
    QuantityUnit,
    Violation,
    ViolationEntity,
    ViolationStatus,
)

__all__ = [
    "Entity",
    "EntityKind",
    "Evidence",
    "GoodsLine",
    "HSCode",
    "InvolvementRole",
    "LocationSource",
    "QuantityUnit",
    "Relation",
    "Violation",
    "ViolationCategory",
    "ViolationEntity",
    "ViolationGridCell",
    "ViolationGridMonth",
    "ViolationStatus",
]
