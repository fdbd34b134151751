"""Investigation cases' part of the access table (tests/portal/test_url_access.py): an
open (not restricted) case led by the analyst persona, with one of everything it holds.
Analysts work cases; administrators read every case (restricted ones too) and change
none; officers and dispatchers do not open cases (need-to-know: field work reaches a
case through the dispatch task that answers it, which shows the number only)."""

from datetime import timedelta
from typing import Any, cast

from tests.access_policy import ADMIN, ANALYST, Rule, pk_of

WORKERS = frozenset({ANALYST})
READERS = frozenset({ANALYST, ADMIN})


def _case_and(name: str, key: str) -> Any:
    return lambda objs: {"pk": objs["case"].pk, key: objs[name].pk}


def _suggestion_of(objs: dict[str, Any]) -> dict[str, Any]:
    suggestion = objs["document_suggestion"]
    return {
        "pk": suggestion.case_id,
        "document_id": suggestion.document_id,
        "suggestion_id": suggestion.pk,
    }


INVESTIGATION_RULES: dict[str, Rule] = {
    "investigations:case-list": Rule(READERS),
    # The case list as CSV or XLSX: whoever reads cases and may export them.
    "investigations:case-list-export": Rule(READERS, kwargs=lambda objs: {"file_format": "csv"}),
    "investigations:case-create": Rule(WORKERS),
    "investigations:assistance-register": Rule(READERS),
    "investigations:case-detail": Rule(READERS, kwargs=pk_of("case")),
    # The timeline and map, and their API: whoever may open the case reads them.
    "investigations:case-timeline": Rule(READERS, kwargs=pk_of("case")),
    "investigations:case-edit": Rule(WORKERS, kwargs=pk_of("case")),
    # The case's link chart reads the relations (administrators read no relations);
    # saving its positions is working the case.
    "investigations:case-chart": Rule(WORKERS, kwargs=pk_of("case")),
    "investigations:case-chart-save": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-team": Rule(WORKERS, kwargs=pk_of("case")),
    # Whoever may open the case starts its report or evidence bundle.
    "investigations:case-report-start": Rule(READERS, method="post", kwargs=pk_of("case")),
    # The extract for another agency: the analyst leading the case, and administrators.
    "investigations:case-extract": Rule(READERS, kwargs=pk_of("case")),
    # The case's entities as GraphML or FtM read the relations, as the chart does.
    "investigations:case-entities-export": Rule(
        WORKERS, kwargs=lambda objs: {"pk": objs["case"].pk, "file_format": "graphml"}
    ),
    "investigations:case-team-remove": Rule(
        WORKERS, method="post", kwargs=_case_and("case_member", "member_id")
    ),
    "investigations:case-violation-link": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-violation-unlink": Rule(
        WORKERS, method="post", kwargs=_case_and("case_violation", "link_id")
    ),
    "investigations:case-entity-link": Rule(WORKERS, kwargs=pk_of("case")),
    "investigations:case-entity-unlink": Rule(
        WORKERS, method="post", kwargs=_case_and("case_entity", "link_id")
    ),
    "investigations:case-document-add": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-document-download": Rule(
        READERS, kwargs=_case_and("case_document", "document_id")
    ),
    # Documents read for their text: the team uploads and answers the suggestions;
    # whoever may open the case reads a document's text.
    "investigations:case-document-upload": Rule(WORKERS, kwargs=pk_of("case")),
    "investigations:case-document-detail": Rule(
        READERS, kwargs=_case_and("case_document", "document_id")
    ),
    "investigations:case-document-read": Rule(
        WORKERS, method="post", kwargs=_case_and("case_document", "document_id")
    ),
    "investigations:document-suggestion-accept": Rule(
        WORKERS, method="post", kwargs=lambda objs: _suggestion_of(objs)
    ),
    "investigations:document-suggestion-reject": Rule(
        WORKERS, method="post", kwargs=lambda objs: _suggestion_of(objs)
    ),
    "investigations:case-note-add": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-event-add": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-task-add": Rule(WORKERS, method="post", kwargs=pk_of("case")),
    "investigations:case-task-done": Rule(
        WORKERS, method="post", kwargs=_case_and("case_task", "task_id")
    ),
    "investigations:assistance-create": Rule(WORKERS, kwargs=pk_of("case")),
    "investigations:assistance-edit": Rule(
        WORKERS, kwargs=_case_and("assistance_request", "request_id")
    ),
    # The dispatch task that answers a case: linked by an analyst working the case.
    "dispatch:case-task-link": Rule(
        WORKERS, method="post", kwargs=lambda objs: {"case_pk": objs["case"].pk}
    ),
    "dispatch:case-task-unlink": Rule(
        WORKERS,
        method="post",
        kwargs=lambda objs: {"case_pk": objs["case"].pk, "task_pk": objs["task"].pk},
    ),
    "api:case-list": Rule(READERS),
    "api:case-detail": Rule(READERS, kwargs=pk_of("case")),
    "api:case-timeline": Rule(READERS, kwargs=pk_of("case")),
    "api:case-places": Rule(READERS, kwargs=pk_of("case")),
    "api:case-document-download": Rule(READERS, kwargs=_case_and("case_document", "document_id")),
    # Documents read for their text, as the pages: whoever may open the case lists them
    # and reads the suggestions (the upload, a POST to the same URL, is the team's:
    # tests/cases/test_case_documents_api.py); the team answers the suggestions.
    "api:case-document-list": Rule(READERS, kwargs=pk_of("case")),
    "api:document-suggestion-list": Rule(READERS, kwargs=_case_and("case_document", "document_id")),
    "api:document-suggestion-accept": Rule(
        WORKERS, method="post", kwargs=lambda objs: _suggestion_of(objs)
    ),
    "api:document-suggestion-reject": Rule(
        WORKERS, method="post", kwargs=lambda objs: _suggestion_of(objs)
    ),
    "api:assistance-register": Rule(READERS),
}


