"""Notices: the operations centre sends them to chosen units or to all, an officer of an
addressed unit sees the active ones on My tasks and marks them read for the unit, the
dispatcher's list shows who has read what. Bad input is named and saves nothing; every
change is audited."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, Notice, NoticeReceipt, UnitStatus
from dispatch.services.notices import NoticeInput, notice_create, notice_mark_read, notice_withdraw
from portal.models import AuditAction, AuditRecord
from tests.dispatch.test_officer_pages import soup, text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("dispatch:notice-list")
CREATE = reverse("dispatch:notice-create")
API_LIST = reverse("api:notice-list")
MY_TASKS = reverse("dispatch:my-tasks")
FEED = reverse("dispatch:my-tasks-feed")
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
PARIS = Point(2.3522, 48.8566, srid=4326)


def read_url(notice: Notice) -> str:
    return reverse("api:notice-read", kwargs={"pk": notice.pk})


def withdraw_url(notice: Notice) -> str:
    return reverse("dispatch:notice-withdraw", kwargs={"pk": notice.pk})


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.AVAILABLE
    )


@pytest.fixture
def unit_b_mobile(unit_b):
    return MobileUnit.objects.create(
        org_unit=unit_b, call_sign="MU-B1", status=UnitStatus.AVAILABLE
    )


@pytest.fixture
def colleague(unit_a):
    """A second officer of unit A."""
    return UserFactory(username="officer_a2", org_unit=unit_a, roles=["officer"])


def send(dispatcher, *units, **extra) -> Notice:
    data = {"title": "Road closed at Medininkai", "unit_ids": [u.pk for u in units], **extra}
    return notice_create(actor=dispatcher, data=NoticeInput(**data))


def audits(action: str, object_type: str) -> int:
    return AuditRecord.objects.filter(action=action, object_type=object_type).count()


def api_titles(client) -> list[str]:
    response = client.get(API_LIST)
    assert response.status_code == 200
    return [row["title"] for row in response.json()["results"]]


# ---------------------------------------------------------------------- sending


def test_a_dispatcher_sends_a_notice_from_the_page_and_it_is_audited(
    dispatcher, unit, unit_b_mobile, client_for, violation_of_officer
):
    expires = timezone.localtime() + timedelta(hours=4)
    response = client_for(dispatcher).post(
        CREATE,
        {
            "title": "  Wanted: white VW van BY 4521 AB  ",
            "body": "Seen near lane 3, heading west.",
            "priority": "urgent",
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M"),
            "units": [unit.pk],
            "latitude": "54.5395",
            "longitude": "25.6536",
            "violation": violation_of_officer.reference.lower(),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == LIST
    notice = Notice.objects.get()
    assert notice.title == "Wanted: white VW van BY 4521 AB"
    assert notice.priority == "urgent"
    assert list(notice.units.all()) == [unit]
    assert not notice.all_units
    assert notice.created_by == dispatcher
    assert notice.location is not None
    assert round(notice.location.y, 4) == 54.5395
    assert notice.violation == violation_of_officer
    assert notice.expires_at is not None
    assert abs((notice.expires_at - expires).total_seconds()) < 60
    record = AuditRecord.objects.get(action=AuditAction.CREATE, object_type="dispatch.notice")
    assert record.actor == dispatcher
    assert record.changes["units"] == ["MU-A1"]
    assert record.changes["priority"] == "urgent"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the notice a title."),
        (
            {"units": []},
            "units",
            "Choose the units to send the notice to, or send it to all units.",
        ),
        (
            {"all_units": "on"},
            "units",
            "Send the notice to all units or to the units chosen, not both.",
        ),
        ({"expires_at": "2020-01-01T10:00"}, "expires_at", "The expiry must lie in the future."),
        (
            {"expires_at": "0001-01-01T00:10"},
            "expires_at",
            "Give a date between the years 2000 and 2100.",
        ),
        (
            {"latitude": "48.8566", "longitude": "2.3522"},
            "latitude",
            "lies outside the operational area",
        ),
        (
            {"latitude": "54.5"},
            "longitude",
            "Give both the latitude and the longitude, or neither.",
        ),
        (
            {"violation": "V-1999-000001"},
            "violation",
            "No violation has the reference V-1999-000001.",
        ),
        ({"priority": "panic"}, "priority", "Select a valid choice."),
        ({"units": ["999999"]}, "units", "One of the units chosen no longer exists; choose again."),
    ],
)
def test_bad_input_is_named_on_the_form_and_nothing_is_saved(
    payload, field, message, dispatcher, unit, client_for
):
    data = {"title": "Road closed", "priority": "normal", "units": [unit.pk], **payload}
    response = client_for(dispatcher).post(CREATE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert message.split(" (")[0] in response.content.decode()
    assert Notice.objects.count() == 0
    assert audits(AuditAction.CREATE, "dispatch.notice") == 0


def test_the_service_names_every_problem_at_once(dispatcher):
    with pytest.raises(ValidationError) as raised:
        notice_create(
            actor=dispatcher,
            data=NoticeInput(
                title="",
                expires_at=timezone.now() - timedelta(minutes=1),
                location=PARIS,
            ),
        )
    assert set(raised.value.message_dict) == {"title", "expires_at", "units", "location"}
    assert Notice.objects.count() == 0


def test_officers_and_analysts_may_not_send_notices(officer, analyst, unit, client_for):
    with pytest.raises(PermissionDenied):
        send(officer, unit)
    assert client_for(analyst).get(CREATE).status_code == 403
    assert client_for(officer).post(CREATE, {"title": "x", "units": [unit.pk]}).status_code == 403
    assert Notice.objects.count() == 0


# ---------------------------------------------------------------------- addressing


def test_only_officers_of_an_addressed_unit_see_and_may_read_a_notice(
    dispatcher, officer, officer_b, unit, unit_b_mobile, api_client_for, client_for
):
    notice = send(dispatcher, unit, title="For unit A only")

    assert api_titles(api_client_for(officer)) == ["For unit A only"]
    assert api_titles(api_client_for(officer_b)) == []
    assert "For unit A only" not in client_for(officer_b).get(MY_TASKS).content.decode()

    refused = api_client_for(officer_b).post(read_url(notice))
    assert refused.status_code == 404
    assert not NoticeReceipt.objects.exists()
    with pytest.raises(PermissionDenied):
        notice_mark_read(actor=officer_b, notice=notice)


def test_a_notice_to_all_units_reaches_every_unit_also_one_added_later(
    dispatcher, officer, officer_b, unit, api_client_for
):
    send(dispatcher, title="Radio check at 18:00", all_units=True)
    MobileUnit.objects.create(org_unit=officer_b.org_unit, call_sign="MU-B1")

    assert api_titles(api_client_for(officer)) == ["Radio check at 18:00"]
    assert api_titles(api_client_for(officer_b)) == ["Radio check at 18:00"]


def test_an_expired_or_withdrawn_notice_leaves_the_officers_page(
    dispatcher, officer, unit, client_for, api_client_for
):
    expiring = send(dispatcher, unit, title="Expiring notice")
    withdrawn = send(dispatcher, unit, title="Withdrawn notice")
    kept = send(dispatcher, unit, title="Kept notice")
    now = timezone.now()
    Notice.objects.filter(pk=expiring.pk).update(
        created_at=now - timedelta(hours=2), expires_at=now - timedelta(seconds=1)
    )
    notice_withdraw(actor=dispatcher, notice=withdrawn)

    assert api_titles(api_client_for(officer)) == [kept.title]
    page = client_for(officer).get(MY_TASKS).content.decode()
    assert "Kept notice" in page
    assert "Expiring notice" not in page
    assert "Withdrawn notice" not in page

    for notice, message in (
        (withdrawn, "The operations centre has withdrawn this notice."),
        (expiring, "This notice has expired."),
    ):
        response = api_client_for(officer).post(read_url(notice))
        assert response.status_code == 400
        assert message in str(response.json())
    assert not NoticeReceipt.objects.exists()


def test_withdrawing_is_audited_refused_twice_and_kept_in_the_past_list(
    dispatcher, unit, client_for
):
    notice = send(dispatcher, unit, title="Checkpoint moved")
    client = client_for(dispatcher)

    response = client.post(withdraw_url(notice), follow=True)
    assert "withdrawn: it leaves the units" in response.content.decode()
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    assert notice.withdrawn_by == dispatcher
    assert audits(AuditAction.UPDATE, "dispatch.notice") == 1

    again = client.post(withdraw_url(notice), follow=True)
    assert "This notice has already been withdrawn." in again.content.decode()
    assert audits(AuditAction.UPDATE, "dispatch.notice") == 1

    active = soup(client.get(LIST))
    past = soup(client.get(LIST, {"state": "past"}))
    assert active.find(f".//*[@id='notice-{notice.pk}']") is None
    row = past.find(f".//*[@id='notice-{notice.pk}']")
    assert "Withdrawn" in text(row)
    assert row.find(".//form") is None  # nothing left to withdraw


def test_analysts_read_the_list_but_may_not_withdraw(dispatcher, analyst, unit, client_for):
    notice = send(dispatcher, unit, title="Fog on the A4")
    page = client_for(analyst).get(LIST)
    assert page.status_code == 200
    assert "Fog on the A4" in page.content.decode()
    assert soup(page).find(".//form[@class='notice-row__withdraw']") is None
    assert "New notice" not in page.content.decode()
    assert client_for(analyst).post(withdraw_url(notice)).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


# ---------------------------------------------------------------------- reading


def test_marking_read_counts_for_the_unit_once_and_is_audited(
    dispatcher, officer, colleague, unit, unit_b_mobile, api_client_for
):
    notice = send(dispatcher, unit, unit_b_mobile)

    response = api_client_for(officer).post(read_url(notice))
    assert response.status_code == 200
    body = response.json()
    assert [receipt["unit"] for receipt in body["receipts"]] == ["MU-A1"]
    receipt = NoticeReceipt.objects.get()
    assert (receipt.unit, receipt.read_by) == (unit, officer)
    assert audits(AuditAction.CREATE, "dispatch.noticereceipt") == 1

    # A colleague of the same unit: already read for the unit, nothing new recorded.
    again = api_client_for(colleague).post(read_url(notice))
    assert again.status_code == 200
    assert NoticeReceipt.objects.get().read_by == officer
    assert audits(AuditAction.CREATE, "dispatch.noticereceipt") == 1


def test_the_dispatchers_list_shows_which_units_have_read_it_and_when(
    dispatcher, officer, unit, unit_b_mobile, client_for, api_client_for
):
    notice = send(dispatcher, unit, unit_b_mobile, title="Bring the new forms")
    notice_mark_read(actor=officer, notice=notice)

    row = soup(client_for(dispatcher).get(LIST)).find(f".//*[@id='notice-{notice.pk}']")
    progress = row.find(".//*[@data-read-count]")
    assert (progress.get("data-read-count"), progress.get("data-unit-count")) == ("1", "2")
    read = row.find(".//*[@data-unit='MU-A1']")
    assert "Read" in text(read)
    assert officer.get_full_name() in text(read)
    assert "Not read yet" in text(row.find(".//*[@data-unit='MU-B1']"))

    # The API: every unit's receipts for the operations centre ...
    staff_row = api_client_for(dispatcher).get(API_LIST).json()["results"][0]
    assert staff_row["units"] == ["MU-A1", "MU-B1"]
    assert [r["unit"] for r in staff_row["receipts"]] == ["MU-A1"]


def test_an_officer_learns_nothing_of_other_units_reading(
    dispatcher, officer, officer_b, unit, unit_b_mobile, api_client_for
):
    notice = send(dispatcher, unit, unit_b_mobile)
    notice_mark_read(actor=officer_b, notice=notice)

    row = api_client_for(officer).get(API_LIST).json()["results"][0]
    assert row["receipts"] == []
    assert row["units"] is None


def test_a_linked_violation_is_named_only_to_who_may_open_it(
    dispatcher, officer_b, unit_b_mobile, violation_of_officer, api_client_for
):
    send(dispatcher, unit_b_mobile, violation_reference=violation_of_officer.reference)
    # officer_b (unit B) may not open unit A's violation.
    row = api_client_for(officer_b).get(API_LIST).json()["results"][0]
    assert row["violation"] is None
    assert row["violation_reference"] is None
    staff = api_client_for(dispatcher).get(API_LIST).json()["results"][0]
    assert staff["violation_reference"] == violation_of_officer.reference


def test_the_state_filter_of_the_api_is_checked(dispatcher, api_client_for):
    response = api_client_for(dispatcher).get(API_LIST, {"state": "everything"})
    assert response.status_code == 400
    assert "state" in response.json()["errors"]


# ---------------------------------------------------------------------- on My tasks


def test_my_tasks_shows_active_notices_above_the_tasks_unread_first_and_read_folded(
    dispatcher, officer, unit, client_for
):
    normal = send(dispatcher, unit, title="Normal notice")
    urgent = send(dispatcher, unit, title="Urgent notice", priority="urgent")
    read = send(dispatcher, unit, title="Read notice", priority="urgent")
    notice_mark_read(actor=officer, notice=read)

    page = soup(client_for(officer).get(MY_TASKS))

    cards = page.findall(".//*[@data-notice-list]//*[@data-notice-id]")
    assert [c.get("data-notice-id") for c in cards] == [
        str(urgent.pk),
        str(normal.pk),
        str(read.pk),
    ]
    urgent_card = page.find(f".//*[@id='notice-{urgent.pk}']")
    assert "notice-card--urgent" in urgent_card.get("class")
    assert "Notice" in text(urgent_card)
    assert text(urgent_card.find(".//button[@data-notice-read]")) == "Mark as read"
    read_card = page.find(f".//*[@id='notice-{read.pk}']")
    assert read_card.tag == "details"
    assert "open" not in read_card.attrib
    assert read_card.find(".//button") is None
    # The notices come before the open tasks.
    sections = [s.get("aria-labelledby") for s in page.iter("section")]
    assert sections.index("notices-title") < sections.index("open-tasks-title")


def test_the_feed_changes_when_a_notice_arrives_or_is_read_and_not_otherwise(
    dispatcher, officer, unit, client_for
):
    client = client_for(officer)
    etag = client.get(FEED)["ETag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304

    notice = send(dispatcher, unit, title="New road block")
    arrived = client.get(FEED, headers={"If-None-Match": etag})
    assert arrived.status_code == 200
    assert "New road block" in arrived.content.decode()
    etag = arrived["ETag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304

    notice_mark_read(actor=officer, notice=notice)
    folded = client.get(FEED, headers={"If-None-Match": etag})
    assert folded.status_code == 200
    assert soup(folded).find(f".//details[@id='notice-{notice.pk}']") is not None
    etag = folded["ETag"]

    notice_withdraw(actor=dispatcher, notice=notice)
    gone = client.get(FEED, headers={"If-None-Match": etag})
    assert gone.status_code == 200
    assert soup(gone).find(f".//*[@id='notice-{notice.pk}']") is None


def test_the_feed_and_the_list_cost_the_same_few_queries_for_many_notices(
    dispatcher, officer, unit, unit_b_mobile, client_for, django_assert_max_num_queries
):
    for number in range(12):
        notice = send(dispatcher, unit, unit_b_mobile, title=f"Notice {number}")
        if number % 2:
            notice_mark_read(actor=officer, notice=notice)
    send(dispatcher, title="To everyone", all_units=True)

    officers, dispatchers = client_for(officer), client_for(dispatcher)
    with django_assert_max_num_queries(15):
        response = officers.get(FEED)
    assert len(soup(response).findall(".//*[@data-notice-id]")) == 13
    with django_assert_max_num_queries(15):
        listing = dispatchers.get(LIST)
    assert len(soup(listing).findall(".//*[@data-notice]")) == 13
