"""Words that mean different things in different places are translated apart: "Unit" on
the dispatch pages is a mobile unit (not an organisational one), an alert is
acknowledged with a word of its own, the zone's name is not a person's. Each test adds
the Lithuanian it needs under the word's context (the real catalogue is filled in
centrally) and reads the page in Lithuanian."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Field, Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    PositionReport,
    Shift,
    Task,
    TaskEvent,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.tasks import TaskInput, task_create, task_transition
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

CONTEXT = "\x04"  # how gettext keys a word under its context


@pytest.fixture
def lithuanian() -> Iterator[dict[str, str]]:
    """A dict of extra Lithuanian translations, looked up before the real catalogue;
    key a word under a context as "context\\x04word"."""
    with translation.override("lt"):
        catalog = trans_real.translation("lt")._catalog  # type: ignore[attr-defined]  # Django's own
    extra: dict[str, str] = {}
    catalog._catalogs.insert(0, extra)
    catalog._plurals.insert(0, catalog._plurals[0])
    yield extra
    # A request in Lithuanian leaves the language active on this thread.
    translation.activate("en")
    index = next(n for n, cat in enumerate(catalog._catalogs) if cat is extra)
    del catalog._catalogs[index]
    del catalog._plurals[index]


def in_lithuanian(client):
    client.cookies["django_language"] = "lt"
    return client


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MU-A1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.65, 54.54, srid=4326),
    )


@pytest.fixture
def zone():
    return PatrolZone.objects.create(
        name="Medininkai",
        area=Polygon(
            ((25.6, 54.5), (25.7, 54.5), (25.7, 54.6), (25.6, 54.6), (25.6, 54.5)), srid=4326
        ),
    )


def test_unit_on_the_shift_board_and_forms_is_a_mobile_unit(
    lithuanian, analyst, dispatcher, client_for, unit
):
    lithuanian.update(
        {f"mobile unit{CONTEXT}Unit": "Ekipažas", f"board view{CONTEXT}View": "Rodinys"}
    )

    board = in_lithuanian(client_for(analyst)).get(reverse("dispatch:shift-list")).content.decode()
    form = in_lithuanian(client_for(dispatcher)).get(reverse("dispatch:shift-create"))

    assert '<span class="board__head-label">Ekipažas</span>' in board
    assert 'aria-label="Rodinys"' in board
    assert "Padalinys" not in board  # the organisational unit's word
    assert form.context["form"].fields["unit"].label == "Ekipažas"


def test_the_alert_list_names_its_columns_and_button_apart_from_tasks(
    lithuanian, dispatcher, client_for, unit, zone
):
    lithuanian.update(
        {
            f"mobile unit{CONTEXT}Unit": "Ekipažas",
            f"alert{CONTEXT}Acknowledge": "Pažymėti matytu",
            f"alert{CONTEXT}Acknowledged": "Pažymėjo",
            "Returned": "Grįžo",
        }
    )
    left = timezone.now() - timedelta(hours=1)
    shift = Shift.objects.create(unit=unit, starts_at=left, ends_at=left + timedelta(hours=8))
    GeofenceAlert.objects.create(
        unit=unit,
        shift=shift,
        zone=zone,
        left_at=left,
        position=Point(25.75, 54.55, srid=4326),
        distance_m=900,
    )

    html = in_lithuanian(client_for(dispatcher)).get(reverse("dispatch:alert-list"))
    page = html.content.decode()

    for header in ("Ekipažas", "Pažymėjo", "Grįžo"):
        assert f'<th scope="col">{header}</th>' in page, header
    assert "Pažymėti matytu" in page
    assert ">Atgal<" not in page  # "Back" as in "go back"


def test_the_zone_form_names_the_zone_not_a_person(lithuanian, dispatcher, client_for):
    lithuanian.update(
        {f"zone name{CONTEXT}Name": "Pavadinimas", f"patrol zone{CONTEXT}Active": "Naudojama"}
    )

    form = in_lithuanian(client_for(dispatcher)).get(reverse("dispatch:zone-create"))

    assert form.context["form"].fields["name"].label == "Pavadinimas"
    assert form.context["form"].fields["active"].label == "Naudojama"
    assert "Vardas ir pavardė" not in form.content.decode()


def test_the_replay_page_has_a_search_button_and_mobile_units(
    lithuanian, analyst, client_for, unit
):
    lithuanian.update(
        {f"button{CONTEXT}Search": "Ieškoti", f"mobile unit{CONTEXT}Units": "Ekipažai"}
    )

    response = in_lithuanian(client_for(analyst)).get(reverse("dispatch:track-replay"))

    assert '<button type="submit" class="btn">Ieškoti</button>' in response.content.decode()
    assert response.context["selection"].fields["unit"].label == "Ekipažai"


def test_the_officers_card_and_the_live_map_use_the_words_of_their_place(
    lithuanian, officer, dispatcher, client_for, unit
):
    lithuanian.update(
        {
            f"task place{CONTEXT}Place": "Vieta",
            f"mobile unit{CONTEXT}Unit": "Ekipažas",
            f"mobile unit{CONTEXT}Units": "Ekipažai",
            f"alert{CONTEXT}Acknowledge": "Pažymėti matytu",
        }
    )
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Check", location=Point(25.65, 54.54, srid=4326)),
    )
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)

    card = in_lithuanian(client_for(officer)).get(reverse("dispatch:my-tasks")).content.decode()
    live = in_lithuanian(client_for(dispatcher)).get(reverse("dispatch:live-map"))
    config = live.context["live_config"]

    assert "<dt>Vieta</dt>" in card
    assert config["text"]["place"] == "Vieta"
    assert config["text"]["unit"] == "Ekipažas"
    assert config["layers"]["units"] == "Ekipažai"
    assert config["text"]["acknowledge"] == "Pažymėti matytu"


def test_the_track_files_are_named_in_the_exporters_language(lithuanian, analyst, client_for, unit):
    lithuanian["%(units)s: %(start)s to %(end)s"] = "%(units)s: nuo %(start)s iki %(end)s"
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    PositionReport.objects.create(
        unit=unit,
        device_time=start + timedelta(minutes=5),
        received_at=start + timedelta(minutes=5),
        point=Point(25.65, 54.54, srid=4326),
        source="device",
    )

    response = in_lithuanian(client_for(analyst)).get(
        reverse("dispatch:track-export", kwargs={"file_format": "gpx"}),
        {"unit": unit.pk, "start": "2026-01-05T10:00", "end": "2026-01-05T11:00"},
    )

    gpx = b"".join(response.streaming_content).decode()
    assert "<name>MU-A1: nuo 2026-01-05 10:00 iki 2026-01-05 11:00</name>" in gpx


def test_a_refused_move_names_the_statuses_as_people_read_them(dispatcher, unit):
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title="Patrol", location=Point(25.65, 54.54, srid=4326)),
    )
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)

    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        task_transition(actor=dispatcher, task=task, target=TaskStatus.ON_SCENE)

    assert refused.value.message_dict["status"] == ["A task cannot go from Assigned to On scene."]


def _verbose_name(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.verbose_name)


@translation.override("en")
def test_task_times_and_history_have_names_of_their_own():
    names = {
        field: _verbose_name(Task, field)
        for field in ("assigned_at", "acknowledged_at", "en_route_at", "on_scene_at", "closed_at")
    }
    event_names = {
        field: _verbose_name(TaskEvent, field)
        for field in ("from_status", "to_status", "at", "by", "note")
    }

    assert names == {
        "assigned_at": "assigned at",
        "acknowledged_at": "acknowledged at",
        "en_route_at": "en route at",
        "on_scene_at": "on scene at",
        "closed_at": "closed at",
    }
    assert [event_names[f] for f in ("from_status", "to_status", "at", "by", "note")] == [
        "from status",
        "to status",
        "when",
        "by",
        "note",
    ]
    assert str(TaskEvent._meta.verbose_name) == "task event"


def test_a_too_long_description_is_refused_in_lithuanian(dispatcher):
    from django.core.exceptions import ValidationError

    data = TaskInput(kind="patrol", title="Patrol", description="x" * 4001)

    with translation.override("lt"), pytest.raises(ValidationError) as refused:
        task_create(actor=dispatcher, data=data)

    assert refused.value.message_dict["description"] == [
        "Ne daugiau kaip 4000 simbolių; šiame tekste jų yra 4001."
    ]


@pytest.mark.parametrize(("open_alerts", "label"), [(1, "aktyvus dabar"), (2, "aktyvūs dabar")])
def test_the_open_alert_count_agrees_with_its_number_in_lithuanian(
    dispatcher, client_for, unit, zone, open_alerts, label
):
    left = timezone.now() - timedelta(hours=1)
    units = [unit] + [
        MobileUnit.objects.create(org_unit=OrgUnitFactory.create(), call_sign=f"MU-{n}")
        for n in range(1, open_alerts)
    ]
    for each in units:  # one open alert per unit on shift
        shift = Shift.objects.create(unit=each, starts_at=left, ends_at=left + timedelta(hours=8))
        GeofenceAlert.objects.create(
            unit=each,
            shift=shift,
            zone=zone,
            left_at=left,
            position=Point(25.75, 54.55, srid=4326),
            distance_m=900,
        )

    page = in_lithuanian(client_for(dispatcher)).get(reverse("dispatch:alert-list"))
    stat = page.content.decode().split('class="stat__label">', 1)[1].split("</span>", 1)[0]

    assert stat.strip() == label
