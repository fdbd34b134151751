"""Starting a case's report or evidence bundle from its page, and the link chart the
report draws (no worker here: the job is queued, not run)."""

import re

import pytest
from django.urls import reverse

from cases.lib.link_chart_svg import ChartLink, ChartNode, chart_layout, link_chart_svg
from cases.services.investigations import CaseInput, case_create
from portal.models import Job, JobStatus
from tests.factories import UserFactory


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def birch(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Operation Birch", restricted=True))


@pytest.mark.parametrize(
    ("what", "kind"), [("report", "cases.case_report"), ("bundle", "cases.evidence_bundle")]
)
def test_the_team_starts_the_report_from_the_case_page_and_lands_on_the_job(
    birch, analyst, client_for, what, kind
):
    response = client_for(analyst).post(
        reverse("investigations:case-report-start", kwargs={"pk": birch.pk}), {"what": what}
    )

    job = Job.objects.get(owner=analyst)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    assert job.kind == kind
    assert job.parameters == {"case": birch.pk}
    assert job.status == JobStatus.QUEUED


def test_the_job_page_names_the_case_by_number_and_title_with_a_link(birch, analyst, client_for):
    client = client_for(analyst)
    client.post(
        reverse("investigations:case-report-start", kwargs={"pk": birch.pk}), {"what": "report"}
    )
    job = Job.objects.get(owner=analyst)

    page = client.get(reverse("portal:job-detail", kwargs={"pk": job.pk})).content.decode()

    link = f'<a href="{birch.get_absolute_url()}">{birch.number} Operation Birch</a>'
    assert re.search(r"<dt>Case</dt>\s*<dd>\s*" + re.escape(link), page)
    assert f"case: {birch.pk}" not in page


def test_an_outsider_cannot_start_a_report_of_a_restricted_case(birch, outside_analyst, client_for):
    response = client_for(outside_analyst).post(
        reverse("investigations:case-report-start", kwargs={"pk": birch.pk}), {"what": "report"}
    )

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_an_unknown_choice_starts_nothing_and_says_what_to_choose(birch, analyst, client_for):
    client = client_for(analyst)

    response = client.post(
        reverse("investigations:case-report-start", kwargs={"pk": birch.pk}),
        {"what": "everything"},
        follow=True,
    )

    assert "Choose the report or the evidence bundle." in response.content.decode()
    assert not Job.objects.exists()


def test_an_officer_may_not_start_a_case_report(birch, officer, client_for):
    response = client_for(officer).post(
        reverse("investigations:case-report-start", kwargs={"pk": birch.pk}), {"what": "report"}
    )

    assert response.status_code == 403
    assert not Job.objects.exists()


def _nodes(count: int) -> list[ChartNode]:
    return [ChartNode(i, f"Entity {i}", "Person", "Person") for i in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 2, 3, 7, 30])
def test_the_chart_places_every_entity_apart_and_inside_the_picture(count):
    nodes = _nodes(count)
    links = [ChartLink(1, node.id, "owns") for node in nodes[1:]]

    positions, width, height = chart_layout(nodes, links)

    assert set(positions) == {node.id for node in nodes}
    points = list(positions.values())
    for x, y in points:
        assert 0 < x < width
        assert 0 < y < height
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > 60


def test_the_most_connected_entity_is_in_the_middle_and_the_drawing_is_the_same_each_time():
    nodes = _nodes(6)
    links = [ChartLink(4, node.id, "owns") for node in nodes if node.id != 4]

    positions, width, height = chart_layout(nodes, links)
    svg = link_chart_svg(nodes, links)

    assert positions[4] == pytest.approx((width / 2, height / 2 - 10))
    assert svg == link_chart_svg(nodes, links)
    assert svg.count("<circle") == 6
    assert svg.count("<line") == 5
    assert len(re.findall(r">owns<", svg)) == 5


def test_names_in_the_chart_are_escaped():
    svg = link_chart_svg([ChartNode(1, "<b>A & B</b>", "Company", "Company")], [])

    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in svg
    assert "<b>" not in svg