def investigation_objects(personas: dict[str, Any], violation: Any) -> dict[str, Any]:
    """A case led by the analyst persona, holding one of each thing."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from cases.models import DocumentSuggestion, Entity
    from cases.services.case_content import case_document_add
    from cases.services.case_work import (
        AssistanceInput,
        assistance_request_create,
        case_task_add,
    )
    from cases.services.investigations import (
        CaseInput,
        case_create,
        case_entity_link,
        case_member_add,
        case_violation_link,
    )
    from portal.models import User
    from tests.factories import UserFactory

    analyst = personas["analyst"]
    case = case_create(actor=analyst, data=CaseInput(title="Access case"))
    colleague = cast(User, UserFactory(username="analyst_colleague", roles=["analyst"]))
    member = case_member_add(actor=analyst, case=case, user=colleague, role="analyst")
    entity = Entity.objects.create(kind="Company", label="Access Company")
    today = timezone.localdate()
    document = case_document_add(
        actor=analyst,
        case=case,
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 access letter"),
    )
    return {
        "case": case,
        "document_suggestion": DocumentSuggestion.objects.create(
            case=case,
            document=document,
            kind="phone",
            value="+37061234567",
            sentence="Call +370 612 34567.",
        ),
        "case_member": member,
        "case_violation": case_violation_link(actor=analyst, case=case, violation=violation),
        "case_entity": case_entity_link(actor=analyst, case=case, entity=entity, reason="Owner"),
        "case_document": document,
        "case_task": case_task_add(
            actor=analyst, case=case, title="Check", assignee=analyst, due_date=today
        ),
        "assistance_request": assistance_request_create(
            actor=analyst,
            case=case,
            data=AssistanceInput(
                direction="outgoing",
                agency="olaf",
                agency_name="",
                legal_basis="Regulation 515/97",
                subject="Shipments",
                sent_on=today,
                due_on=today + timedelta(days=30),
                status="sent",
            ),
        ),
    }
