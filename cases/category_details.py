"""Validation of the category-specific facts of a violation against the category's
field definitions (see cases/category_fields.py). One function serves the form, the
API and imports, so no path skips a rule."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.identifiers import ISO_COUNTRY_CODES
from cases.models import ViolationCategory

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


def field_label(definition: dict[str, Any]) -> str:
    lithuanian = (get_language() or "en").startswith("lt")
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
        if value < 0:
            raise ValueError(_("The number cannot be negative."))
        return value
    if kind == "decimal":
        try:
            number = Decimal(str(text).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number, e.g. 12.5.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number, e.g. 12.5."))
        if number < 0:
            raise ValueError(_("The number cannot be negative."))
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
