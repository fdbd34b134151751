"""Reads of the auditor's page: the flags of unusual access and a person's activity per
day, both from the per-person, per-hour summary (portal/services/audit_review.py says
why), in one statement each; and the latest verification of the chain.

A flag is a rule, a person and a local day (Europe/Vilnius): reviewing it covers what
that person did that day under that rule, so a busy day is one decision, not hundreds.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import (
    AuditActivityHour,
    AuditActivityMark,
    AuditFlagReview,
    AuditFlagRule,
    Job,
    User,
)

VERIFY_JOB_KIND = "portal.audit_verify"
# The flags and the chart cover at most this many days at once (a quarter).
MAX_PERIOD_DAYS = 92
DEFAULT_PERIOD_DAYS = 14


class FlagState:
    OPEN = "open"
    REVIEWED = "reviewed"
    ALL = "all"


@dataclass
class PersonDay:
    """One person's local day, summed from the hours."""

    person_id: int
    day: date
    total: int
    dossiers_outside: int
    person_searches: int
    exports: int
    out_of_hours: int
    baseline_median: float | None
    baseline_days: int


@dataclass
class Flag:
    rule: str
    person_id: int
    username: str
    day: date
    count: int
    explanation: str
    review: AuditFlagReview | None = None
    trail_filters: dict[str, str] = field(default_factory=dict)

    @property
    def rule_label(self) -> str:
        return str(AuditFlagRule(self.rule).label)


def _require_auditor(user: User) -> None:
    if not user.has_perm("portal.view_auditrecord"):
        raise PermissionDenied


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_default_timezone())


def _working_hours_text() -> str:
    start, end = settings.AUDIT_WORKING_HOURS
    days = settings.AUDIT_WORKING_DAYS
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    if len(days) > 1 and list(days) == list(range(days[0], days[-1] + 1)):
        span = f"{names[days[0] - 1]}\N{EN DASH}{names[days[-1] - 1]}"
    else:
        span = ", ".join(names[day - 1] for day in days)
    return f"{span} {start:02d}:00\N{EN DASH}{end:02d}:00"


def person_days(*, date_from: date, date_to: date, person_id: int | None = None) -> list[PersonDay]:
    """Every active person-day in [date_from, date_to], with its out-of-hours count and
    the person's median day over the baseline window before it (active days only: a
    person off work at weekends would otherwise have a median of nothing)."""
    baseline = settings.AUDIT_VOLUME_BASELINE_DAYS
    start, end = settings.AUDIT_WORKING_HOURS
    table = connection.ops.quote_name(AuditActivityHour._meta.db_table)
    params: dict[str, Any] = {
        "tz": settings.TIME_ZONE,
        "since": _local_midnight(date_from - timedelta(days=baseline)),
        "until": _local_midnight(date_to + timedelta(days=1)),
        "date_from": date_from,
        "date_to": date_to,
        "baseline": baseline,
        "start": start,
        "end": end,
        "working_days": list(settings.AUDIT_WORKING_DAYS),
        "person": person_id,
    }
    person_sql = "AND person_id = %(person)s" if person_id is not None else ""
    sql = f"""
        WITH hours AS (
            SELECT person_id, hour AT TIME ZONE %(tz)s AS local, total, dossiers_outside,
                   person_searches, exports
            FROM {table}
            WHERE hour >= %(since)s AND hour < %(until)s {person_sql}
        ), days AS (
            SELECT person_id, local::date AS day, sum(total) AS total,
                   sum(dossiers_outside) AS dossiers_outside,
                   sum(person_searches) AS person_searches, sum(exports) AS exports,
                   coalesce(sum(total) FILTER (
                       WHERE NOT (extract(isodow FROM local)::int = ANY(%(working_days)s))
                          OR extract(hour FROM local) < %(start)s
                          OR extract(hour FROM local) >= %(end)s), 0) AS out_of_hours
            FROM hours GROUP BY 1, 2
        )
        SELECT d.person_id, d.day, d.total, d.dossiers_outside, d.person_searches, d.exports,
               d.out_of_hours, b.median, b.days
        FROM days d
        LEFT JOIN LATERAL (
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY p.total) AS median,
                   count(*) AS days
            FROM days p
            WHERE p.person_id = d.person_id AND p.day >= d.day - %(baseline)s AND p.day < d.day
        ) b ON true
        WHERE d.day BETWEEN %(date_from)s AND %(date_to)s
        ORDER BY d.day DESC, d.person_id
    """  # noqa: S608  the table name is our own, quoted; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        PersonDay(
            person_id=row[0],
            day=row[1],
            total=int(row[2]),
            dossiers_outside=int(row[3]),
            person_searches=int(row[4]),
            exports=int(row[5]),
            out_of_hours=int(row[6]),
            baseline_median=float(row[7]) if row[7] is not None else None,
            baseline_days=int(row[8] or 0),
        )
        for row in rows
    ]


def _volume_flag(day: PersonDay) -> str:
    """The explanation when the day's volume is far above the person's usual, else ""."""
    median = day.baseline_median
    if median is None or day.baseline_days < settings.AUDIT_VOLUME_MIN_BASELINE_DAYS:
        return ""
    if day.total < settings.AUDIT_VOLUME_FACTOR * median:
        return ""
    if day.total - median < settings.AUDIT_VOLUME_MIN_EXCESS:
        return ""
    return _(
        "%(count)d records this day: %(ratio)s times their usual %(median)s a day "
        "(the median of their %(days)d active days in the %(window)d days before)."
    ) % {
        "count": day.total,
        "ratio": number_format(day.total / median, 1),
        "median": number_format(median, 1 if median % 1 else 0),
        "days": day.baseline_days,
        "window": settings.AUDIT_VOLUME_BASELINE_DAYS,
    }


