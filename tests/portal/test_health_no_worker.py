"""/healthz when no Celery worker listens (the worker-up case is in test_health_worker.py:
its worker fixture lives for a whole module)."""

from django.urls import reverse


def test_healthz_answers_503_and_names_the_worker_when_none_runs(db, client):
    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"].startswith("max-age=0")
    report = response.json()
    assert report["ok"] is False
    assert report["worker"] == {"ok": False, "detail": "no worker answered"}
    assert report["database"]["ok"] is True
    assert report["database"]["detail"].startswith("PostGIS ")
    assert report["redis"] == {"ok": True, "detail": "PONG"}


def test_healthz_needs_no_sign_in_and_no_second_factor(analyst, client):
    client.force_login(analyst)

    response = client.get(reverse("portal:healthz"))

    assert response.status_code == 503
    assert "worker" in response.json()
