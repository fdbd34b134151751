"""A value wrapped onto the next line is found: pypdf ends each line of a PDF's page with
a line break and e-mails are hard-wrapped, so a wrapped line's break is read as a space;
a blank line, a break after a sentence's end and the breaks of lines the writer ended
early (headings, lists, a table's "Phone:" above its number, two plates one under the
other) are kept, so that no false value is glued from two lines."""

import io

import pytest

from cases.lib.document_entities import identifiers_find, sentences, unwrapped
from cases.models import DocumentSuggestion, Entity
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import CaseInput, case_create
from portal.services.jobs import job_run
from tests.cases.document_support import upload_of


def found(text: str) -> set[tuple[str, str]]:
    return {(item.kind, item.value) for item in identifiers_find(text)}


def sentence_of(text: str, kind: str) -> str:
    [item] = [item for item in identifiers_find(text) if item.kind == kind]
    return item.sentence


# Paragraphs as a 60-80 column wrap leaves them (textwrap.fill, an e-mail client, pypdf).
PHONE = (
    "The driver of the lorry stopped at the second lane\n"
    "said that the sender could be reached on +370 612\n"
    "34567 at any time of the day."
)
IBAN = (
    "The carrier was paid twice from the account LT12 1000 0111\n"
    "0100 1000 held by a company registered in Vilnius last year."
)
IBAN_AFTER_COUNTRY = (
    "Both payments for the transport of the load were made from the account LT12\n"
    "1000 0111 0100 1000 held by the carrier in Vilnius."
)
DATE = (
    "The goods were loaded at the warehouse near the border on 3\n"
    "March 2026 and the lorry left the same evening."
)
DATE_LT = (
    "Vairuotojas paaiškino, kad krovinį pakrovė kiti asmenys prie sandėlio 2026\n"
    "m. kovo 3 d. vakare ir jis tik gavo nurodymus telefonu."
)


def test_a_phone_number_wrapped_onto_the_next_line_is_found_with_its_whole_sentence():
    assert ("phone", "+37061234567") in found(PHONE)
    assert sentence_of(PHONE, "phone") == (
        "The driver of the lorry stopped at the second lane said that the sender could be "
        "reached on +370 612 34567 at any time of the day."
    )


@pytest.mark.parametrize("text", [IBAN, IBAN_AFTER_COUNTRY])
def test_an_iban_wrapped_between_its_groups_of_four_is_found(text):
    assert ("iban", "LT121000011101001000") in found(text)
    # Its digits are not offered as a phone as well.
    assert {kind for kind, _value in found(text)} == {"iban"}


@pytest.mark.parametrize(("text", "day"), [(DATE, "2026-03-03"), (DATE_LT, "2026-03-03")])
def test_a_date_with_the_month_s_name_wrapped_onto_the_next_line_is_found(text, day):
    assert found(text) == {("date", day)}


def test_a_crlf_wrapped_e_mail_body_is_joined_as_well():
    assert ("phone", "+37061234567") in found(PHONE.replace("\n", "\r\n"))


def test_a_blank_line_and_a_break_after_a_sentence_s_end_still_end_the_sentence():
    text = (
        "The lorry was stopped at the second lane of the crossing point after\n"
        "the scanner showed a dense load behind the front wall of the trailer.\n"
        "the driver said the cargo had been loaded at a warehouse near the\n"
        "border\n"
        "\n"
        "Nothing else was found in the cabin of the lorry at the crossing point."
    )

    assert list(sentences(text)) == [
        "The lorry was stopped at the second lane of the crossing point after the scanner "
        "showed a dense load behind the front wall of the trailer.",
        "the driver said the cargo had been loaded at a warehouse near the border",
        "Nothing else was found in the cabin of the lorry at the crossing point.",
    ]


def test_a_table_s_label_above_its_value_and_two_plates_one_under_the_other_stay_apart():
    text = "Case 2026/17\nPhone:\n+370 612 34567\nVehicles:\nABC 123\nDEF 456\n"

    assert found(text) == {
        ("phone", "+37061234567"),
        ("plate", "LT:ABC123"),
        ("plate", "LT:DEF456"),
    }
    assert unwrapped(text) == text
    assert sentence_of(text, "phone") == "+370 612 34567"


def test_a_short_line_ending_in_digits_is_not_glued_to_the_number_below_it():
    # Glued, "5 212 3456" would read as a Vilnius phone number, "ABC 123" as a plate.
    text = "Lane: 5\n212 3456 sticks of cigarettes were seized.\nImporter: UAB ABC\n123 boxes."

    assert found(text) == set()


