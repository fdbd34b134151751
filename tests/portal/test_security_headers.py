"""Every answer carries the browser security headers: a Content-Security-Policy with no
inline script or style and our own origin only, and the headers that stop framing,
sniffing, referrer leaks, cross-origin window access and unused browser features."""

import pytest
from django.urls import reverse

from portal.lib.csp import tile_server_source


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def permissions(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/",
        "/dispatch/shifts/",
        "/api/v1/me/",
        "/api/v1/no-such-thing/",
        "/static/portal/portal.css",
    ],
)
def test_every_answer_carries_the_security_headers(url, client_for, officer):
    response = client_for(officer).get(url)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    features = permissions(response)
    assert features["camera"] == "(self)"
    assert features["geolocation"] == "(self)"
    assert features["microphone"] == "()"
    assert features["payment"] == "()"


@pytest.mark.django_db
def test_pages_may_not_be_framed(client_for, officer):
    response = client_for(officer).get(reverse("portal:dashboard"))

    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_policy_allows_no_inline_script_or_style_and_no_other_origin(client_for, officer):
    policy = directives(client_for(officer).get(reverse("portal:dashboard")))

    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src"):
        assert policy[directive] == ["'self'"], directive


@pytest.mark.django_db
def test_the_api_docs_page_starts_swagger_ui_from_a_script_file_not_inline(client_for, analyst):
    client = client_for(analyst)

    page = client.get(reverse("api-docs"))
    start_script = client.get(reverse("api-docs") + "?script=")

    assert page.status_code == 200
    assert b"<script>" not in page.content
    assert b"?script=" in page.content
    policy = directives(page)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]  # Swagger UI's icons
    assert start_script.status_code == 200
    assert start_script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in start_script.content


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.lt:8443/osm/{z}/{x}/{y}.png", "https://tiles.example.lt:8443"),
        ("http://gis.local/wms?layers=base", "http://gis.local"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("", None),
    ],
)
def test_the_tile_server_source_is_the_host_of_the_tile_url(tile_url, source):
    assert tile_server_source(tile_url) == source


@pytest.mark.parametrize(
    "tile_url", ["https://tiles.{s}.example.lt/{z}/{x}/{y}.png", "ftp://tiles.example.lt/x"]
)
def test_a_tile_url_csp_cannot_express_is_refused_with_a_clear_message(tile_url):
    with pytest.raises(ValueError, match="MAP_TILE_URL"):
        tile_server_source(tile_url)
