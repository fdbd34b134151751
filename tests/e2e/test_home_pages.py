"""The home page of each demo role in a real browser, on a desktop and a 390 px phone, in
English and Lithuanian: no wider than the screen, the role's panels and no other, the
figures readable; a screenshot of each is kept (artifacts/screenshots/home-*)."""

from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases.services.entities import entity_resolve, violation_entity_link
from cases.services.goods import GoodsInput, goods_line_add
from cases.services.violations import violation_submit
from dispatch.services.demo import dispatch_demo_seed
from portal.models import User
from portal.services.demo import demo_seed
from tests.cases.support import MEDININKAI, draft_of, point_north_of
from tests.conftest import login_verified
from tests.e2e.conftest import DESKTOP, PHONE, screenshot

PASSWORD = "e2e-demo-password-1"

PANELS = {
    "officer": {"my-unit", "log-violation", "account"},
    "dispatcher": {"open-tasks", "units-by-status", "zone-alerts", "response-times", "account"},
    "analyst": {"review", "my-cases", "account"},
    "admin": {"accounts", "audit", "account"},
}

WIDTH = """() => ({scroll: document.documentElement.scrollWidth, width: window.innerWidth})"""


def _demo_world() -> None:
    """The demo organisation, units, tasks and notice, and what the other home pages
    count: the officer's drafts, a review queue with a possible duplicate, a lockout."""
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    officer = User.objects.get(username="officer")
    draft_of(officer, place_description="Medininkai, lorry lane 3")
    draft_of(officer, place_description="Šumskas forest road")
    vehicle, _ = entity_resolve(
        actor=officer, kind="vehicle", values={"plate": "ABC123", "plate_country": "LT"}
    )
    for km in (0, 2, 40):
        violation = draft_of(officer, location=point_north_of(MEDININKAI, km))
        if km < 40:
            violation_entity_link(
                actor=officer, violation=violation, entity=vehicle, role="vehicle_used"
            )
        else:
            goods_line_add(
                actor=officer,
                violation=violation,
                data=GoodsInput(
                    hs_code="240220",
                    description="Cigarettes",
                    quantity=Decimal(500),
                    quantity_unit="pcs",
                    value_eur=Decimal("4200.00"),
                ),
            )
        violation_submit(actor=officer, violation=violation)
    AccessAttempt.objects.create(
        username="dispatcher",
        ip_address="10.0.0.7",
        user_agent="phone",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", sorted(PANELS))
def test_the_home_page_of_each_role_fits_and_shows_its_panels(browser, live_server, username):
    _demo_world()
    client = login_verified(Client(), User.objects.get(username=username))
    problems = []
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for language in ("en", "lt"):
            context = browser.new_context(
                viewport=viewport,
                locale="lt-LT" if language == "lt" else "en-GB",
                base_url=live_server.url,
            )
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    },
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": language,
                        "url": live_server.url,
                    },
                ]
            )
            page = context.new_page()
            page.goto("/")
            page.wait_for_selector("[data-panel=account]")
            panels = set(
                page.locator("[data-panel]").evaluate_all(
                    "nodes => nodes.map(node => node.dataset.panel)"
                )
            )
            size = page.evaluate(WIDTH)
            if panels != PANELS[username]:
                problems.append(f"{viewport_name} {language}: panels {sorted(panels)}")
            if size["scroll"] > size["width"]:
                problems.append(f"{viewport_name} {language}: {size['scroll']} px wide")
            screenshot(page, f"home-{username}-{viewport_name}-{language}")
            if username == "analyst":
                # One tap from the home page to the queue sorted by possible duplicates.
                page.locator("[data-panel=review] [data-sort=duplicates]").click()
                page.wait_for_url("**/violations/review/?sort=duplicates")
                size = page.evaluate(WIDTH)
                if size["scroll"] > size["width"]:
                    problems.append(f"review {viewport_name} {language}: {size['scroll']} px")
                screenshot(page, f"review-queue-duplicates-{viewport_name}-{language}")
            context.close()
    assert not problems, "\n".join(problems)