def test_list_items_keep_their_lines_even_when_the_lines_are_long():
    text = (
        "The officers checked the documents of the lorry and found in the cabin of it\n"
        "- a phone registered to +370 612 34567 and a second one without a SIM card\n"
        "- 3 March 2026, the date of the loading written on the back of the invoice\n"
    )

    assert list(sentences(text)) == [
        "The officers checked the documents of the lorry and found in the cabin of it",
        "- a phone registered to +370 612 34567 and a second one without a SIM card",
        "- 3 March 2026, the date of the loading written on the back of the invoice",
    ]


@pytest.mark.django_db
class TestInADocument:
    @pytest.fixture
    def case(self, analyst):
        return case_create(actor=analyst, data=CaseInput(title="Cigarettes by truck"))

    def read(self, analyst, case, name: str, content: bytes):
        [document], job = case_documents_upload(
            actor=analyst, case=case, upload=upload_of(name, content)
        )
        job_run(job_id=job.pk)
        return document

    def test_a_registry_name_split_across_two_lines_is_offered(self, analyst, case):
        person = Entity.objects.create(kind="Person", label="JONAS PETRAITIS")
        text = (
            "At the crossing the driver, Jonas\n"
            "Petraitis, showed the papers of the load\n"
            "and said he did not know the sender."
        )

        document = self.read(analyst, case, "letter.txt", text.encode())

        name = DocumentSuggestion.objects.get(document=document, kind="name")
        assert name.entity == person
        assert name.sentence == (
            "At the crossing the driver, Jonas Petraitis, showed the papers of the load and "
            "said he did not know the sender."
        )

    def test_a_phone_cut_by_the_line_wrap_of_a_pdf_is_offered(self, analyst, case):
        from pypdf import PdfReader
        from weasyprint import HTML

        paragraph = (
            "The driver of the lorry stopped at the second lane said that the sender "
            "could be reached on +370 612 34567 at any time of the day."
        )
        # A column as wide as a letter's: WeasyPrint wraps the number after "612".
        content = HTML(string=f'<p style="width: 112mm">{paragraph}</p>').write_pdf()
        pdf_text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert "+370 612\n34567" in pdf_text

        document = self.read(analyst, case, "report.pdf", content)

        phone = DocumentSuggestion.objects.get(document=document, kind="phone")
        assert phone.value == "+37061234567"
        assert phone.sentence == paragraph

    def test_an_e_mail_s_hard_wrapped_body_is_joined_but_not_to_its_headers(self, analyst, case):
        from tests.cases.document_support import eml_bytes

        # As an e-mail client wraps it at 70 columns.
        body = (
            "Labas, the load left the warehouse in the evening and the driver said\n"
            "that the sender of all the cigarettes could be reached on +370 612\n"
            "34567 at any time of the day.\n"
        )
        content = eml_bytes(body).replace(
            b"Subject: Krovinys per Medininkus",
            b"Subject: Krovinys per Medininkus, the second lorry of the week",
        )

        document = self.read(analyst, case, "letter.eml", content)

        phone = DocumentSuggestion.objects.get(document=document, kind="phone")
        assert phone.sentence == (
            "Labas, the load left the warehouse in the evening and the driver said that the "
            "sender of all the cigarettes could be reached on +370 612 34567 at any time of "
            "the day."
        )


def test_a_word_or_plate_broken_after_its_hyphen_at_a_full_line_s_end_is_joined_whole():
    text = (
        "The officers at the second lane stopped the lorry with plate ABC-\n"
        "123 and the driver refused to give any further infor-\n"
        "mation about the sender of the load he carried that night.\n"
        "Plate: DEF-\n"
        "456 was seen at the crossing point the evening before as well.\n"
    )

    assert unwrapped(text) == (
        "The officers at the second lane stopped the lorry with plate ABC-123 and the "
        "driver refused to give any further infor-mation about the sender of the load he "
        "carried that night.\n"
        # A short line is not full: its break is the writer's, hyphen or not.
        "Plate: DEF-\n"
        "456 was seen at the crossing point the evening before as well.\n"
    )


def test_a_dash_standing_alone_at_a_full_line_s_end_is_still_read_as_a_space():
    text = (
        "The lorry was stopped at the second lane of the crossing point -\n"
        "the driver said the cargo had been loaded at a warehouse nearby."
    )

    assert unwrapped(text) == text.replace("\n", " ")
