"""Checks on free text typed by people or sent by devices, shared by every service that
stores such text: how long it may be, and which invisible characters a name may not
hold. Each check returns the sentence to show ("" when the text is fine), or raises
``ValidationError`` by field, so a page, the API and an import all say the same."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
