"""One item of the navigation is lit: the one the page belongs to, the item with the
longest address that starts the page's."""

import pytest

from portal.navigation import navigation_for

pytestmark = pytest.mark.django_db


def _lit(user, path: str) -> list[str]:
    return [item["key"] for item in navigation_for(user, path) if item["active"]]


@pytest.mark.parametrize(
    ("path", "lit"),
    [
        ("/", ["dashboard"]),
        ("/violations/", ["violations"]),
        ("/violations/42/", ["violations"]),
        ("/violations/map/", ["violation-map"]),
        ("/dispatch/units/", ["mobile-units"]),
        ("/dispatch/units/7/", ["mobile-units"]),
        ("/dispatch/units/stats/", ["unit-stats"]),
        ("/accounts/password/", []),
    ],
)
def test_the_page_lights_one_item_at_most(dispatcher, path, lit):
    assert _lit(dispatcher, path) == lit
