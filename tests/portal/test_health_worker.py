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


@pytest.mark.django_db(transaction=True)
def test_the_worker_verifies_the_audit_chain_and_stores_the_result(
    celery_worker_process, administrator
):
    from django_celery_results.models import TaskResult

    from portal.services.audit import audit_record
    from portal.tasks import audit_chain_verify_task

    audit_record(actor=administrator, action="view", obj=administrator)

    result = audit_chain_verify_task.delay()
    report = result.get(timeout=30)

    assert report["intact"] is True
    assert report["checked"] >= 1
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "portal.audit_chain_verify"


def test_the_nightly_chain_check_is_declared_for_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-chain-verify-nightly"]

    assert entry["task"] == "portal.audit_chain_verify"
    assert entry["schedule"].hour == {2}
