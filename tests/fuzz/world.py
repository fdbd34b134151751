"""A small, complete world to fuzz: the demo organisation, one account per role (with
their second factor where the role needs one), the demo dispatch picture (units, zones,
shifts, positions, tasks, a notice) and a few violations with goods, an entity and a
photo, so that the ids the API is asked about exist. Built through the services, as
`make run` builds its demo."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Violation, ViolationCategory
from cases.services.evidence import evidence_add
from cases.services.goods import GoodsInput, goods_line_add
from cases.services.violations import ViolationInput, violation_create, violation_submit
from dispatch.models import MobileUnit
from dispatch.services.demo import dispatch_demo_seed
from dispatch.services.positions import device_register
from portal.models import User
from portal.services.accounts import api_token_issue
from portal.services.demo import demo_seed

ROLES = ("officer", "dispatcher", "analyst", "administrator", "anonymous")
# The demo account of each role (the administrator's is called "admin").
ACCOUNT_OF_ROLE = {
    "officer": "officer",
    "dispatcher": "dispatcher",
    "analyst": "analyst",
    "administrator": "admin",
}


@dataclass(frozen=True)
class FuzzWorld:
    # Authorization header values by role (none for the anonymous caller).
    authorization: dict[str, str]
    # The header of the officer's unit's device, for the device API.
    device_authorization: str


def _photo() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buffer, format="JPEG")
    return SimpleUploadedFile("seized.jpg", buffer.getvalue(), content_type="image/jpeg")


MEDININKAI = Point(25.6536, 54.5395, srid=4326)
# Inland, over 30 km from any crossing point: the violation has none.
PANEVEZYS = Point(24.3575, 55.7348, srid=4326)


def _violation(officer: User, *, hours_ago: int, place: str, at: Point = MEDININKAI) -> Violation:
    violation, _created = violation_create(
        actor=officer,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(hours=hours_ago),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=at,
            location_accuracy_m=8,
            location_source="gps",
            place_description=place,
            narrative="Cigarettes behind the panels of a lorry.",
            details={
                "transport_mode": "road",
                "detection_method": "xray",
                "product_type": "cigarettes",
                "brand": "Minsk",
                "excise_stamps": "foreign",
            },
        ),
    )
    goods_line_add(
        actor=officer,
        violation=violation,
        data=GoodsInput(
            hs_code="240220",
            description="Cigarettes, Minsk",
            quantity=Decimal(2000),
            quantity_unit="pcs",
            value_eur=Decimal("450.00"),
        ),
    )
    return violation


def _finished_job(owner: User) -> None:
    """A finished job of ``owner`` with a log line and a result file (the jobs' API)."""
    from django.utils import timezone

    from portal.models import Job, JobStatus
    from portal.services.jobs import job_log, job_result_add

    now = timezone.now()
    job = Job.objects.create(
        kind="portal.audit_verify",
        owner=owner,
        status=JobStatus.SUCCEEDED,
        progress_percent=100,
        started_at=now,
        finished_at=now,
    )
    job_log(job_id=job.pk, message="The audit chain is intact.")
    job_result_add(job_id=job.pk, name="report.txt", content=b"intact\n", content_type="text/plain")


def fuzz_world_seed() -> FuzzWorld:
    demo_seed(password="fuzz-Password-not-used-42")
    dispatch_demo_seed()
    users = {role: User.objects.get(username=name) for role, name in ACCOUNT_OF_ROLE.items()}
    officer = users["officer"]
    draft = _violation(officer, hours_ago=2, place="Medininkai, lorry lane 3")
    evidence_add(actor=officer, violation=draft, upload=_photo(), description="The panels")
    submitted = _violation(officer, hours_ago=5, place="Medininkai, bus lane")
    violation_submit(actor=officer, violation=submitted)
    _violation(officer, hours_ago=8, place="Panevėžys, a shop cellar", at=PANEVEZYS)
    unit = MobileUnit.objects.filter(org_unit=officer.org_unit).first()
    assert unit is not None, "the demo gives the officer's unit a mobile unit"
    _device, device_token = device_register(actor=None, unit=unit, name="fuzz tablet")
    for user in users.values():
        _finished_job(user)
    authorization = {
        role: f"Token {api_token_issue(user=user, client='fuzz')[1]}"
        for role, user in users.items()
    }
    return FuzzWorld(authorization=authorization, device_authorization=f"Device {device_token}")
