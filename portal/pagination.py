"""Page-numbered lists over large tables without counting every row.

Django's Paginator runs ``SELECT COUNT(*)`` over the whole filtered set on every page
view: over a million violations that count costs many times the page itself (see
docs/benchmarks.md). Nobody reads page 2,000 of a list; past a few thousand rows people
narrow the filters. So the count stops at ``count_cap`` + 1 rows, and the page says
"more than 10,000".
"""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A Paginator whose ``count`` is at most ``count_cap``: it counts ``count_cap`` + 1
    rows (``SELECT count(*) FROM (... LIMIT cap + 1)``, which stops early) and sets
    ``count_is_capped`` when there are more. Pages beyond the cap are not offered;
    ``count_cap`` should be a multiple of ``per_page``."""

    count_cap = DEFAULT_COUNT_CAP

    def __init__(
        self,
        object_list: QuerySet[Any] | Sequence[Any],
        per_page: int,
        *,
        count_cap: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count_cap is not None:
            self.count_cap = count_cap

    @cached_property
    def _rows_counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # No ORDER BY: any cap + 1 matching rows tell "more than cap" as well.
            return rows.order_by()[: self.count_cap + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._rows_counted, self.count_cap)

    @property
    def count_is_capped(self) -> bool:
        return self._rows_counted > self.count_cap
