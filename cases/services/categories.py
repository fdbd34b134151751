"""Violation categories: the facts each asks for (field definitions, edited by administrators)
and the validation of a violation's category details against them, used by every path
(pages, API, imports); the seeding of the categories."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.lib.identifiers import ISO_COUNTRY_CODES
from cases.models import Violation, ViolationCategory
from cases.services.search import search_index_refresh
from portal.lib.language import is_lithuanian
from portal.models import AuditAction, User
from portal.services.audit import audit_record

if TYPE_CHECKING:
    pass


ISO_CURRENCIES = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "PLN",
        "BYN",
        "RUB",
        "UAH",
        "NOK",
        "SEK",
        "DKK",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "CNY",
        "JPY",
        "TRY",
        "KZT",
        "AED",
        "CAD",
        "AUD",
    ]
)


# The default bounds of a number among a category's facts, for a definition that states
# no "min" or "max" of its own: counts (packs, items) up to a thousand million, amounts
# (euros, kilograms, litres) up to a million million with at most three decimals.
INTEGER_MAX = 10**9


DECIMAL_MAX = Decimal(10**12)


DECIMAL_PLACES = 3


def _bounds(definition: dict[str, Any], default_max: int | Decimal) -> tuple[Decimal, Decimal]:
    return (
        Decimal(str(definition.get("min", 0))),
        Decimal(str(definition.get("max", default_max))),
    )


def _bounds_problem(value: int | Decimal, low: Decimal, high: Decimal) -> str:
    if value < low:
        if low == 0:
            return _("The number cannot be negative.")
        return _("The number must be at least %(min)s.") % {"min": low}
    if value > high:
        return _("The number must be at most %(max)s.") % {"max": high}
    return ""


def field_label(definition: dict[str, Any]) -> str:
    lithuanian = is_lithuanian()
    return str(definition.get("label_lt" if lithuanian else "label_en") or definition["name"])


def _clean_value(definition: dict[str, Any], raw: Any) -> Any:
    kind = definition.get("type", "text")
    text = raw.strip() if isinstance(raw, str) else raw
    if kind == "boolean":
        if isinstance(text, bool):
            return text
        if str(text).lower() in ("1", "true", "on", "yes", "taip"):
            return True
        if str(text).lower() in ("0", "false", "off", "no", "ne", ""):
            return False
        raise ValueError(_("Answer yes or no."))
    if kind == "integer":
        try:
            value = int(str(text))
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
        if problem := _bounds_problem(value, *_bounds(definition, INTEGER_MAX)):
            raise ValueError(problem)
        return value
    if kind == "decimal":
        try:
            number = Decimal(str(text).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number, e.g. 12.5.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number, e.g. 12.5."))
        if problem := _bounds_problem(number, *_bounds(definition, DECIMAL_MAX)):
            raise ValueError(problem)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -DECIMAL_PLACES:
            raise ValueError(
                _("Give at most %(places)d decimal places.") % {"places": DECIMAL_PLACES}
            )
        return str(number)
    if kind == "choice":
        allowed = [choice[0] for choice in definition.get("choices", [])]
        if text not in allowed:
            raise ValueError(_("Choose one of the listed options."))
        return text
    if kind == "country":
        code = str(text).upper()
        # Two letters are not enough: "XX" or "ÄÖ" name no country, and the facts feed
        # statistics by country.
        if code not in ISO_COUNTRY_CODES:
            raise ValueError(_("Enter a two-letter country code, e.g. LT or BY."))
        return code
    if kind == "currency":
        code = str(text).upper()
        if code not in ISO_CURRENCIES:
            raise ValueError(_("Enter a three-letter currency code, e.g. EUR or USD."))
        return code
    words = str(text)
    if len(words) > 300:
        raise ValueError(_("Keep this under 300 characters."))
    return words


def category_details_clean(
    *, category: ViolationCategory, raw: dict[str, Any], require_complete: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """(cleaned values, errors by field name). Unknown keys are dropped; required fields
    are enforced only when the violation is being submitted (drafts may be partial)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for definition in category.field_definitions:
        name = definition["name"]
        raw_value = raw.get(name)
        empty = raw_value is None or (isinstance(raw_value, str) and not raw_value.strip())
        if empty and definition.get("type") != "boolean":
            if require_complete and definition.get("required"):
                errors[name] = _("%(field)s is required for this category.") % {
                    "field": field_label(definition)
                }
            continue
        try:
            cleaned[name] = _clean_value(definition, raw_value if raw_value is not None else "")
        except ValueError as error:
            errors[name] = str(error)
    return cleaned, errors


