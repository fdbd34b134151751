"""The one layout: apps add their partials to every signed-in page; the core names no app."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

DASHBOARD = reverse("portal:dashboard")
LOGIN = reverse("portal:login")


def test_a_signed_in_page_carries_the_outbox_banner_the_cases_app_contributes(officer, client_for):
    html = client_for(officer).get(DASHBOARD).content.decode()

    assert "data-outbox-banner" in html
    assert f'data-outbox-user="{officer.pk}"' in html
    assert f'data-detail-url="{reverse("cases:violation-detail", kwargs={"pk": 0})}"' in html
    assert f'src="{settings.STATIC_URL}cases/outbox.js" defer' in html


def test_the_sign_in_page_has_no_app_partials(client):
    html = client.get(LOGIN).content.decode()

    assert "data-outbox-banner" not in html
    assert "cases/outbox.js" not in html


def test_the_base_layout_names_no_app():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()

    for app in ("cases", "dispatch", "analytics"):
        assert f"{app}:" not in base
        assert f"{app}/" not in base
