"""Text that arrives from people and devices, shared by every input path.

Cleaning at the edge: PostgreSQL refuses the NUL character in text and JSON, and a lone
UTF-16 surrogate (which JSON's "\\ud800" escape produces) cannot be encoded to UTF-8 at
all. The request edge (portal.middleware.InputCleaningMiddleware for query strings and
forms, portal.api.parsers for API bodies) cleans every input once with ``text_clean``,
``data_clean`` and ``querydict_clean``.

Checks in the services: how long a text may be, and which invisible characters a name
may not hold. Each check returns the sentence to show ("" when the text is fine), or
raises ``ValidationError`` by field, so a page, the API and an import all say the same.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def text_clean(value: str) -> str:
    """``value`` without NUL characters and with each lone surrogate replaced by U+FFFD.
    (JSON's decoder joins a valid surrogate pair into one character: any surrogate left
    in a ``str`` is a lone one.)"""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, value)


def data_clean(value: Any) -> Any:
    """``value`` with every string in it cleaned by ``text_clean``, through dicts (keys
    too) and lists; other values are returned as they are."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {data_clean(key): data_clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [data_clean(item) for item in value]
    return value


def querydict_clean(data: QueryDict) -> QueryDict:
    """A copy of ``data`` with its keys and values cleaned (``data`` itself if clean)."""
    if all(
        text_clean(key) == key and all(text_clean(value) == value for value in values)
        for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(text_clean(key), [text_clean(value) for value in values])
    cleaned._mutable = False
    return cleaned


# Bidirectional embeddings, overrides and isolates, zero-width spaces and joiners, the
# left-to-right and right-to-left marks and the byte order mark: invisible on screen,
# yet "\u202e" makes "Jonas\u202esavonak" read "Jonaskanovas". Escaping in templates
# does not help, as these are not markup.
HIDDEN_CHARACTERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def length_problem(value: str, limit: int) -> str:
    """The message for ``value`` longer than ``limit`` characters, or ""."""
    if len(value) <= limit:
        return ""
    return _("At most %(max)d characters; this text has %(n)d.") % {"max": limit, "n": len(value)}


def lengths_check(texts: Mapping[str, tuple[str, int]]) -> None:
    """Raise ValidationError naming every field whose text, ``{field: (text, limit)}``,
    is longer than its limit."""
    errors = {
        name: [problem]
        for name, (value, limit) in texts.items()
        if (problem := length_problem(value, limit))
    }
    if errors:
        raise ValidationError(errors)


def hidden_characters_problem(value: str) -> str:
    """The message for a name or identifier holding an invisible direction or
    zero-width character, or ""."""
    if HIDDEN_CHARACTERS.search(value) is None:
        return ""
    return _(
        "Remove the invisible characters (direction marks or zero-width spaces, often "
        "copied with the text): they change how the name reads."
    )


def person_names(fields: Mapping[str, object]) -> dict[str, str]:
    """The first and last names among a user's ``fields``, for hidden_characters_check."""
    return {
        name: value
        for name in ("first_name", "last_name")
        if isinstance(value := fields.get(name), str)
    }


def hidden_characters_check(names: Mapping[str, str]) -> None:
    """Raise ValidationError naming every field, ``{field: text}``, that holds an
    invisible direction or zero-width character."""
    errors = {
        name: [problem]
        for name, value in names.items()
        if (problem := hidden_characters_problem(value))
    }
    if errors:
        raise ValidationError(errors)
