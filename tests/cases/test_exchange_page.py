"""The exchange records page reads as the record a partner agency gets: headings,
labelled values in words, goods as a table, what is left out said in sentences, and
each record offered as a file. No JSON, no field names."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import GoodsLine
from tests.cases.test_violation_cen import verified  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(verified, analyst, client_for):  # noqa: F811 (the fixture imported above)
    GoodsLine.objects.create(
        violation=verified,
        hs_code_id="240220",
        description="Cigarettes",
        quantity=500,
        quantity_unit="packs",
        value_eur=1500,
    )
    response = client_for(analyst).get(reverse("cases:violation-cen", kwargs={"pk": verified.pk}))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_no_json_and_no_field_names_are_shown(page):
    assert "<pre" not in page
    assert '"seizure"' not in page
    # The page's body: the head holds the base map's tile address template ({z}/{x}/{y}).
    body = re.sub(r"<head>.*?</head>|<script.*?</script>", "", page, flags=re.S)
    assert "{" not in body
    text = re.sub(r"<[^>]+>", " ", page)
    for raw in ("commodity_facts", "age_band", "vehicle_used", "transport_mode", "person ("):
        assert raw not in text, raw
    assert not re.search(r">\s*narrative\s*<", page)  # the field's name alone


def test_the_record_has_headings_labelled_values_and_goods_as_a_table(page):
    for heading in ("The seizure", "Goods", "People", "Vehicles", "Facts of the category"):
        assert f"<h3>{heading}</h3>" in page
    assert re.search(r"<dt>Reference</dt>\s*<dd>V-", page)
    assert re.search(r"<dt>Age</dt>\s*<dd>40 to 49 years</dd>", page)
    assert "<h4>Vehicle used</h4>" in page
    assert re.search(r'<td data-label="Quantity">500 packs</td>', page)
    assert re.search(r'<td data-label="HS code" class="mono">240220</td>', page)


def test_what_is_left_out_is_said_in_words(page):
    left_out = page.split("data-left-out", 1)[1].split("</ul>", 1)[0]
    assert "The narrative (what happened, in the officer's words) is left out." in left_out
    assert (
        "Driver: the name, the date of birth and the identity document are left out; "
        "the nationality and the age band are sent." in left_out
    )
    assert "Vehicle used: the plate and the VIN are left out" in left_out
    assert "The officer who reported the violation is named in neither record." in left_out


def test_each_record_is_offered_as_a_file(page, verified):  # noqa: F811 (the fixture)
    for kind in ("non-nominal", "nominal"):
        url = reverse("cases:violation-cen-download", kwargs={"pk": verified.pk, "kind": kind})
        assert re.search(rf'href="{re.escape(url)}"\s+download>Download the {kind} record', page)


def test_the_page_reads_in_lithuanian(verified, analyst, client_for):  # noqa: F811
    client = client_for(analyst)
    client.cookies["django_language"] = "lt"
    with translation.override("lt"):
        response = client.get(reverse("cases:violation-cen", kwargs={"pk": verified.pk}))
    text = html.unescape(response.content.decode())
    assert "Vairuotojas" in text  # the role in Lithuanian
    assert "The narrative" not in text
