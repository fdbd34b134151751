"""Working a case: opening one from a template, linking, adding, and each bad input
answered at its field with nothing changed; reminders sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseDocument, CaseNote, CaseTask, CaseTemplate
from cases.services.case_work import (
    AssistanceInput,
    assistance_reminders_send,
    assistance_request_create,
    case_task_add,
    case_task_reminders_send,
)
from cases.services.investigations import CaseInput, case_create
from cases.tasks import case_reminders_send_task


@pytest.fixture
def case(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Minsk cigarettes"))


def test_three_templates_are_seeded_in_english_and_lithuanian(db):
    templates = {t.code: t for t in CaseTemplate.objects.all()}
    assert set(templates) >= {"tobacco-truck", "cash-courier", "internet-parcels"}
    assert templates["cash-courier"].name_lt == "Grynųjų pinigų kurjeris"


def test_a_case_opened_from_a_template_gets_its_prefix_tasks_and_notes(analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-create"),
        {"template": "tobacco-truck", "title": "LT plates ABC123", "status": "open", "priority": 2},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.title == "Tobacco by truck: LT plates ABC123"
    assert case.number == f"C-{timezone.localdate().year}-0001"
    assert case.lead_analyst == analyst
    tasks = list(case.tasks.order_by("due_date"))
    assert len(tasks) == 4
    assert tasks[0].title.startswith("Request the CMR")
    assert tasks[0].due_date == timezone.localdate() + timedelta(days=3)
    assert case.notes.count() == 2


def test_in_lithuanian_the_template_fills_in_lithuanian(analyst, client_for):
    client = client_for(analyst)
    client.post(reverse("set_language"), {"language": "lt"})
    client.post(
        reverse("investigations:case-create"),
        {"template": "cash-courier", "title": "EUR 90 000", "status": "open", "priority": 2},
    )
    case = Case.objects.get()
    assert case.title == "Pinigų kurjeris: EUR 90 000"
    assert case.tasks.filter(title__startswith="Pranešti").exists()


def test_numbers_follow_each_other(analyst):
    first = case_create(actor=analyst, data=CaseInput(title="One"))
    second = case_create(actor=analyst, data=CaseInput(title="Two"))
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_a_case_without_a_title_is_refused_at_the_field(analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-create"), {"title": "", "status": "open", "priority": 2}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Case.objects.exists()


def test_an_unknown_violation_reference_is_said_at_the_field(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-violation-link", args=[case.pk]), {"reference": "V-0"}
    )
    assert response.status_code == 400
    assert "There is no violation V-0." in response.content.decode()
    assert not case.violation_links.exists()


def test_a_violation_is_linked_once(case, analyst, violation_of_officer, client_for):
    url = reverse("investigations:case-violation-link", args=[case.pk])
    data = {"reference": violation_of_officer.reference, "reason": "Same truck"}
    assert client_for(analyst).post(url, data).status_code == 302
    again = client_for(analyst).post(url, data)
    assert "is already linked to this case." in again.content.decode()
    assert case.violation_links.count() == 1


def test_an_entity_link_needs_a_reason(case, analyst, client_for):
    from cases.models import Entity

    entity = Entity.objects.create(kind="Company", label="UAB Tabakas")
    response = client_for(analyst).post(
        reverse("investigations:case-entity-link", args=[case.pk]),
        {"entity": entity.pk, "reason": ""},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not case.entity_links.exists()


def test_a_document_is_kept_with_its_hash_and_a_wrong_type_is_refused(case, analyst, client_for):
    url = reverse("investigations:case-document-add", args=[case.pk])
    client = client_for(analyst)
    bad = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")})
    assert bad.status_code == 400
    assert "x.exe is not a PDF, JPEG or PNG file" in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("cmr.pdf", b"%PDF-1.4 cmr")})
    assert good.status_code == 302
    document = CaseDocument.objects.get()
    assert document.sha256 == (__import__("hashlib").sha256(b"%PDF-1.4 cmr").hexdigest())
    twice = client.post(url, {"file": SimpleUploadedFile("copy.pdf", b"%PDF-1.4 cmr")})
    assert "This file is already in the case, as cmr.pdf." in twice.content.decode()
    assert CaseDocument.objects.count() == 1


def test_a_too_large_document_is_refused(case, analyst, client_for, settings):
    settings.CASE_DOCUMENT_MAX_BYTES = 2**20
    response = client_for(analyst).post(
        reverse("investigations:case-document-add", args=[case.pk]),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2**20)},
    )
    assert "big.pdf is larger than 1 MB." in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_empty_note_is_refused(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-note-add", args=[case.pk]), {"body": "   "}
    )
    assert response.status_code == 400
    assert not CaseNote.objects.exists()


def test_an_event_ending_before_it_starts_is_refused(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-event-add", args=[case.pk]),
        {"title": "Meeting", "starts_at": "2026-05-02T10:00", "ends_at": "2026-05-01T10:00"},
    )
    assert "The end is before the start." in response.content.decode()
    assert not case.events.exists()


def test_an_event_with_half_a_position_is_refused(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-event-add", args=[case.pk]),
        {"title": "Meeting", "starts_at": "2026-05-02T10:00", "latitude": "54.6"},
    )
    assert "Give both latitude and longitude, or neither." in response.content.decode()


def test_a_task_due_in_the_past_is_refused(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:case-task-add", args=[case.pk]),
        {"title": "Call", "due_date": "2001-01-01"},
    )
    assert "The due date is in the past." in response.content.decode()
    assert not CaseTask.objects.exists()


def test_an_answered_request_needs_its_answer_attached(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:assistance-create", args=[case.pk]),
        {
            "direction": "outgoing",
            "agency": "olaf",
            "legal_basis": "Reg. 515/97",
            "subject": "Bank accounts",
            "sent_on": "2026-01-05",
            "due_on": "2026-02-05",
            "status": "answered",
        },
    )
    assert "Attach the answer: upload it as a case document first." in response.content.decode()
    assert not case.assistance_requests.exists()


def test_a_request_due_before_it_was_sent_is_refused(case, analyst, client_for):
    response = client_for(analyst).post(
        reverse("investigations:assistance-create", args=[case.pk]),
        {
            "direction": "incoming",
            "agency": "police",
            "legal_basis": "Bilateral agreement",
            "subject": "Phone owner",
            "sent_on": "2026-01-05",
            "due_on": "2026-01-01",
            "status": "sent",
        },
    )
    assert "The answer cannot be due before the request was sent." in response.content.decode()


def test_an_analyst_outside_the_team_reads_but_does_not_work_the_case(case, client_for):
    from tests.factories import UserFactory

    other = UserFactory(username="analyst_other", roles=["analyst"])
    client = client_for(other)
    assert client.get(reverse("investigations:case-detail", args=[case.pk])).status_code == 200
    assert (
        client.post(reverse("investigations:case-note-add", args=[case.pk]), {"body": "x"})
    ).status_code == 403


def test_task_reminders_go_once(case, analyst):
    today = timezone.localdate()
    case_task_add(actor=analyst, case=case, title="Call OLAF", assignee=analyst, due_date=today)
    case_task_add(
        actor=analyst,
        case=case,
        title="Later",
        assignee=analyst,
        due_date=today + timedelta(days=30),
    )
    assert case_task_reminders_send() == 1
    assert case_task_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert "Call OLAF" in mail.outbox[0].body
    assert mail.outbox[0].to == [analyst.email]


def test_assistance_reminders_go_once_through_the_beat_task(case, analyst):
    today = timezone.localdate()
    assistance_request_create(
        actor=analyst,
        case=case,
        data=AssistanceInput(
            direction="outgoing",
            agency="customs",
            agency_name="Latvian customs",
            legal_basis="Naples II",
            subject="Truck crossings",
            sent_on=today - timedelta(days=10),
            due_on=today + timedelta(days=2),
            status="sent",
        ),
    )
    assert case_reminders_send_task() == {"tasks": 0, "requests": 1}
    assert assistance_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert "Latvian customs" in mail.outbox[0].subject
