"""`seed_cases_demo`: two cases, one restricted, with team, notes and links; the demo
analyst does not see the restricted one but learns whom to contact; nothing twice."""

import io

import pytest
from django.core.management import call_command

from cases.models import Case
from cases.selectors.entities import restricted_case_matches_for_query
from cases.selectors.investigations import case_list_for_user
from portal.models import User
from portal.services.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo_seed(password="demo-Password-for-tests-42")
    call_command("seed_cases_demo", stdout=io.StringIO())


def test_two_demo_cases_one_restricted_with_their_content(seeded):
    open_case = Case.objects.get(restricted=False)
    secret = Case.objects.get(restricted=True)
    assert open_case.violation_links.count() == 2
    assert open_case.entity_links.count() == 3
    assert open_case.members.count() == 2
    assert open_case.notes.exists()
    assert secret.entity_links.count() == 2
    assert secret.lead_analyst.username == "analyst2"


def test_the_demo_analyst_sees_the_open_case_and_a_contact_for_the_restricted_one(seeded):
    analyst = User.objects.get(username="analyst")
    assert [case.restricted for case in case_list_for_user(user=analyst)] == [False]
    assert restricted_case_matches_for_query(user=analyst, query="Zielinski") == [
        "Eglė Petraitienė"
    ]


def test_running_the_seed_again_creates_nothing(seeded):
    out = io.StringIO()
    call_command("seed_cases_demo", stdout=out)
    assert Case.objects.count() == 2
    assert "Demo cases exist." in out.getvalue()
