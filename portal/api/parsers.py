"""DRF's parsers, with every string of the parsed input cleaned (portal.lib.text):
the project's defaults (settings REST_FRAMEWORK), so every endpoint gets them."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers

from portal.lib.text import data_clean, querydict_clean


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        return data_clean(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        return querydict_clean(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(querydict_clean(parsed.data), parsed.files)
