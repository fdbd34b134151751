"""A goods line names what the goods are: a heading or subheading of the Harmonized
System, never chapter 99 (national and statistical use), and its description is shown
in words."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import GoodsLine, HSCode
from cases.selectors.goods import hs_code_search
from cases.services.goods import GoodsInput, goods_line_add

pytestmark = pytest.mark.django_db


def _line(code: str) -> GoodsInput:
    return GoodsInput(hs_code=code, description="Goods", quantity=Decimal(1), quantity_unit="pcs")


@pytest.mark.parametrize("code", ["9999 99", "999999", "9999"])
def test_chapter_99_is_refused_with_what_to_give_instead(officer, violation_of_officer, code):
    assert HSCode.objects.filter(code__startswith="99").exists()  # the catch-alls are loaded

    with pytest.raises(ValidationError) as refused:
        goods_line_add(actor=officer, violation=violation_of_officer, data=_line(code))

    assert "Chapter 99 is reserved" in str(refused.value.message_dict["hs_code"])
    assert not GoodsLine.objects.filter(violation=violation_of_officer).exists()


def test_the_search_offers_no_chapter_99_code():
    assert not hs_code_search(query="99").exists()
    assert hs_code_search(query="2402").filter(code="240220").exists()


def test_the_goods_table_says_what_the_code_is(client_for, officer, violation_of_officer):
    goods_line_add(actor=officer, violation=violation_of_officer, data=_line("240220"))
    description = HSCode.objects.get(code="240220").description

    page = client_for(officer).get(
        reverse("cases:violation-detail", kwargs={"pk": violation_of_officer.pk})
    )

    assert f'<span class="hs-description">{description[:40]}' in page.content.decode()
