"""What the link chart and the timeline write on a relation beside its kind: the amount
of a payment or a debt, the share of an ownership ("80,000 EUR", "51%", "1,200 shares").

Read apart from the graph queries, which read their relations off covering indexes and
never touch the properties (cases/selectors/graph.py): only the relations of an answer
whose kind can carry an amount are read again, by primary key."""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import ngettext

from cases.lib.ftm import edge_schemata
from cases.lib.graph_search import GraphEdge
from cases.models import Relation

# FtM properties holding a sum, and the currency each implies (None: the record's own
# "currency" property says).
AMOUNT_PROPERTIES: tuple[tuple[str, str | None], ...] = (
    ("amount", None),
    ("amountEur", "EUR"),
    ("amountUsd", "USD"),
)
SHARE_PROPERTIES = ("percentage", "sharesCount")


@cache
def kinds_with_amounts() -> frozenset[str]:
    """The FtM relation schemata that have a property for an amount or a share."""
    wanted = {name for name, _currency in AMOUNT_PROPERTIES} | set(SHARE_PROPERTIES)
    return frozenset(
        schema.name for schema in edge_schemata() if wanted.intersection(schema.properties)
    )


def number_text(value: Any) -> str | None:
    """``value`` (FtM keeps numbers as text) in the active language's digits grouping;
    None when it is no number."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=places, force_grouping=True)


def _first(properties: Mapping[str, Any], name: str) -> Any:
    values = properties.get(name) or []
    return values[0] if isinstance(values, list) and values else None


def relation_amount_text(properties: Mapping[str, Any] | None) -> str:
    """The amount or share that a relation's FtM ``properties`` carry, or ""."""
    properties = properties or {}
    for name, implied in AMOUNT_PROPERTIES:
        number = number_text(_first(properties, name)) if _first(properties, name) else None
        if number is not None:
            currency = implied or str(_first(properties, "currency") or "").upper()
            return f"{number} {currency}".strip()
    percentage = _first(properties, "percentage")
    if percentage and (number := number_text(percentage)) is not None:
        return f"{number}%"
    shares = _first(properties, "sharesCount")
    if shares and (number := number_text(shares)) is not None:
        count = int(Decimal(str(shares).strip()))
        return ngettext("%(count)s share", "%(count)s shares", count) % {"count": number}
    return ""


def edges_with_amounts(edges: Sequence[GraphEdge | Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``edges`` (of a graph answer or an export: each with its ``id`` and ``kind``),
    each with its ``amount`` text ("" for none)."""
    kinds = kinds_with_amounts()
    wanted = [edge["id"] for edge in edges if edge["kind"] in kinds]
    amounts: dict[int, str] = {}
    if wanted:
        for pk, properties in Relation.objects.filter(pk__in=wanted).values_list(
            "pk", "properties"
        ):
            amounts[pk] = relation_amount_text(properties)
    return [{**edge, "amount": amounts.get(edge["id"], "")} for edge in edges]
