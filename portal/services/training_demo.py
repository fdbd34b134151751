"""Demo training records for `make run`: five courses, past and coming sessions, a few
dozen generated officers, analysts and dispatchers in the demo units, with attendance,
passes, failures and certificates, some expiring within 60, 30 and 7 days, one revoked,
so that the training reports are worth looking at.

Runs after seed_demo (it needs the demo accounts and units). Dates are relative to the
day of the first run; a course that already has sessions is left as it is, so running
the seed again changes nothing, except that a demo account whose gating certificate ran
out since (weeks later) is given a refresher (_keep_demo_accounts_qualified).

The gate: a course that qualifies for a role makes the role depend on a valid
certificate. Every demo account of such a role gets a valid one, far from expiry, with
one documented exception: the demo officer's certificate expires 25 days after the
first run, so that the officer's dashboard shows the expiry warning (the officer keeps
the role until then; the next `make run` after it renews it).
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentResult,
    EnrolmentStatus,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.roles import Role
from portal.services.certificates import add_months, certificate_code_new

# The demo officer's documented warning case (see the module's docstring).
OFFICER_EXPIRES_IN_DAYS = 25


@dataclass(frozen=True)
class DemoCourse:
    code: str
    title: str
    description: str
    validity_months: int
    qualifies_role: str = ""
    qualifies_area: str = ""


COURSES = [
    DemoCourse(
        "customs-mobile-ops",
        "Customs mobile unit operations",
        "Stopping and inspecting vehicles, logging a violation on the phone, tasks from "
        "the dispatch console, evidence handling.",
        24,
        qualifies_role=Role.OFFICER,
    ),
    DemoCourse(
        "investigation-analysis",
        "Investigation analysis with the portal",
        "Cases, entities and relations, the link chart and timeline, imports and "
        "sanctions screening.",
        24,
        qualifies_role=Role.ANALYST,
    ),
    DemoCourse(
        "portal-admin",
        "Portal administration",
        "Users, roles and units, two-factor resets, training records, the audit trail.",
        36,
        qualifies_area="users",
    ),
    DemoCourse(
        "dispatch-console",
        "Dispatch console",
        "Shifts and patrol zones, notices and tasks, the live map, the nearest free unit.",
        24,
        qualifies_role=Role.DISPATCHER,
    ),
    DemoCourse(
        "data-protection",
        "Data protection and need-to-know",
        "The Law Enforcement Directive, restricted cases, what the audit trail records.",
        12,
    ),
]

# Generated people: (given names, surnames) paired by a seeded draw, so every run makes
# the same people. Female surnames in their own form.
MALE_NAMES = [
    "Mantas",
    "Darius",
    "Andrius",
    "Vytautas",
    "Paulius",
    "Lukas",
    "Marius",
    "Giedrius",
    "Karolis",
    "Edvinas",
    "Rokas",
    "Saulius",
]
MALE_SURNAMES = [
    "Kazlauskas",
    "Stankevičius",
    "Vasiliauskas",
    "Žukauskas",
    "Butkus",
    "Paulauskas",
    "Urbonas",
    "Kavaliauskas",
    "Navickas",
    "Ramanauskas",
    "Balčiūnas",
    "Savickas",
]
FEMALE_NAMES = [
    "Laura",
    "Ieva",
    "Greta",
    "Eglė",
    "Agnė",
    "Kristina",
    "Rasa",
    "Indrė",
    "Gintarė",
    "Justina",
]
FEMALE_SURNAMES = [
    "Kazlauskienė",
    "Petrauskaitė",
    "Jankauskienė",
    "Žukauskaitė",
    "Butkienė",
    "Urbonaitė",
    "Navickienė",
    "Šimkutė",
    "Mockienė",
    "Adomaitytė",
]

# unit code: (role, how many generated people)
GENERATED = {
    "mobile-vilnius": (Role.OFFICER, 9),
    "mobile-medininkai": (Role.OFFICER, 9),
    "mobile-klaipeda": (Role.OFFICER, 8),
    "post-medininkai": (Role.OFFICER, 6),
    "analysis": (Role.ANALYST, 5),
    "operations": (Role.DISPATCHER, 4),
}

PLACES = {
    "customs-mobile-ops": "Medininkai training ground",
    "investigation-analysis": "Vilnius HQ, room 214",
    "portal-admin": "Vilnius HQ, room 101",
    "dispatch-console": "Operations Centre, Vilnius",
    "data-protection": "Online (video conference)",
}
TRAINERS = {
    "customs-mobile-ops": "Arūnas Mačiulis",
    "investigation-analysis": "Dovilė Grigaitė",
    "portal-admin": "Aistė Vasiliauskienė",
    "dispatch-console": "Rūta Kazlauskienė",
    "data-protection": "Neringa Bielskienė",
}

# Past sessions of each course, by the day their certificates expire counted from the
# first run (negative: already expired): that is what makes some expire within 7, 30
# and 60 days. Then the coming sessions, by their first day from the first run.
PAST_SESSIONS = {
    "customs-mobile-ops": [-40, 5, 25, 52, 210, 480],
    "investigation-analysis": [18, 300, 560],
    "portal-admin": [700],
    "dispatch-console": [44, 400],
    "data-protection": [-20, 3, 28, 150, 320],
}
COMING_SESSIONS = {
    "customs-mobile-ops": [2, 21, 45],
    "investigation-analysis": [12],
    "portal-admin": [60],
    "dispatch-console": [30],
    "data-protection": [2, 35],
}
SESSION_DAYS = {"customs-mobile-ops": 3, "investigation-analysis": 2, "dispatch-console": 2}

# The demo accounts' own certificates: (username, course code, expires in days).
DEMO_CERTIFICATES = [
    ("officer", "customs-mobile-ops", OFFICER_EXPIRES_IN_DAYS),
    ("officer", "data-protection", 320),
    ("analyst", "investigation-analysis", 560),
    ("analyst", "data-protection", 320),
    ("dispatcher", "dispatch-console", 400),
    ("dispatcher", "data-protection", 320),
    ("admin", "portal-admin", 700),
    ("admin", "data-protection", 320),
]


def _generated_people(rng: random.Random, units: dict[str, OrgUnit]) -> dict[str, list[User]]:
    """The generated people of each unit (created when missing, found by username)."""
    groups = {group.name: group for group in Group.objects.all()}
    people: dict[str, list[User]] = {}
    used: set[tuple[str, str]] = set()
    for unit_code, (role, count) in GENERATED.items():
        people[unit_code] = []
        for index in range(count):
            female = rng.random() < 0.4
            while True:
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                last = rng.choice(FEMALE_SURNAMES if female else MALE_SURNAMES)
                if (first, last) not in used:
                    used.add((first, last))
                    break
            username = f"demo-{unit_code}-{index + 1:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                # Demo people never sign in: no usable password, no audit of their making
                # (like the demo's organisation tree).
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@customs.example",
                    org_unit=units[unit_code],
                )
                user.set_unusable_password()
                user.save()
                if role.value in groups:
                    user.groups.add(groups[role.value])
            people[unit_code].append(user)
    return people


def _course(spec: DemoCourse) -> Course:
    course, _created = Course.objects.get_or_create(
        code=spec.code,
        defaults={
            "title": spec.title,
            "description": spec.description,
            "validity_months": spec.validity_months,
            "qualifies_role": spec.qualifies_role,
            "qualifies_area": spec.qualifies_area,
        },
    )
    return course


def _audience(course_code: str, people: dict[str, list[User]]) -> list[User]:
    """Who takes a course: officers the mobile-unit course, analysts the analysis one,
    dispatchers the console; everyone data protection; the heads portal administration."""
    by_unit = {
        "customs-mobile-ops": [
            "mobile-vilnius",
            "mobile-medininkai",
            "mobile-klaipeda",
            "post-medininkai",
        ],
        "investigation-analysis": ["analysis"],
        "dispatch-console": ["operations"],
        "portal-admin": ["analysis", "operations"],
    }.get(course_code, list(GENERATED))
    audience = [person for code in by_unit for person in people[code]]
    if course_code == "portal-admin":
        return audience[:2]
    return audience


def _past_session(
    *, course: Course, expires_on: datetime.date, index: int, capacity: int
) -> TrainingSession:
    ends_on = add_months(expires_on, -course.validity_months)
    days = SESSION_DAYS.get(course.code, 1)
    return TrainingSession.objects.create(
        course=course,
        starts_on=ends_on - datetime.timedelta(days=days - 1),
        ends_on=ends_on,
        trainer=TRAINERS[course.code],
        place=PLACES[course.code],
        capacity=capacity,
        notes="" if index else "First session of the course.",
    )


def _certify(enrolment: Enrolment, course: Course, *, revoked_by: User | None = None) -> None:
    issued_on = enrolment.session.ends_on
    Certificate.objects.create(
        enrolment=enrolment,
        person=enrolment.person,
        course=course,
        code=certificate_code_new(),
        issued_on=issued_on,
        expires_on=add_months(issued_on, course.validity_months),
        revoked_at=timezone.now() if revoked_by else None,
        revoked_by=revoked_by,
        revoke_reason="Issued on the wrong session: to be taken again." if revoked_by else "",
    )


def _enrol(
    session: TrainingSession, person: User, admin: User, *, status: str = EnrolmentStatus.ENROLLED
) -> Enrolment:
    return Enrolment.objects.create(
        session=session, person=person, enrolled_by=admin, status=status
    )


def _record(enrolment: Enrolment, *, attended: bool, passed: bool | None, score: int) -> None:
    enrolment.attended = attended
    if attended and passed is not None:
        enrolment.result = EnrolmentResult.PASSED if passed else EnrolmentResult.FAILED
        enrolment.score = score
        enrolment.result_recorded_at = timezone.now()
    enrolment.save(update_fields=["attended", "result", "score", "result_recorded_at"])


@transaction.atomic
def training_demo_seed(*, today: datetime.date | None = None) -> list[str]:
    """Create the demo's training records where missing; returns lines to print."""
    today = today or timezone.localdate()
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    accounts = {
        user.username: user
        for user in User.objects.filter(username__in=["officer", "analyst", "dispatcher", "admin"])
    }
    if len(accounts) < 4 or not set(GENERATED) <= set(units):
        return ["Run seed_demo first: the demo accounts or units are missing."]
    admin = accounts["admin"]
    # The same people and results on every fresh database (not a secret: S311 is moot).
    rng = random.Random(13)  # noqa: S311
    people = _generated_people(rng, units)
    lines = []
    revoked_one = Certificate.objects.filter(revoked_at__isnull=False).exists()
    for spec in COURSES:
        course = _course(spec)
        if course.sessions.exists():
            lines.append(f"  {course.code:<24} (exists)")
            continue
        audience = _audience(course.code, people)
        demo_holders: dict[int, list[User]] = {}
        for username, code, expires in DEMO_CERTIFICATES:
            if code == course.code:
                demo_holders.setdefault(expires, []).append(accounts[username])
        past = PAST_SESSIONS[course.code]
        # Each generated person takes one past session (some none: not yet trained).
        per_session = max(1, len(audience) // (len(past) + 1))
        for index, expires_in in enumerate(past):
            expires_on = today + datetime.timedelta(days=expires_in)
            group = audience[index * per_session : (index + 1) * per_session]
            session = _past_session(
                course=course,
                expires_on=expires_on,
                index=index,
                capacity=max(12, len(group) + 4),
            )
            for position, person in enumerate(group):
                enrolment = _enrol(session, person, admin)
                draw = rng.random()
                if draw < 0.1:  # did not come
                    _record(enrolment, attended=False, passed=None, score=0)
                elif draw < 0.22:  # came and failed
                    _record(enrolment, attended=True, passed=False, score=rng.randint(35, 59))
                else:
                    _record(enrolment, attended=True, passed=True, score=rng.randint(62, 98))
                    revoke = not revoked_one and expires_in > 60 and position == 0
                    _certify(enrolment, course, revoked_by=admin if revoke else None)
                    revoked_one = revoked_one or revoke
            # A demo account takes the session whose certificates expire when its own must.
            for holder in demo_holders.get(expires_in, []):
                enrolment = _enrol(session, holder, admin)
                _record(enrolment, attended=True, passed=True, score=rng.randint(80, 97))
                _certify(enrolment, course)
        untrained = audience[len(past) * per_session :]
        for offset in COMING_SESSIONS[course.code]:
            starts_on = today + datetime.timedelta(days=offset)
            days = SESSION_DAYS.get(course.code, 1)
            session = TrainingSession.objects.create(
                course=course,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=days - 1),
                trainer=TRAINERS[course.code],
                place=PLACES[course.code],
                capacity=10 if offset > 5 else 4,
            )
            # The first coming session takes the untrained (its waiting list the rest).
            if offset == COMING_SESSIONS[course.code][0]:
                for position, person in enumerate(untrained):
                    status = EnrolmentStatus.ENROLLED if position < 4 else EnrolmentStatus.WAITING
                    _enrol(session, person, admin, status=status)
        lines.append(f"  {course.code:<24} (created)")
    lines.extend(_keep_demo_accounts_qualified(accounts=accounts, admin=admin, today=today))
    return lines


