"""Cleaning of text that arrives from outside, before anything stores it.

PostgreSQL refuses the NUL character in text and JSON, and a lone UTF-16 surrogate
(which JSON's "\\ud800" escape produces) cannot be encoded to UTF-8 at all: either one
in a request turned into a server error wherever it reached the database. The request
edge (portal.middleware.InputCleaningMiddleware for query strings and forms,
portal.api.parsers for API bodies) cleans every input once with these functions.
"""

import re
from typing import Any

from django.http import QueryDict

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
