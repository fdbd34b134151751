"""A JSON document read piece by piece: the records of an array are decoded one at a
time from a bounded buffer, so that a file of any size never sits whole in memory."""

import json
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from cases.services.imports.errors import ImportRefusedError

CHUNK_CHARS = 64 * 1024
# One record (an object of the array) may be at most this long.
RECORD_MAX_CHARS = 16 * 1024 * 1024
_WHITESPACE = " \t\r\n"


class JsonStream:
    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._buffer = ""
        self._position = 0
        self._ended = False

    def _fill(self) -> bool:
        if self._ended:
            return False
        chunk = self._text.read(CHUNK_CHARS)
        if not chunk:
            self._ended = True
            return False
        self._buffer = self._buffer[self._position :] + chunk
        self._position = 0
        if len(self._buffer) > RECORD_MAX_CHARS:
            raise ImportRefusedError(
                _("A record of the file is longer than %(limit)d characters.")
                % {"limit": RECORD_MAX_CHARS}
            )
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            while self._position < len(self._buffer):
                if self._buffer[self._position] not in _WHITESPACE:
                    return self._buffer[self._position]
                self._position += 1
            if not self._fill():
                return ""

    def expect(self, character: str) -> None:
        found = self.peek()
        if found != character:
            raise ImportRefusedError(
                _(
                    "The file is not the JSON expected: “%(expected)s” was expected, not "
                    "“%(found)s”."
                )
                % {"expected": character, "found": found or _("the end")}
            )
        self._position += 1

    def value(self) -> Any:
        """The next JSON value, read whole (an object of the array, a key)."""
        decoder = json.JSONDecoder()
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self._buffer, self._position)
            except json.JSONDecodeError as error:
                # Not enough text yet, unless the file has ended: then it is broken.
                if self._fill():
                    continue
                raise ImportRefusedError(
                    _("The file is not valid JSON (%(reason)s).") % {"reason": error.msg}
                ) from error
            if end == len(self._buffer) and not self._ended and self._fill():
                # A number may go on in the next chunk: decode again with more text.
                continue
            self._position = end
            return value

    def array_items(self) -> Iterator[Any]:
        """The items of the array that starts here, one at a time."""
        self.expect("[")
        if self.peek() == "]":
            self._position += 1
            return
        while True:
            yield self.value()
            following = self.peek()
            if following == ",":
                self._position += 1
                continue
            self.expect("]")
            return

    def object_members(self) -> Iterator[str]:
        """The keys of the object that starts here; after each key the caller reads its
        value (``value()`` or ``array_items()``) before asking for the next."""
        self.expect("{")
        if self.peek() == "}":
            self._position += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ImportRefusedError(_("The file is not valid JSON (a key is not text)."))
            self.expect(":")
            yield key
            following = self.peek()
            if following == ",":
                self._position += 1
                continue
            self.expect("}")
            return
