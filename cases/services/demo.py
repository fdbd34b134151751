"""Demo data for `make run`: two investigation cases of the demo analysts, one of them
restricted (led by a second analyst, so that the demo analyst meets the "a match exists
in a restricted case" message), with team, notes, linked violations and entities.
Safe to run again: an existing demo case is left as it is."""

from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseTemplate, ViolationCategory
from cases.services.case_content import case_event_add, case_note_add
from cases.services.entities import entity_resolve
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_member_add,
    case_violation_link,
)
from cases.services.violations import ViolationInput, violation_create
from portal.models import User
from portal.roles import Role
from portal.services.accounts import user_create

OPEN_TITLE = "Minsk cigarettes in refrigerated trailers"
RESTRICTED_TITLE = "Cash couriers on the Vilnius-Warsaw coach"


def _second_analyst(unit_of: User) -> User:
    existing = User.objects.filter(username="analyst2").first()
    if existing is not None:
        return existing
    return user_create(
        actor=None,
        username="analyst2",
        password=None,  # a colleague to contact; the demo signs in as "analyst"
        roles=[Role.ANALYST],
        org_unit=unit_of.org_unit,
        first_name="Eglė",
        last_name="Petraitienė",
        email="analyst2@customs.example",
    )


@transaction.atomic
def cases_demo_seed() -> list[str]:
    analyst = User.objects.filter(username="analyst").first()
    officer = User.objects.filter(username="officer").first()
    admin = User.objects.filter(username="admin").first()
    if analyst is None or officer is None:
        return ["Run seed_demo first: the demo analyst and officer are missing."]
    if Case.objects.filter(title__endswith=OPEN_TITLE).exists():
        return ["Demo cases exist."]
    lead2 = _second_analyst(analyst)
    now = timezone.now()
    tobacco = ViolationCategory.objects.get(code="tobacco")
    violations = [
        violation_create(
            actor=officer,
            data=ViolationInput(
                occurred_at=now - timedelta(days=days),
                category=tobacco,
                location=Point(25.6536, 54.5395, srid=4326),
                location_accuracy_m=10,
                location_source="gps",
                place_description=place,
                narrative=narrative,
            ),
        )[0]
        for days, place, narrative in [
            (12, "Medininkai, lorry lane 3", "12,000 packs behind frozen fish."),
            (5, "Šalčininkai, lorry lane 1", "8,500 packs in the trailer's false floor."),
        ]
    ]
    truck, _ = entity_resolve(
        actor=analyst, kind="vehicle", values={"plate": "KLM 482", "plate_country": "LT"}
    )
    carrier, _ = entity_resolve(
        actor=analyst,
        kind="company",
        values={"name": "UAB Šaltas Kelias", "registration_code": "305123456", "country": "LT"},
    )
    driver, _ = entity_resolve(
        actor=analyst,
        kind="person",
        values={"first_name": "Andrei", "last_name": "Kovalenko"},
        properties={"birth_date": "1979-04-12", "nationality": "BY"},
    )
    courier, _ = entity_resolve(
        actor=lead2,
        kind="person",
        values={"first_name": "Piotr", "last_name": "Zielinski"},
        properties={"birth_date": "1985-09-30", "nationality": "PL"},
    )
    template = CaseTemplate.objects.filter(code="tobacco-truck").first()
    open_case = case_create(
        actor=analyst,
        data=CaseInput(
            title=OPEN_TITLE,
            summary="Two seizures of Minsk cigarettes hidden in refrigerated trailers of one "
            "carrier within a week; the same driver at the wheel both times.",
            status="active",
            priority=3,
        ),
        template=template,
    )
    case_member_add(actor=analyst, case=open_case, user=lead2, role="analyst")
    for violation in violations:
        case_violation_link(
            actor=analyst, case=open_case, violation=violation, reason="Same carrier"
        )
    for entity, reason in [
        (truck, "Tractor unit of both seizures"),
        (carrier, "Carrier on both CMRs"),
        (driver, "Driver both times"),
    ]:
        case_entity_link(actor=analyst, case=open_case, entity=entity, reason=reason)
    case_note_add(
        actor=analyst,
        case=open_case,
        body="The carrier registered the trailer three weeks before the first seizure.",
    )
    case_event_add(
        actor=analyst,
        case=open_case,
        title="Second seizure at Šalčininkai",
        starts_at=violations[1].occurred_at,
        place=Point(25.3866, 54.3095, srid=4326),
        place_description="Šalčininkai road border post",
    )
    secret = case_create(
        actor=lead2,
        data=CaseInput(
            title=RESTRICTED_TITLE,
            summary="Informant reports weekly cash runs; the carrier's director is involved.",
            status="active",
            priority=4,
            restricted=True,
        ),
        template=CaseTemplate.objects.filter(code="cash-courier").first(),
    )
    if admin is not None:
        case_member_add(actor=lead2, case=secret, user=admin, role="viewer")
    for entity, reason in [(courier, "Courier"), (carrier, "Director pays the couriers")]:
        case_entity_link(actor=lead2, case=secret, entity=entity, reason=reason)
    case_note_add(actor=lead2, case=secret, body="Informant: runs on Tuesdays, 40 to 60k EUR.")
    return [
        f"{open_case.number} {open_case.title} (lead: analyst)",
        f"{secret.number} {secret.title} (restricted, lead: analyst2)",
    ]
