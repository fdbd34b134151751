"""A dispatch task answering an investigation case: linked from the case's page by an
analyst working the case, shown there through dispatch's case_page_sections hook."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from cases.services.investigations import CaseInput, case_create
from dispatch.models import Task
from dispatch.services.tasks import TaskInput, task_create
from portal.models import AuditRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Minsk cigarettes"))


@pytest.fixture
def task(dispatcher):
    return task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Watch the yard", location=Point(25.3, 54.7)),
    )


def test_an_analyst_links_a_task_and_the_case_page_shows_it(case, task, analyst, client_for):
    client = client_for(analyst)
    response = client.post(reverse("dispatch:case-task-link", args=[case.pk]), {"task": task.pk})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).case == case
    assert AuditRecord.objects.filter(object_type="dispatch.task", object_id=str(task.pk)).exists()
    page = client.get(reverse("investigations:case-detail", args=[case.pk])).content.decode()
    assert 'id="dispatch-tasks"' in page
    assert "Watch the yard" in page


def test_an_unknown_task_number_is_said_and_nothing_changes(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("dispatch:case-task-link", args=[case.pk]), {"task": 999999}, follow=True
    )
    assert "There is no task with this number." in response.content.decode()


def test_a_task_answers_one_case_only(case, task, analyst, client_for):
    other = case_create(actor=analyst, data=CaseInput(title="Other"))
    client = client_for(analyst)
    client.post(reverse("dispatch:case-task-link", args=[case.pk]), {"task": task.pk})
    response = client.post(
        reverse("dispatch:case-task-link", args=[other.pk]), {"task": task.pk}, follow=True
    )
    assert "This task already answers another case." in response.content.decode()
    assert Task.objects.get(pk=task.pk).case == case


def test_unlinking_frees_the_task(case, task, analyst, client_for):
    client = client_for(analyst)
    client.post(reverse("dispatch:case-task-link", args=[case.pk]), {"task": task.pk})
    client.post(reverse("dispatch:case-task-unlink", args=[case.pk, task.pk]))
    assert Task.objects.get(pk=task.pk).case is None


def test_an_analyst_outside_the_team_may_not_link(case, task, client_for):
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    response = client_for(outsider).post(
        reverse("dispatch:case-task-link", args=[case.pk]), {"task": task.pk}
    )
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).case is None


def test_a_restricted_case_is_not_found_by_an_outsider_linking(analyst, task, client_for):
    secret = case_create(actor=analyst, data=CaseInput(title="Secret", restricted=True))
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    response = client_for(outsider).post(
        reverse("dispatch:case-task-link", args=[secret.pk]), {"task": task.pk}
    )
    assert response.status_code == 404
