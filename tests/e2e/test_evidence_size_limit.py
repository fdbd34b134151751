"""The size limit of a photo is said beside the control and checked by the browser
before the upload: a phone on a weak connection does not send 26 MB to be refused."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Evidence, ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from portal.models import User
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_photo_over_the_limit_is_refused_before_it_is_sent(new_page):
    demo_seed(password=PASSWORD)
    violation, _created = violation_create(
        actor=User.objects.get(username="officer"),
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(hours=1),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=Point(25.59, 54.575, srid=4326),
            location_accuracy_m=10,
            location_source="gps",
            place_description="Forest road by the border",
            details={},
        ),
    )
    page = new_page(PHONE)
    sign_in(page, "officer")
    uploads: list[str] = []
    page.on(
        "request", lambda request: uploads.append(request.url) if request.method == "POST" else None
    )
    page.goto(f"/violations/{violation.pk}/")
    limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    expect(page.get_by_text(f"JPEG, PNG or PDF, at most {limit_mb} MB.")).to_be_visible()

    page.get_by_label("Photo or document").set_input_files(
        {
            "name": "roadside.jpg",
            "mimeType": "image/jpeg",
            "buffer": b"\xff" * (settings.EVIDENCE_MAX_BYTES + 1),
        },
        # 25 MB cross from the test to the browser first: more than the usual 10 s on a
        # loaded machine.
        timeout=60_000,
    )

    expect(
        page.get_by_role("alert").filter(has_text=f"roadside.jpg is larger than {limit_mb} MB.")
    ).to_be_visible()
    assert page.get_by_label("Photo or document").input_value() == ""
    screenshot(page, "evidence-too-large-phone")
    assert uploads == []
    assert not Evidence.objects.filter(violation=violation).exists()