def _keep_demo_accounts_qualified(
    *, accounts: dict[str, User], admin: User, today: datetime.date
) -> list[str]:
    """A demo database lives on: when a demo account's certificate of a course gating its
    role has run out since the first run (the officer's, 25 days after), the account is
    given a refresher session that ended yesterday and its new certificate, so that no
    demo account is ever locked out of its role. Nothing to do on a fresh database."""
    lines = []
    yesterday = today - datetime.timedelta(days=1)
    for course in Course.objects.exclude(qualifies_role="").order_by("code"):
        for person in accounts.values():
            if not person.groups.filter(name=course.qualifies_role).exists():
                continue
            if Certificate.objects.filter(
                person=person,
                course=course,
                revoked_at__isnull=True,
                issued_on__lte=today,
                expires_on__gte=today,
            ).exists():
                continue
            session = TrainingSession.objects.create(
                course=course,
                starts_on=yesterday,
                ends_on=yesterday,
                trainer=TRAINERS.get(course.code, "Demo trainer"),
                place=PLACES.get(course.code, "Vilnius HQ"),
                capacity=4,
                notes="Refresher for a demo account whose certificate ran out.",
            )
            enrolment = _enrol(session, person, admin)
            _record(enrolment, attended=True, passed=True, score=90)
            _certify(enrolment, course)
            lines.append(f"  {person.username:<24} (refresher certificate of {course.code})")
    return lines
