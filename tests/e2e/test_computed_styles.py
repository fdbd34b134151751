"""The pages whose styles are computed on the server (a shift bar's place and zone
colour, a zone's swatch, a unit's depth in the tree, a unit's status dot on the live
map) get them under the Content-Security-Policy, which forbids style="…": each value is
applied from its data-css-* attribute. Screenshots at desktop and phone width, in
English and Lithuanian (artifacts/screenshots/styles-*)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from dispatch.services.demo import dispatch_demo_seed
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def seed() -> None:
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    shift = Shift.objects.filter(zone__isnull=False).select_related("zone", "unit").first()
    assert shift is not None
    assert shift.zone is not None
    GeofenceAlert.objects.create(
        unit=shift.unit,
        shift=shift,
        zone=shift.zone,
        left_at=timezone.now(),
        position=shift.zone.area.centroid,
        distance_m=2_480,
    )


def style_of(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(element, prop) => getComputedStyle(element).getPropertyValue(prop).trim()", prop
    )


def shot(page, name: str) -> None:
    """A screenshot once the page's own requests (map layers, lists) are answered."""
    page.wait_for_load_state("networkidle")
    screenshot(page, name)


def browse_as(new_page, username: str, viewport: str, language: str):
    page = new_page(VIEWPORTS[viewport])
    sign_in(page, username)
    if language == "lt":
        page.get_by_role("button", name="LT").click()
        page.wait_for_selector("html[lang=lt]")
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_planning_pages_get_their_computed_styles(new_page, viewport, language):
    seed()
    page = browse_as(new_page, "dispatcher", viewport, language)
    name = f"{viewport}-{language}"

    page.goto("/dispatch/shifts/")
    if viewport == "desktop":
        bar = ".board--day .shift-bar"
        assert style_of(page, bar, "--zone").startswith("#")
        assert style_of(page, bar, "left") != "auto"
        assert float(style_of(page, bar, "width").removesuffix("px")) > 10
        assert style_of(page, ".board__now", "--now") != ""
        hours = page.locator(".board__hour").evaluate_all(
            "hours => hours.map(hour => hour.getBoundingClientRect().left)"
        )
        assert hours == sorted(hours)
        assert len(set(hours)) == len(hours)  # each hour in its own column
    else:
        assert style_of(page, ".agenda__item", "--zone").startswith("#")
    shot(page, f"styles-shift-day-{name}")

    page.goto("/dispatch/shifts/?view=week")
    chip = ".board--week .shift-chip" if viewport == "desktop" else ".agenda__item"
    assert style_of(page, chip, "--zone").startswith("#")
    shot(page, f"styles-shift-week-{name}")

    page.goto("/dispatch/zones/")
    assert style_of(page, ".zone-swatch", "--zone").startswith("#")
    shot(page, f"styles-zone-list-{name}")

    page.goto("/dispatch/alerts/")
    assert style_of(page, ".zone-swatch", "--zone").startswith("#")
    shot(page, f"styles-alert-list-{name}")

    page.goto("/dispatch/live/")
    page.locator(".live-dot").first.wait_for(state="attached")  # a tab away on a phone
    assert style_of(page, ".live-dot", "background-color").startswith("rgb(")
    shot(page, f"styles-live-map-{name}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_unit_tree_my_unit_and_password_pages_get_their_styles(new_page, viewport, language):
    seed()
    unit = MobileUnit.objects.get(org_unit__code="mobile-medininkai")
    zone = PatrolZone.objects.order_by("name").first()
    assert zone is not None
    now = timezone.now()
    Shift.objects.filter(unit=unit).delete()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    page = browse_as(new_page, "officer", viewport, language)
    name = f"{viewport}-{language}"

    page.goto("/units/")
    cells = page.locator(".tree-indent").evaluate_all(
        """cells => cells.map(cell => [
          Number(getComputedStyle(cell).getPropertyValue("--depth")),
          parseFloat(getComputedStyle(cell).paddingLeft),
        ])"""
    )
    assert max(depth for depth, _ in cells) >= 2
    assert all(padding == depth * 20 for depth, padding in cells)  # 1.25rem a level
    shot(page, f"styles-units-{name}")

    page.goto("/dispatch/my-unit/")
    swatch = page.locator(".officer-shift .zone-swatch")
    red, green, blue = (int(zone.colour[i : i + 2], 16) for i in (1, 3, 5))
    assert swatch.evaluate("element => getComputedStyle(element).backgroundColor") == (
        f"rgb({red}, {green}, {blue})"
    )
    shot(page, f"styles-my-unit-{name}")

    page.goto("/accounts/password/")
    card = page.locator("main .card").first
    assert card.evaluate("card => card.getBoundingClientRect().width") <= 520
    shot(page, f"styles-password-{name}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_error_pages_are_the_portals_own(new_page, settings, viewport, language):
    settings.ROOT_URLCONF = "tests.portal.urls_failing"
    seed()
    page = browse_as(new_page, "officer", viewport, language)
    name = f"{viewport}-{language}"
    headings = {
        "en": ("Page not found", "Access denied", "Something went wrong"),
        "lt": ("Puslapis nerastas", "Prieiga draudžiama", "Įvyko klaida"),
    }[language]

    pages = zip((404, 403, 500), ("/no-such-page/", "/audit/", "/failing/"), headings, strict=True)
    for status, url, heading in pages:
        response = page.goto(url)
        assert response is not None
        assert response.status == status
        assert page.get_by_role("heading", name=heading).is_visible()
        assert "Traceback" not in page.content()
        shot(page, f"error-{status}-{name}")
