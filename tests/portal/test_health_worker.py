"""/healthz with a real Celery worker on the test broker and the test database."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.worker


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_200_when_the_database_redis_and_a_worker_answer(
    celery_worker_process, client
):
    response = client.get(reverse("portal:healthz"))

    assert celery_worker_process.poll() is None
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["worker"] == {"ok": True, "detail": "1 worker(s)"}
    assert report["database"]["ok"] is True
    assert report["redis"]["ok"] is True
