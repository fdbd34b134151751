"""Pure helpers of the search (no database): the shape of a search source and of the
documents it gives the index, the cleaning of what is typed in the box, the Latin ASCII
form of names, and the safe rendering of highlighted snippets.

Sources register through their app's AppConfig (``search_sources``, a list of
SearchSource), the way job kinds and menu entries do: cases registers violations and
entities; investigation cases add cases, notes, documents and events the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rigour.text.translit import ascii_text

if TYPE_CHECKING:
    from portal.models import User

# What ts_headline wraps a matched word in: control characters no text keeps (the
# index strips them from every body), so that the snippet is escaped first and the
# markers turned into <mark> afterwards: a narrative holding "<script>" shows as text.
MARK_START = "\x02"
MARK_STOP = "\x03"
# ts_headline drops what its parser takes for markup ("<script>"); the text shown must
# keep it, as text. So "<" and ">" go into the headline as these stand-ins and come
# back, escaped, in snippet_html.
LT_STANDIN = "\x04"
GT_STANDIN = "\x05"

QUERY_MAX = 200
PURPOSE_MAX = 300


@dataclass(frozen=True)
class SearchDocument:
    """One searchable thing as the index keeps it (cases.models.SearchEntry)."""

    object_id: int
    title: str
    body: str = ""
    # Other names the thing is known by (aliases), besides its title.
    aliases: tuple[str, ...] = ()
    status: str = ""
    occurred_on: date | None = None
    # The restricted cases that alone hold it: empty, visible to every reader of the kind.
    restricted_case_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SearchSource:
    """A kind of searchable thing. ``documents(ids)`` gives the documents of the records
    with those ids (all records when ``ids`` is None, for a rebuild; an id without a
    record is left out, its entry is removed). A user sees the kind only with every
    permission of ``permissions``; ``url_name`` is reversed with ``pk=object_id``;
    ``display_titles`` (optional) gives the titles of a page of hits as shown."""

    kind: str
    label: str | Promise
    permissions: tuple[str, ...]
    url_name: str
    documents: Callable[[Iterable[int] | None], Iterator[SearchDocument]]
    status_labels: dict[str, str | Promise] = field(default_factory=dict)
    # The titles to show for a page of hits, in the reader's language, when the stored
    # title (one language, for the index) reads worse: {object_id: title}.
    display_titles: Callable[[list[int]], dict[int, str]] | None = None
    # Whether titles are names (people, companies, vessels): then they are also indexed
    # in Latin ASCII and found misspelt or transliterated (trigram matching).
    titles_are_names: bool = False
    # The pages of a page of hits, for records without a page of their own (a note is
    # shown on its case's page): {object_id: url}. Otherwise ``url_name`` with pk.
    page_urls: Callable[[list[int]], dict[int, str]] | None = None

    def readable_by(self, user: User) -> bool:
        return all(user.has_perm(permission) for permission in self.permissions)


def names_ascii(*names: str) -> str:
    """The words of ``names`` in lower-case Latin ASCII, transliterated the way the entity
    registry does (rigour, which followthemoney brings): "Šimkus Жуков" -> "simkus
    zhukov"."""
    words: list[str] = []
    for name in names:
        text = ascii_text(name or "").lower()
        words.extend("".join(ch if ch.isalnum() else " " for ch in text).split())
    return " ".join(dict.fromkeys(words))[:1000]


def strip_markers(text: str) -> str:
    for char in (MARK_START, MARK_STOP, LT_STANDIN, GT_STANDIN):
        text = text.replace(char, " ")
    return text.replace("\x00", "")


def has_searchable(query: str) -> bool:
    return any(ch.isalnum() for ch in query)


def snippet_html(headline: str) -> SafeString:
    """ts_headline's text, escaped, with its markers turned into <mark> elements."""
    escaped = escape(headline)
    return mark_safe(  # noqa: S308  # escaped above; only our own tags are added
        escaped.replace(MARK_START, "<mark>")
        .replace(MARK_STOP, "</mark>")
        .replace(LT_STANDIN, "&lt;")
        .replace(GT_STANDIN, "&gt;")
    )
