"""The search index: one row per searchable thing (a violation, an entity, and later a
case, a note, a document or an event), whatever app or sub-domain it belongs to.

Each source (cases/lib/search_sources.py) turns its records into rows: a title, a body
(narrative, note text, a document's description and file name, later its extracted text
as one more part of the body), the words a name is also known by in Latin ASCII
(``names``: "Жуков" is also "zhukov"), a status, a date, and who may see it.

Visibility is data on the row, so that results and facet counts are filtered by the
same WHERE clause: ``kind`` is checked against the sources the user may read, and
``restricted_case_ids`` holds the restricted investigation cases that alone hold the
thing (empty: visible to everyone who may read its kind; otherwise only to the teams of
those cases and to administrators).

The text search vector is a stored generated column, so that no write path can leave it
stale. PostgreSQL has no Lithuanian stemmer, so every text is indexed twice, with
``portal_simple`` (the 'simple' configuration with unaccent: every word as written,
lower-cased and without diacritics, "Šimkus" is "simkus", no stop words dropped) and
``portal_english`` ('english' with unaccent before its stemmer: "smuggled" meets
"smuggling", English stop words dropped). Titles and names weigh A, bodies B.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

# The text search configuration the migration creates (cases/migrations/0010_search_index).
SIMPLE_CONFIG = "portal_simple"
ENGLISH_CONFIG = "portal_english"

_VECTOR_SQL = (
    f"setweight(to_tsvector('{SIMPLE_CONFIG}'::regconfig, title), 'A')"
    f" || setweight(to_tsvector('{ENGLISH_CONFIG}'::regconfig, title), 'A')"
    f" || setweight(to_tsvector('{SIMPLE_CONFIG}'::regconfig, names), 'A')"
    f" || setweight(to_tsvector('{SIMPLE_CONFIG}'::regconfig, body), 'B')"
    f" || setweight(to_tsvector('{ENGLISH_CONFIG}'::regconfig, body), 'B')"
)


class SearchEntry(models.Model):
    kind = models.CharField(_("type"), max_length=30)
    object_id = models.BigIntegerField()
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    # The title's (and other names') words in lower-case Latin ASCII, for trigram
    # matching of misspelt and transliterated names.
    names = models.CharField(max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    restricted_case_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=RawSQL(_VECTOR_SQL, []),  # noqa: S611  # constant SQL, no input
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        permissions = [("use_search", "Can search everything within reach")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="search_entry_vector"),
            GinIndex(fields=["names"], name="search_entry_names_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["kind", "status"], name="search_entry_kind_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