FIELD_TYPES = {"text", "integer", "decimal", "choice", "boolean", "country", "currency"}


def field_definitions_validate(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ValidationError(_("The fields must be a list."))
    names: set[str] = set()
    for index, definition in enumerate(value, start=1):
        where = _("Field %(number)d") % {"number": index}
        if not isinstance(definition, dict):
            raise ValidationError(_("%(where)s is not an object.") % {"where": where})
        name = definition.get("name")
        if not isinstance(name, str) or not name.isidentifier():
            raise ValidationError(
                _("%(where)s needs a name made of letters, digits and _.") % {"where": where}
            )
        if name in names:
            raise ValidationError(_("The name %(name)s is used twice.") % {"name": name})
        names.add(name)
        if definition.get("type", "text") not in FIELD_TYPES:
            raise ValidationError(
                _("%(where)s: the type must be one of %(types)s.")
                % {"where": where, "types": ", ".join(sorted(FIELD_TYPES))}
            )
        for label in ("label_en", "label_lt"):
            if not isinstance(definition.get(label), str) or not definition[label].strip():
                raise ValidationError(
                    _("%(where)s needs %(label)s.") % {"where": where, "label": label}
                )
        if definition.get("type") == "choice":
            choices = definition.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(
                    isinstance(choice, list)
                    and len(choice) == 3
                    and all(isinstance(part, str) for part in choice)
                    for choice in choices
                )
            ):
                raise ValidationError(
                    _("%(where)s: list each option as [value, English, Lithuanian].")
                    % {"where": where}
                )
        bounds = [definition[key] for key in ("min", "max") if key in definition]
        if not all(
            isinstance(bound, int | float) and not isinstance(bound, bool) for bound in bounds
        ):
            raise ValidationError(_("%(where)s: min and max are numbers.") % {"where": where})
        if "min" in definition and "max" in definition and definition["min"] > definition["max"]:
            raise ValidationError(_("%(where)s: min is above max.") % {"where": where})
        if not isinstance(definition.get("required", False), bool):
            raise ValidationError(_("%(where)s: required is true or false.") % {"where": where})
    return value


@transaction.atomic
def category_update(
    *, actor: User, category: ViolationCategory, fields: dict[str, Any]
) -> ViolationCategory:
    """Change the ``fields`` given (names, order, active, field definitions), audited.
    Raises ValidationError by field, ``field_definitions`` included, and changes nothing
    when refused."""
    if "field_definitions" in fields:
        try:
            field_definitions_validate(fields["field_definitions"])
        except ValidationError as error:
            raise ValidationError({"field_definitions": error.messages}) from error
    category = ViolationCategory.objects.select_for_update().get(pk=category.pk)
    editable = ["name_en", "name_lt", "sort_order", "is_active", "field_definitions"]
    before = {name: getattr(category, name) for name in editable}
    for name in editable:
        if name in fields:
            setattr(category, name, fields[name])
    category.full_clean()
    category.save(update_fields=[name for name in editable if name in fields])
    changes = {
        name: [before[name], getattr(category, name)]
        for name in editable
        if before[name] != getattr(category, name)
    }
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=category, changes=changes)
    if "name_en" in changes or "name_lt" in changes:
        # Every violation of the category is found by its name: a category may hold
        # hundreds of thousands, so the worker refreshes their entries after the commit.
        # (cases.tasks imports this module: imported here, not at the top.)
        from cases.tasks import category_search_refresh_task

        category_id = category.pk
        transaction.on_commit(lambda: category_search_refresh_task.delay(category_id))
    return category


# Violations whose entries are refreshed per transaction after a category is renamed.
CATEGORY_REFRESH_SLICE = 10_000


def category_search_refresh(*, category_id: int) -> int:
    """Bring the search entries of every violation of the category up to date (they
    carry its names); returns how many. Idempotent."""
    ids = list(
        Violation.objects.filter(category_id=category_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # One refresh per slice keeps each transaction short on a large category.
    for start in range(0, len(ids), CATEGORY_REFRESH_SLICE):
        search_index_refresh(kind="violation", ids=ids[start : start + CATEGORY_REFRESH_SLICE])
    return len(ids)


def seed_categories(category_model: Any = None) -> int:
    """The seeded violation categories (cases/lib/category_fields.py); idempotent."""
    from cases.lib.category_fields import category_definitions

    if category_model is None:
        from cases.models import ViolationCategory

        category_model = ViolationCategory
    for row in category_definitions():
        category_model.objects.update_or_create(code=row["code"], defaults=row)
    return len(category_definitions())
