"""Errors that never reach an API view's own handling (no route matched, a bug that
raised) answer in the API's JSON error shape under /api/, and with the portal's own
error pages elsewhere; the traceback of a 500 goes to the log, never to the browser."""

import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation


def assert_api_error(response, status: int, error_type: str) -> dict[str, str]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"type", "detail"}
    assert body["type"] == error_type
    assert body["detail"]
    return body


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404_in_the_error_shape(client_for, officer):
    response = client_for(officer).get("/api/v1/no-such-thing/")

    body = assert_api_error(response, 404, "not_found")
    assert body["detail"] == "Not found."


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_404_in_the_error_shape_for_anonymous_clients_too(client):
    assert_api_error(client.get("/api/v2/violations/"), 404, "not_found")


@pytest.mark.django_db
def test_an_unknown_page_is_the_portals_own_404_page(client_for, officer):
    response = client_for(officer).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content
    assert b"Back to the dashboard" in response.content


@pytest.mark.django_db
def test_the_404_page_is_translated(client_for, officer):
    client = client_for(officer)
    client.cookies["django_language"] = "lt"

    response = client.get("/no-such-page/")

    with translation.override("lt"):
        expected = translation.gettext("Page not found")
    assert expected != "Page not found"
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_a_page_outside_the_role_is_the_portals_own_403_page(client_for, officer):
    response = client_for(officer).get(reverse("portal:audit-list"))

    assert response.status_code == 403
    assert b"Access denied" in response.content


@pytest.mark.django_db
def test_a_method_an_api_endpoint_does_not_have_is_a_405_in_the_error_shape(client_for, officer):
    client = client_for(officer)
    url = reverse("api:me")

    assert_api_error(client.generic("BREW", url), 405, "method_not_allowed")
    assert_api_error(client.delete(url), 405, "method_not_allowed")


@pytest.mark.django_db
def test_a_request_django_refuses_before_any_view_is_a_400_in_the_error_shape(client):
    response = client.get("/api/v1/me/", headers={"host": "attacker.example"})

    assert_api_error(response, 400, "bad_request")


@pytest.mark.django_db
def test_a_page_request_django_refuses_is_the_portals_own_400_page(client):
    response = client.get("/accounts/login/", headers={"host": "attacker.example"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Bad request" in response.content


@pytest.fixture
def failing_client(db) -> Client:
    """A client that gets the answer a browser would get for an exception (instead of
    the test client re-raising it)."""
    return Client(raise_request_exception=False)


@override_settings(ROOT_URLCONF="tests.portal.urls_failing")
def test_a_bug_inside_the_api_is_a_500_in_the_error_shape_without_details(failing_client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.get("/api/v1/failing/")

    body = assert_api_error(response, 500, "server_error")
    assert "a bug inside the API" not in body["detail"]
    assert "Traceback" not in response.content.decode()
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged
    assert logged[-1].exc_info is not None
    assert "a bug inside the API" in str(logged[-1].exc_info[1])


@override_settings(ROOT_URLCONF="tests.portal.urls_failing")
def test_a_bug_inside_a_page_is_the_portals_own_500_page_and_the_traceback_is_logged(
    failing_client, caplog
):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.get("/failing/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "a bug inside a page" not in page
    assert "Traceback" not in page
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged
    assert logged[-1].exc_info is not None
    assert "a bug inside a page" in str(logged[-1].exc_info[1])
