"""What the pages show is words, not stored values: a status in the history, a
quantity with its unit in agreement, a failed sign-in's account name."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import GoodsLine
from cases.services.violations import violation_submit
from cases.templatetags.cases_tags import quantity_text, status_label
from portal.services.accounts import account_login_failed

pytestmark = pytest.mark.django_db


def _page(client, url: str, language: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("quantity", "unit", "english", "lithuanian"),
    [
        ("1", "pcs", "1 piece", "1 vienetas"),
        ("21", "pcs", "21 pieces", "21 vienetas"),
        ("3", "packs", "3 packs", "3 pakeliai"),
        ("500", "packs", "500 packs", "500 pakelių"),
        ("2.5", "kg", "2.5\u00a0kg", "2,5\u00a0kg"),
        ("12", "l", "12\u00a0l", "12\u00a0l"),
    ],
)
def test_a_quantity_reads_with_its_unit_in_agreement(quantity, unit, english, lithuanian):
    line = GoodsLine(quantity=Decimal(quantity), quantity_unit=unit)
    with translation.override("en"):
        assert quantity_text(line) == english
    with translation.override("lt"):
        assert quantity_text(line) == lithuanian


def test_a_status_reads_as_a_word_in_the_reader_s_language():
    with translation.override("en"):
        assert status_label("submitted") == "Submitted"
    with translation.override("lt"):
        assert status_label("submitted") == "Pateiktas"
    assert status_label("unknown-state") == "unknown-state"


def test_the_history_names_the_status_in_words(client_for, officer, violation_of_officer):
    violation_submit(actor=officer, violation=violation_of_officer)
    detail = reverse("cases:violation-detail", kwargs={"pk": violation_of_officer.pk})

    history = _page(client_for(officer), detail).split('id="history-title"')[1]

    assert "· Submitted" in history
    assert "· submitted" not in history


def test_a_failed_sign_in_shows_the_account_name_given(client_for, administrator):
    account_login_failed(username="0")

    page = _page(client_for(administrator), reverse("portal:audit-list"))

    assert "account name given: “0”" in page


def test_removing_a_goods_line_asks_first(client_for, officer, violation_of_officer):
    GoodsLine.objects.create(
        violation=violation_of_officer,
        hs_code_id="240220",
        description="Cigarettes Minsk",
        quantity=500,
        quantity_unit="packs",
    )
    detail = reverse("cases:violation-detail", kwargs={"pk": violation_of_officer.pk})

    page = _page(client_for(officer), detail)

    assert 'data-confirm="Remove the goods line “Cigarettes Minsk”?"' in page
