"""`manage.py seed_training_demo`: courses, sessions and certificates that make the
training reports worth looking at, without locking a demo account out of its role; and
nothing twice when run again."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.models import Certificate, Course, Enrolment, TrainingSession, User
from portal.selectors.training import person_holds_valid_certificate
from portal.services.training_demo import OFFICER_EXPIRES_IN_DAYS, training_demo_seed

pytestmark = pytest.mark.django_db
DEMO = ["officer", "analyst", "dispatcher", "admin"]


@pytest.fixture
def seeded(monkeypatch) -> str:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-Password-for-tests-42")
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_training_demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Course.objects.count(),
        TrainingSession.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
    )


def test_every_demo_account_holds_a_valid_certificate_of_each_course_gating_its_role(seeded):
    for course in Course.objects.exclude(qualifies_role=""):
        holders = User.objects.filter(groups__name=course.qualifies_role, username__in=DEMO)
        assert holders.exists()
        for person in holders:
            assert person_holds_valid_certificate(person=person, course=course), (person, course)


def test_only_the_officer_s_certificate_expires_soon_and_as_documented(seeded):
    today = timezone.localdate()
    soon = Certificate.objects.filter(
        person__username__in=DEMO,
        expires_on__lte=today + datetime.timedelta(days=60),
    )
    assert [(c.person.username, (c.expires_on - today).days) for c in soon] == [
        ("officer", OFFICER_EXPIRES_IN_DAYS)
    ]


def test_the_reports_have_people_expiring_within_7_30_and_60_days_and_one_revoked(seeded):
    today = timezone.localdate()
    valid = Certificate.objects.filter(revoked_at__isnull=True, expires_on__gte=today)
    for days in (7, 30, 60):
        assert valid.filter(expires_on__lte=today + datetime.timedelta(days=days)).exists()
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    assert Enrolment.objects.filter(result="failed").exists()
    assert Enrolment.objects.filter(attended=False).exists()
    assert Enrolment.objects.filter(status="waiting").exists()
    assert TrainingSession.objects.filter(starts_on__gt=today).count() >= 5
    generated = User.objects.filter(username__startswith="demo-")
    assert generated.count() >= 30
    assert not any(person.has_usable_password() for person in generated)
    assert "customs-mobile-ops       (created)" in seeded


def test_running_the_seed_again_changes_nothing(seeded):
    counts = _counts()
    out = io.StringIO()

    call_command("seed_training_demo", stdout=out)

    assert _counts() == counts
    assert "(created)" not in out.getvalue()


def test_without_the_demo_accounts_the_seed_says_what_to_run_first(db):
    out = io.StringIO()
    call_command("seed_training_demo", stdout=out)
    assert "Run seed_demo first" in out.getvalue()
    assert not Course.objects.exists()


def test_a_demo_account_whose_certificate_ran_out_since_gets_a_refresher(seeded):
    later = timezone.localdate() + datetime.timedelta(days=OFFICER_EXPIRES_IN_DAYS + 1)
    mobile = Course.objects.get(code="customs-mobile-ops")
    officer = User.objects.get(username="officer")
    assert not person_holds_valid_certificate(person=officer, course=mobile, today=later)

    lines = training_demo_seed(today=later)

    assert person_holds_valid_certificate(person=officer, course=mobile, today=later)
    assert any("officer" in line and "refresher" in line for line in lines)
    assert training_demo_seed(today=later) == [
        line for line in training_demo_seed(today=later) if "(exists)" in line
    ]
