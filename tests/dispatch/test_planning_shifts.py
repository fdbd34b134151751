"""Shifts: planned by dispatchers (no overlaps per unit, end after start, audited), shown
to officers, dispatchers and analysts on a day board (bars placed by time, a "now" line)
and a week board (units by days)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from dispatch.services.planning import ShiftInput, shift_create
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)  # a Monday


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1")


@pytest.fixture
def unit_two(unit_b):
    return MobileUnit.objects.create(org_unit=unit_b, call_sign="MU-B1")


@pytest.fixture
def zone():
    return PatrolZone.objects.create(
        name="Medininkai",
        colour="#d97706",
        area=Polygon(
            ((25.6, 54.5), (25.7, 54.5), (25.7, 54.6), (25.6, 54.6), (25.6, 54.5)), srid=4326
        ),
    )


@pytest.fixture
def morning(unit, zone):
    return Shift.objects.create(
        unit=unit, starts_at=local(DAY, 6), ends_at=local(DAY, 12), zone=zone, note="A3"
    )


def shift_form(unit, start="2026-11-23T08:00", end="2026-11-23T16:00", zone=None, **extra):
    data = {"unit": unit.pk, "starts_at": start, "ends_at": end, "note": "Border road"}
    if zone is not None:
        data["zone"] = zone.pk
    data.update(extra)
    return data


# --- Planning --------------------------------------------------------------------------


def test_a_dispatcher_plans_a_shift_and_it_is_audited(dispatcher, client_for, unit, zone):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-create"), shift_form(unit, zone=zone)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:shift-list") + "?view=day&date=2026-11-23"
    shift = Shift.objects.get()
    assert shift.starts_at == local(DAY, 8)
    assert shift.ends_at == local(DAY, 16)
    assert shift.zone == zone
    assert shift.created_by == dispatcher
    record = AuditRecord.objects.get(object_type="dispatch.shift", action="create")
    assert record.actor == dispatcher
    assert record.changes["unit"] == "MU-A1"
    assert record.changes["zone"] == "Medininkai"


def test_an_overlapping_shift_of_the_same_unit_is_refused(dispatcher, client_for, unit, morning):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-create"),
        shift_form(unit, start="2026-11-23T11:00", end="2026-11-23T19:00"),
    )

    assert response.status_code == 200
    message = response.context["form"].errors["starts_at"][0]
    assert message == (
        "MU-A1 already has a shift from 23 Nov 2026 06:00 to 23 Nov 2026 12:00 "
        "that overlaps this one."
    )
    assert Shift.objects.count() == 1
    assert not AuditRecord.objects.filter(object_type="dispatch.shift").exists()


def test_a_shift_inside_another_is_refused_too(dispatcher, client_for, unit, morning):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-create"),
        shift_form(unit, start="2026-11-23T07:00", end="2026-11-23T08:00"),
    )

    assert "overlaps" in response.context["form"].errors["starts_at"][0]
    assert Shift.objects.count() == 1


def test_back_to_back_shifts_and_other_units_at_the_same_time_are_fine(
    dispatcher, client_for, unit, unit_two, morning
):
    client = client_for(dispatcher)

    client.post(
        reverse("dispatch:shift-create"),
        shift_form(unit, start="2026-11-23T12:00", end="2026-11-23T18:00"),
    )
    client.post(
        reverse("dispatch:shift-create"),
        shift_form(unit_two, start="2026-11-23T06:00", end="2026-11-23T12:00"),
    )

    assert Shift.objects.count() == 3


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-23T16:00", "2026-11-23T08:00", "The shift ends before it starts."),
        ("2026-11-23T08:00", "2026-11-23T08:00", "ends at the moment it starts"),
        ("2026-11-23T08:00", "2026-11-24T09:00", "at most 24 hours"),
        ("2026-11-23T08:00", "tomorrow", "Enter a valid date/time."),
    ],
)
def test_impossible_times_are_refused(dispatcher, client_for, unit, start, end, message):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-create"), shift_form(unit, start=start, end=end)
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["ends_at"][0]
    assert not Shift.objects.exists()


def test_an_inactive_zone_is_not_offered_for_a_new_shift(dispatcher, client_for, unit, zone):
    zone.active = False
    zone.save()
    client = client_for(dispatcher)

    page = client.get(reverse("dispatch:shift-create"))
    response = client.post(reverse("dispatch:shift-create"), shift_form(unit, zone=zone))

    assert zone not in page.context["form"].fields["zone"].queryset
    assert "zone" in response.context["form"].errors
    assert not Shift.objects.exists()


def test_the_board_prefills_a_new_shift_for_a_unit_and_day(dispatcher, client_for, unit):
    page = client_for(dispatcher).get(
        reverse("dispatch:shift-create") + f"?unit={unit.pk}&date=2026-11-23"
    )

    html = page.content.decode()
    assert 'value="2026-11-23T08:00"' in html
    assert 'value="2026-11-23T16:00"' in html
    assert f'<option value="{unit.pk}" selected>' in html


def test_editing_a_shift_keeps_it_clear_of_itself_but_not_of_others(
    dispatcher, client_for, unit, zone, morning
):
    evening = Shift.objects.create(unit=unit, starts_at=local(DAY, 14), ends_at=local(DAY, 22))
    client = client_for(dispatcher)
    url = reverse("dispatch:shift-edit", kwargs={"pk": morning.pk})

    extended = client.post(
        url, shift_form(unit, start="2026-11-23T05:00", end="2026-11-23T13:00", zone=zone)
    )
    clashing = client.post(
        url, shift_form(unit, start="2026-11-23T05:00", end="2026-11-23T15:00", zone=zone)
    )

    assert extended.status_code == 302
    assert "overlaps" in clashing.context["form"].errors["starts_at"][0]
    morning.refresh_from_db()
    assert (morning.starts_at, morning.ends_at) == (local(DAY, 5), local(DAY, 13))
    evening.refresh_from_db()
    assert evening.starts_at == local(DAY, 14)
    record = AuditRecord.objects.get(object_type="dispatch.shift", action="update")
    assert set(record.changes) == {"starts_at", "ends_at", "note"}


def test_a_shift_keeps_its_zone_after_the_zone_is_deactivated(
    dispatcher, client_for, unit, zone, morning
):
    zone.active = False
    zone.save()

    response = client_for(dispatcher).post(
        reverse("dispatch:shift-edit", kwargs={"pk": morning.pk}),
        shift_form(unit, start="2026-11-23T06:00", end="2026-11-23T13:00", zone=zone),
    )

    assert response.status_code == 302
    morning.refresh_from_db()
    assert morning.zone == zone


def test_a_dispatcher_deletes_a_shift_and_it_is_audited(dispatcher, client_for, morning):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-delete", kwargs={"pk": morning.pk})
    )

    assert response.status_code == 302
    assert not Shift.objects.exists()
    record = AuditRecord.objects.get(object_type="dispatch.shift", action="delete")
    assert record.object_id == str(morning.pk)


def test_a_shift_with_alerts_is_kept(dispatcher, client_for, unit, zone, morning):
    GeofenceAlert.objects.create(
        unit=unit,
        shift=morning,
        zone=zone,
        left_at=local(DAY, 7),
        position=Point(25.9, 54.55, srid=4326),
        distance_m=12_000,
    )

    response = client_for(dispatcher).post(
        reverse("dispatch:shift-delete", kwargs={"pk": morning.pk}), follow=True
    )

    assert Shift.objects.filter(pk=morning.pk).exists()
    assert "stays on record" in response.content.decode()


def test_officers_and_analysts_cannot_plan(officer, analyst, client_for, unit, morning):
    for user in (officer, analyst):
        client = client_for(user)
        assert client.post(reverse("dispatch:shift-create"), shift_form(unit)).status_code == 403
        delete = reverse("dispatch:shift-delete", kwargs={"pk": morning.pk})
        assert client.post(delete).status_code == 403
    assert Shift.objects.count() == 1


# --- The day board ---------------------------------------------------------------------


def board(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("dispatch:shift-list") + "?" + query)


def test_the_day_board_places_each_shift_by_its_times(officer, client_for, unit, morning):
    response = board(client_for(officer), view="day", date="2026-11-23")

    assert response.status_code == 200
    row = next(r for r in response.context["board"].rows if r.unit == unit)
    (bar,) = row.bars
    assert (bar.left, bar.width) == (25.0, 25.0)  # 06:00 to 12:00 of 24 hours
    html = response.content.decode()
    assert 'data-css-left="25.0%"' in html
    assert 'data-css-width="25.0%"' in html
    assert 'data-css-var-zone="#d97706"' in html
    assert "06:00\N{EN DASH}12:00" in html
    assert "Medininkai" in html


def test_a_night_shift_shows_on_both_days_clipped_at_midnight(officer, client_for, unit):
    Shift.objects.create(
        unit=unit, starts_at=local(DAY, 22), ends_at=local(DAY, 6) + timedelta(days=1)
    )
    client = client_for(officer)

    first = board(client, date="2026-11-23").context["board"]
    second = board(client, date="2026-11-24").context["board"]

    (evening,) = first.rows[0].bars
    (dawn,) = second.rows[0].bars
    assert (evening.left, evening.width) == (pytest.approx(91.667), pytest.approx(8.333))
    assert evening.clipped_end
    assert not evening.clipped_start
    assert (dawn.left, dawn.width) == (0.0, 25.0)
    assert dawn.clipped_start


def test_the_day_of_the_clock_change_has_25_hours(officer, client_for, unit):
    change = date(2026, 10, 25)  # clocks go back at 04:00 local
    Shift.objects.create(
        unit=unit,
        starts_at=local(change, 12),
        ends_at=local(change, 0) + timedelta(hours=25),
    )

    bar = board(client_for(officer), date="2026-10-25").context["board"].rows[0].bars[0]

    assert bar.left + bar.width == 100.0
    assert bar.left == pytest.approx(100 * 13 / 25)


def test_the_now_line_is_drawn_on_today_only(officer, client_for, unit):
    client = client_for(officer)

    today = board(client, view="day")
    other_day = board(client, date=(timezone.localdate() - timedelta(days=3)).isoformat())

    assert today.context["board"].now_left is not None
    assert 'class="board__now"' in today.content.decode()
    assert other_day.context["board"].now_left is None
    assert 'class="board__now"' not in other_day.content.decode()


def test_positions_are_written_with_a_dot_in_lithuanian_too(officer, client_for, unit, morning):
    client = client_for(officer)
    client.cookies["django_language"] = "lt"

    html = board(client, date="2026-11-23").content.decode()

    assert 'data-css-left="25.0%"' in html
    assert 'data-css-width="25.0%"' in html
    assert "25,0%" not in html


def test_navigation_links_go_a_day_or_a_week_at_a_time(officer, client_for, unit):
    client = client_for(officer)

    day = board(client, view="day", date="2026-11-23").context["urls"]
    week = board(client, view="week", date="2026-11-25").context["urls"]

    assert day["previous"].endswith("view=day&date=2026-11-22")
    assert day["next"].endswith("view=day&date=2026-11-24")
    assert day["week"].endswith("view=week&date=2026-11-23")
    assert week["previous"].endswith("view=week&date=2026-11-16")
    assert week["next"].endswith("view=week&date=2026-11-30")
    assert week["today"].endswith(f"view=week&date={timezone.localdate().isoformat()}")


def test_a_bad_date_falls_back_to_today_with_a_message(officer, client_for, unit):
    response = board(client_for(officer), view="day", date="2026-13-45")

    assert response.status_code == 200
    assert response.context["board"].day == timezone.localdate()
    assert response.context["form"].errors["date"]


# --- The week board --------------------------------------------------------------------


def test_the_week_board_puts_shifts_under_their_days(analyst, client_for, unit, unit_two, morning):
    Shift.objects.create(
        unit=unit_two,
        starts_at=local(DAY, 20) + timedelta(days=3),
        ends_at=local(DAY, 4) + timedelta(days=4),
    )

    response = board(client_for(analyst), view="week", date="2026-11-26")

    week = response.context["board"]
    assert week.day == DAY  # the Monday
    assert [c.day for c in week.columns] == [DAY + timedelta(days=n) for n in range(7)]
    rows = {row.unit.call_sign: row for row in week.rows}
    assert [len(cell.shifts) for cell in rows["MU-A1"].days] == [1, 0, 0, 0, 0, 0, 0]
    # Thursday 20:00 to Friday 04:00: under Thursday, where it starts.
    assert [len(cell.shifts) for cell in rows["MU-B1"].days] == [0, 0, 0, 1, 0, 0, 0]
    html = response.content.decode()
    assert 'data-day="2026-11-23"' in html
    assert "06:00\N{EN DASH}12:00" in html


def test_the_board_filters_units_by_call_sign_and_zone(
    analyst, client_for, unit, unit_two, morning, zone
):
    client = client_for(analyst)

    by_name = board(client, unit="b1").context["board"]
    by_zone = board(client, zone=zone.pk).context["board"]

    assert [row.unit.call_sign for row in by_name.rows] == ["MU-B1"]
    assert [row.unit.call_sign for row in by_zone.rows] == ["MU-A1"]


def test_a_shift_from_the_week_before_is_listed_on_monday(officer, client_for, unit):
    sunday_night = Shift.objects.create(
        unit=unit, starts_at=local(DAY, 22) - timedelta(days=1), ends_at=local(DAY, 6)
    )

    week = board(client_for(officer), view="week", date="2026-11-23").context["board"]

    assert week.rows[0].days[0].shifts == [sunday_night]
    assert dict(week.agenda)[DAY] == [sunday_night]


def test_the_phone_list_has_the_same_shifts(officer, client_for, unit, morning):
    response = board(client_for(officer), view="week", date="2026-11-23")

    agenda = dict(response.context["board"].agenda)
    assert agenda[DAY] == [morning]
    assert agenda[DAY + timedelta(days=1)] == []
    assert 'class="agenda"' in response.content.decode()


def test_the_board_costs_the_same_queries_for_few_or_many_shifts(
    analyst, client_for, unit, unit_two, zone
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(analyst)
    board(client, view="week", date="2026-11-23")
    with CaptureQueriesContext(connection) as empty:
        board(client, view="week", date="2026-11-23")
    for n in range(7):
        for planned in (unit, unit_two):
            Shift.objects.create(
                unit=planned,
                starts_at=local(DAY + timedelta(days=n), 8),
                ends_at=local(DAY + timedelta(days=n), 16),
                zone=zone,
            )

    with CaptureQueriesContext(connection) as full:
        response = board(client, view="week", date="2026-11-23")

    assert response.content.decode().count('class="shift-chip"') == 14
    assert len(full) == len(empty)


def test_only_dispatchers_see_the_planning_links(officer, dispatcher, client_for, unit, morning):
    officer_html = board(client_for(officer), date="2026-11-23").content.decode()
    dispatcher_html = board(client_for(dispatcher), date="2026-11-23").content.decode()

    edit = reverse("dispatch:shift-edit", kwargs={"pk": morning.pk})
    assert edit not in officer_html
    assert reverse("dispatch:shift-create") not in officer_html
    assert edit in dispatcher_html
    assert reverse("dispatch:shift-create") in dispatcher_html


def test_an_officer_sees_only_the_shifts_of_their_own_unit(
    officer, analyst, client_for, unit, unit_two, zone, morning
):
    theirs = Shift.objects.create(
        unit=unit_two, starts_at=local(DAY, 8), ends_at=local(DAY, 16), zone=zone, note="B road"
    )

    for view in ("day", "week"):
        response = board(client_for(officer), view=view, date="2026-11-23")
        shown = response.context["board"]
        assert [row.unit for row in shown.rows] == [unit]
        assert shown.shifts == [morning]
        assert "MU-B1" not in response.content.decode()
    searched = board(client_for(officer), unit="b1").context["board"]
    everyone = board(client_for(analyst), date="2026-11-23").context["board"]

    assert searched.rows == []
    assert everyone.shifts == [morning, theirs]


def test_the_shift_accessor_keeps_other_units_shifts_from_an_officer(
    officer, dispatcher, unit, unit_two
):
    from django.http import Http404

    from dispatch.selectors.planning import shift_get_for_user

    mine = Shift.objects.create(unit=unit, starts_at=local(DAY, 8), ends_at=local(DAY, 16))
    theirs = Shift.objects.create(unit=unit_two, starts_at=local(DAY, 8), ends_at=local(DAY, 16))

    assert shift_get_for_user(user=officer, pk=mine.pk) == mine
    assert shift_get_for_user(user=dispatcher, pk=theirs.pk) == theirs
    with pytest.raises(Http404):
        shift_get_for_user(user=officer, pk=theirs.pk)


@pytest.mark.parametrize(
    "query",
    [
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"view": "week", "date": "9999-12-30"},
        {"view": "week", "date": "0001-01-01"},
    ],
)
def test_a_date_outside_the_supported_years_falls_back_to_today(analyst, client_for, unit, query):
    response = board(client_for(analyst), **query)

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Give a date between the years 2000 and 2100."
    ]
    today = timezone.localdate()
    assert response.context["board"].start <= local(today, 12) < response.context["board"].end


def test_a_shift_in_year_9999_is_refused_with_a_message(dispatcher, client_for, unit):
    response = client_for(dispatcher).post(
        reverse("dispatch:shift-create"),
        shift_form(unit, start="9999-12-31T08:00", end="9999-12-31T16:00"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["starts_at"] == ["Give a date between the years 2000 and 2100."]
    assert not Shift.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_prefilled_day_outside_reason_leaves_the_times_empty(dispatcher, client_for, day):
    response = client_for(dispatcher).get(reverse("dispatch:shift-create"), {"date": day})

    assert response.status_code == 200
    assert "starts_at" not in response.context["form"].initial


def test_a_shift_note_over_300_characters_is_refused_not_a_database_error(dispatcher, unit):
    data = ShiftInput(unit=unit, starts_at=local(DAY, 8), ends_at=local(DAY, 16), note="x" * 301)

    with pytest.raises(ValidationError) as refused:
        shift_create(actor=dispatcher, data=data)

    assert refused.value.message_dict == {"note": ["At most 300 characters; this text has 301."]}
    assert not Shift.objects.exists()


def test_a_day_is_headed_in_lithuanian_word_order_and_case(officer, client_for, unit):
    """Not "Pirmadienis, 23 lapkritis 2026" (a nominative month after the day): the
    Lithuanian form is "Pirmadienis, 2026 m. lapkričio 23 d."."""
    client = client_for(officer)
    client.cookies["django_language"] = "lt"

    page = board(client, view="day", date="2026-11-23").content.decode()

    assert "Pirmadienis, 2026 m. lapkričio 23 d." in page
    assert "23 lapkritis" not in page
