"""The search's part of the access table (tests/portal/test_url_access.py): the page and
the API are for analysts and administrators (``cases.use_search``); officers and
dispatchers work from their own lists (docs/user-guide)."""

from tests.access_policy import ADMIN, ANALYST, Rule

SEARCHERS = frozenset({ANALYST, ADMIN})

SEARCH_RULES: dict[str, Rule] = {
    "search:search": Rule(SEARCHERS),
    # Without a query the API answers 400 (bad input) to those it lets in.
    "api:search": Rule(SEARCHERS),
}
