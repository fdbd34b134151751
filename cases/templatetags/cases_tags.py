"""Template filters of the violation pages."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext, ngettext

from cases.models import GoodsLine, Violation
from cases.models.goods import QuantityUnit
from cases.models.violations import ViolationStatus
from cases.services.categories import field_label
from portal.lib.language import is_lithuanian

register = template.Library()


@register.filter
def detail_rows(violation: Violation) -> list[tuple[str, str]]:
    """(label, shown value) for each category fact the violation carries."""
    details = violation.details or {}
    rows = []
    for definition in violation.category.field_definitions:
        if definition["name"] not in details:
            continue
        value = details[definition["name"]]
        if definition.get("type") == "choice":
            labels = {c[0]: c for c in definition.get("choices", [])}
            choice = labels.get(value)
            value = (choice[2] if is_lithuanian() else choice[1]) if choice else value
        elif definition.get("type") == "boolean":
            value = gettext("yes") if value else gettext("no")
        rows.append((field_label(definition), str(value)))
    return rows


@register.filter
def status_label(value: str) -> str:
    """A violation status as the reader says it ("Submitted"), for the states the
    audit trail keeps as stored values ("submitted")."""
    try:
        return str(ViolationStatus(value).label)
    except ValueError:
        return value


# Units counted in things take the plural of their number; measures keep their symbol.
_MEASURE_SYMBOLS = {
    QuantityUnit.KILOGRAMS: "kg",
    QuantityUnit.GRAMS: "g",
    QuantityUnit.LITRES: "l",
    QuantityUnit.CUBIC_METRES: "m³",
    QuantityUnit.EUROS: "EUR",
}


@register.filter
def quantity_text(line: GoodsLine) -> str:
    """ "1 piece", "500 packs", "2.5 kg": the number with its unit in agreement."""
    quantity = Decimal(line.quantity)
    whole = quantity == quantity.to_integral_value()
    # normalize() drops trailing zeros (2.500 → 2.5); a whole number stays as written.
    number = formats.number_format(quantity.to_integral_value() if whole else quantity.normalize())
    symbol = _MEASURE_SYMBOLS.get(QuantityUnit(line.quantity_unit))
    if symbol is not None:
        return f"{number}\u00a0{symbol}"
    # A fraction of a piece takes the plural, as "1.5 pieces" does.
    count = int(quantity) if whole else 2
    if line.quantity_unit == QuantityUnit.PACKS:
        return ngettext("%(n)s pack", "%(n)s packs", count) % {"n": number}
    return ngettext("%(n)s piece", "%(n)s pieces", count) % {"n": number}


@register.filter
def ftm_schema_label(kind: str) -> str:
    """The translated name of an FtM schema ("Person" -> "Asmuo")."""
    from cases.lib.ftm import schema_get
    from cases.lib.ftm_labels import gettext_ftm

    schema = schema_get(kind)
    return gettext_ftm(schema.label) if schema is not None else kind