def flags_of_day(day: PersonDay) -> list[tuple[str, int, str, dict[str, str]]]:
    """The flags a person-day raises: (rule, count, explanation, filters of the trail
    that show the records behind it)."""
    found: list[tuple[str, int, str, dict[str, str]]] = []
    if explanation := _volume_flag(day):
        found.append((AuditFlagRule.VOLUME, day.total, explanation, {}))
    if day.dossiers_outside:
        found.append(
            (
                AuditFlagRule.DOSSIER_OUTSIDE_CASES,
                day.dossiers_outside,
                ngettext(
                    "Opened %(count)d person or company dossier outside their own cases "
                    "(the purpose they stated is the record's reason).",
                    "Opened %(count)d person or company dossiers outside their own cases "
                    "(the purpose they stated is each record's reason).",
                    day.dossiers_outside,
                )
                % {"count": day.dossiers_outside},
                {"action": "view"},
            )
        )
    if day.person_searches:
        found.append(
            (
                AuditFlagRule.PERSON_SEARCH,
                day.person_searches,
                ngettext(
                    "Ran %(count)d search that can find people.",
                    "Ran %(count)d searches that can find people.",
                    day.person_searches,
                )
                % {"count": day.person_searches},
                {"action": "search"},
            )
        )
    if day.out_of_hours:
        found.append(
            (
                AuditFlagRule.OUT_OF_HOURS,
                day.out_of_hours,
                ngettext(
                    "%(count)d record outside working hours (%(hours)s, Vilnius time).",
                    "%(count)d records outside working hours (%(hours)s, Vilnius time).",
                    day.out_of_hours,
                )
                % {"count": day.out_of_hours, "hours": _working_hours_text()},
                {},
            )
        )
    if day.exports:
        found.append(
            (
                AuditFlagRule.EXPORT,
                day.exports,
                ngettext(
                    "Exported or downloaded %(count)d time.",
                    "Exported or downloaded %(count)d times.",
                    day.exports,
                )
                % {"count": day.exports},
                {},
            )
        )
    return found


def audit_flags_for_day(*, person: User, day: date) -> list[Flag]:
    """The flags one person's day raises (for checking a review against)."""
    days = person_days(date_from=day, date_to=day, person_id=person.pk)
    return [
        Flag(
            rule=rule,
            person_id=person.pk,
            username=person.get_username(),
            day=day,
            count=count,
            explanation=text,
        )
        for found in days
        for rule, count, text, _filters in flags_of_day(found)
    ]


def audit_flags_for_user(
    *,
    user: User,
    date_from: date,
    date_to: date,
    person: User | None = None,
    rule: str = "",
    state: str = FlagState.OPEN,
) -> list[Flag]:
    """The flags of the period, newest day first, with their reviews."""
    _require_auditor(user)
    days = person_days(
        date_from=date_from, date_to=date_to, person_id=person.pk if person else None
    )
    reviews = {
        (review.rule, review.person_id, review.day): review
        for review in AuditFlagReview.objects.filter(
            day__range=(date_from, date_to),
            **({"person": person} if person else {}),
        ).select_related("reviewed_by")
    }
    usernames = dict(
        User.objects.filter(pk__in={day.person_id for day in days}).values_list("pk", "username")
    )
    flags: list[Flag] = []
    for found in days:
        for flag_rule, count, text, filters in flags_of_day(found):
            if rule and flag_rule != rule:
                continue
            review = reviews.get((flag_rule, found.person_id, found.day))
            if state == FlagState.OPEN and review is not None:
                continue
            if state == FlagState.REVIEWED and review is None:
                continue
            username = usernames.get(found.person_id, "")
            flags.append(
                Flag(
                    rule=flag_rule,
                    person_id=found.person_id,
                    username=username,
                    day=found.day,
                    count=count,
                    explanation=text,
                    review=review,
                    trail_filters={
                        "actor": username,
                        "date_from": found.day.isoformat(),
                        "date_to": found.day.isoformat(),
                        **filters,
                    },
                )
            )
    return flags


@dataclass(frozen=True)
class ActivityDay:
    day: date
    total: int
    flagged: bool


def audit_activity_for_user(
    *, user: User, person: User, date_from: date, date_to: date
) -> list[ActivityDay]:
    """A person's records per day over the period, quiet days included (zero)."""
    _require_auditor(user)
    by_day = {
        found.day: found
        for found in person_days(date_from=date_from, date_to=date_to, person_id=person.pk)
    }
    series: list[ActivityDay] = []
    day = date_from
    while day <= date_to:
        found = by_day.get(day)
        series.append(
            ActivityDay(
                day=day,
                total=found.total if found else 0,
                flagged=bool(found and flags_of_day(found)),
            )
        )
        day += timedelta(days=1)
    return series


def audit_activity_mark() -> AuditActivityMark | None:
    return AuditActivityMark.objects.filter(pk=1).first()


def audit_verification_latest_for_user(*, user: User) -> Job | None:
    """The newest verification of the chain started from the portal, by anyone."""
    _require_auditor(user)
    return (
        Job.objects.filter(kind=VERIFY_JOB_KIND)
        .select_related("owner")
        .prefetch_related("results")
        .order_by("-created_at", "-id")
        .first()
    )


def audit_person_for_user(*, user: User, username: str = "", pk: int | None = None) -> User | None:
    """The person whose activity an auditor looks at, by username (any case) or id;
    None when there is none (deactivated accounts included: the trail outlives them)."""
    _require_auditor(user)
    if pk is not None:
        return User.objects.filter(pk=pk).first()
    if username:
        return User.objects.filter(username__iexact=username).first()
    return None
