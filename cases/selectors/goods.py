"""Reads of the HS nomenclature and of a violation's goods lines."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import GoodsLine, HSCode, Violation

# Words of a description search beyond these are ignored: each adds a scan.
HS_SEARCH_WORDS = 5

# Chapter 99 is no chapter of the goods themselves: the WCO leaves it to national and
# statistical use (9999 99 is a catch-all). A goods line names what the goods are.
HS_RESERVED_CHAPTER = "99"


def hs_code_search(*, query: str) -> QuerySet[HSCode]:
    """Headings and subheadings (level 4 and 6) by code prefix ("8703", "87.03") or, for
    anything else, by the words of their description (all must appear)."""
    query = query.strip()
    codes = (
        HSCode.objects.filter(level__gte=4)
        .exclude(code__startswith=HS_RESERVED_CHAPTER)
        .order_by("code")
    )
    digits = query.replace(".", "").replace(" ", "")
    if digits.isdigit():
        return codes.filter(code__startswith=digits)
    for word in query.split()[:HS_SEARCH_WORDS]:
        codes = codes.filter(description__icontains=word)
    return codes


def goods_line_get(*, violation: Violation, pk: int) -> GoodsLine:
    """The goods line of ``violation`` (reached through violation_get_for_user), or 404."""
    line = GoodsLine.objects.filter(violation=violation, pk=pk).first()
    if line is None:
        raise Http404
    return line
