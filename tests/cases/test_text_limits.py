"""Free text has a stated limit and is never cut silently: a description or a note over
it is refused with the limit and the length in the message, whatever the path that
calls the service (page, API, or an import later)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Entity, Evidence, ViolationEntity
from cases.services.entities import violation_entity_link
from cases.services.evidence import evidence_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_evidence_description_over_300_characters_is_refused_not_cut(
    officer, violation_of_officer
):
    with pytest.raises(ValidationError) as refused:
        evidence_add(
            actor=officer,
            violation=violation_of_officer,
            upload=SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf"),
            description="x" * 301,
        )

    assert refused.value.message_dict == {
        "description": ["At most 300 characters; this text has 301."]
    }
    assert not Evidence.objects.exists()


def test_an_evidence_description_of_300_characters_is_kept_whole(officer, violation_of_officer):
    evidence = evidence_add(
        actor=officer,
        violation=violation_of_officer,
        upload=SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf"),
        description=" " + "x" * 300 + " ",
    )

    evidence.refresh_from_db()
    assert evidence.description == "x" * 300


def test_an_entity_link_note_over_300_characters_is_refused_not_cut(officer, violation_of_officer):
    entity = Entity.objects.create(kind="Vehicle", key="LTU:ABC123", label="ABC123")

    with pytest.raises(ValidationError) as refused:
        violation_entity_link(
            actor=officer,
            violation=violation_of_officer,
            entity=entity,
            role="owner",
            note="n" * 400,
        )

    assert refused.value.message_dict == {"note": ["At most 300 characters; this text has 400."]}
    assert not ViolationEntity.objects.exists()
