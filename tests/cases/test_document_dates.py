"""Dates written with the month's name, in English and in Lithuanian (the genitive a
date takes), offered as the ISO date like the numeric ones; impossible dates are not."""

import pytest

from cases.lib.document_entities import identifiers_find, sentences
from cases.models import CaseEvent, DocumentSuggestion
from cases.services.documents.suggest import suggestion_accept
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import CaseInput, case_create
from portal.services.jobs import job_run
from tests.cases.document_support import docx_bytes, upload_of


def dates(text: str) -> list[str]:
    return [item.value for item in identifiers_find(text) if item.kind == "date"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("The lorry crossed on 3 March 2026 at night.", "2026-03-03"),
        ("The lorry crossed on March 3, 2026 at night.", "2026-03-03"),
        ("The lorry crossed on March 3 2026.", "2026-03-03"),
        ("The lorry crossed on 3 Mar 2026.", "2026-03-03"),
        ("The lorry crossed on 3 Mar. 2026.", "2026-03-03"),
        ("The lorry crossed on the 3rd of March, 2026.", "2026-03-03"),
        ("Signed 21 Sept. 2025 in Vilnius.", "2025-09-21"),
        ("SIGNED 1 DECEMBER 2025.", "2025-12-01"),
        ("Vilkikas kirto sieną 2026 m. kovo 3 d. naktį.", "2026-03-03"),
        ("Sutartis pasirašyta 2025 m. gruodžio 31 d.", "2025-12-31"),
        ("2026 M. KOVO 3 D. VILKIKAS KIRTO SIENĄ.", "2026-03-03"),
        ("Nuo 2026 m. rugpjūčio 1 d. iki rugsėjo.", "2026-08-01"),
        ("Rašyta be raidžių: 2026 m. geguzes 5 d.", "2026-05-05"),
        ("2026 m. sausio 9 d., vasario, kovo", "2026-01-09"),
    ],
)
def test_a_date_with_the_month_s_name_is_offered_as_the_iso_date(text, day):
    assert dates(text) == [day]


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("sausio", 1),
        ("vasario", 2),
        ("kovo", 3),
        ("balandžio", 4),
        ("gegužės", 5),
        ("birželio", 6),
        ("liepos", 7),
        ("rugpjūčio", 8),
        ("rugsėjo", 9),
        ("spalio", 10),
        ("lapkričio", 11),
        ("gruodžio", 12),
    ],
)
def test_every_lithuanian_month_is_read(name, number):
    assert dates(f"Įvyko 2026 m. {name} 15 d.") == [f"2026-{number:02d}-15"]


@pytest.mark.parametrize(
    "text",
    [
        "Dated 31 February 2026.",
        "Dated February 30, 2026.",
        "Dated 31 Apr 2026.",
        "Data 2026 m. vasario 29 d.",
        "Data 2026 m. birželio 31 d.",
        "Dated 0 March 2026.",
        "The mayor 3 2026 and Marching 3, 2026.",
        "Kovo 3 d. be metų.",
    ],
)
def test_an_impossible_or_incomplete_date_is_not_offered(text):
    assert dates(text) == []


def test_a_month_s_abbreviation_or_the_year_s_m_does_not_end_the_sentence():
    text = "Seen on 3 Mar. 2026 at Medininkai. Then 2026 m. KOVO 4 D. at Lavoriškės."

    assert list(sentences(text)) == [
        "Seen on 3 Mar. 2026 at Medininkai.",
        "Then 2026 m. KOVO 4 D. at Lavoriškės.",
    ]
    assert dates(text) == ["2026-03-03", "2026-03-04"]


@pytest.mark.django_db
def test_a_lithuanian_date_in_a_word_document_becomes_a_case_event_when_accepted(analyst):
    case = case_create(actor=analyst, data=CaseInput(title="Cigarettes by truck"))
    sentence = "Vilkikas kirto sieną 2026 m. kovo 3 d. naktį."
    [document], job = case_documents_upload(
        actor=analyst, case=case, upload=upload_of("pazyma.docx", docx_bytes("Pažyma.", sentence))
    )
    job_run(job_id=job.pk)

    suggestion = DocumentSuggestion.objects.get(document=document, kind="date")
    assert (suggestion.value, suggestion.sentence) == ("2026-03-03", sentence)
    suggestion_accept(actor=analyst, suggestion=suggestion)

    event = CaseEvent.objects.get(case=case)
    assert event.starts_at.date().isoformat() == "2026-03-03"
    assert sentence in event.title
