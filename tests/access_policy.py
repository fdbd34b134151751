"""The vocabulary of the access-policy table in tests/portal/test_url_access.py: roles,
and the rule each URL pattern is held to. Apps keep their part of the table in their
own test folder (tests/dispatch/access_rules.py) and the test merges them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OFFICER, DISPATCHER, ANALYST, ADMIN = "officer", "dispatcher", "analyst", "administrator"
ALL_ROLES = frozenset({OFFICER, DISPATCHER, ANALYST, ADMIN})
# Who sees violations (administrators manage people, not cases), and who may change a
# draft: its reporter (officer_a) and analysts, who verify.
FIELD = frozenset({OFFICER, DISPATCHER, ANALYST})
EDITORS = frozenset({OFFICER, ANALYST})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    public: bool = False
    method: str = "get"
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda objs: {})
    # What a signed-in person outside the rule gets: 403, or 401 where only a device's
    # own token authenticates (a person's session is no credential there at all).
    denied_status: int = 403


def pk_of(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda objs: {"pk": objs[name].pk}


PUBLIC = frozenset(ALL_ROLES)
