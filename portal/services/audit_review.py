"""Changes behind the auditor's page: bringing the activity summary up to date with the
trail, and recording an administrator's review of a flag (audited).

Why a summary and not the trail itself: the flag rules compare a person's day with
their own weeks before it, and the chart draws months of a person's days. Over the raw
trail (tens of millions of rows at the scale we design for, DESIGN.md) that is a scan of
every record of the period on each visit. The summary holds one row per person and
active hour (a few hundred thousand a year), is filled incrementally from the last
record counted (a cheap range of the primary key), and the rules then read it in one
statement. Counting happens by beat every five minutes and, for the newest records, on
each visit of the page, so the page never lags the trail by more than one batch.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit_vocabulary import audit_review_vocabulary
from portal.models import (
    AuditAction,
    AuditActivityHour,
    AuditActivityMark,
    AuditFlagReview,
    AuditFlagRule,
    AuditRecord,
    User,
)
from portal.selectors.audit_review import audit_flags_for_day
from portal.services.audit import AUDIT_CHAIN_LOCK_ID, REASON_MAX, audit_record

# The flags' rules over the trail, in the words the apps declare they write (see
# portal/audit_vocabulary.py; the core imports no domain app). Each part is coalesced: a
# missing key is NULL, and NOT NULL would drop the record.
DOSSIER_OUTSIDE_SQL = (
    "(coalesce(changes->>'view', '') = ANY(%(dossier_views)s::text[]) AND reason <> '')"
)
PERSON_SEARCH_SQL = """(action = 'search' AND NOT coalesce(
    coalesce(changes->>'kind', '') = ANY(%(search_kinds_without_people)s::text[])
    OR (coalesce(changes->>'kind', '') = ANY(%(entity_search_kinds)s::text[])
        AND coalesce(changes->>'status', '') <> ''
        AND NOT coalesce(changes->>'status', '') = ANY(%(person_kinds)s::text[]))
    OR (jsonb_typeof(changes->'kinds') = 'array' AND jsonb_array_length(changes->'kinds') > 0
        AND NOT jsonb_exists_any(changes->'kinds', %(person_kinds)s::text[])),
    false))"""
EXPORT_SQL = "(action IN ('export', 'download'))"


def _vocabulary_parameters() -> dict[str, list[str]]:
    vocabulary = audit_review_vocabulary()
    return {
        "dossier_views": list(vocabulary.dossier_views),
        "search_kinds_without_people": list(vocabulary.search_kinds_without_people),
        "entity_search_kinds": list(vocabulary.entity_search_kinds),
        "person_kinds": list(vocabulary.person_kinds),
    }


# Records counted per call from a page visit (beat has no limit): a visit after a long
# pause of beat costs at most this much.
ROLLUP_BATCH = 50_000
# One summary writer at a time: two would both count the same records.
ROLLUP_LOCK_ID = 0x41554452  # "AUDR"


def _committed_head() -> int:
    """The newest record id below which every record is committed. Records are numbered
    under the chain lock and commit before it is released, so taking it for a moment
    waits for the one append in flight, if any."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_ID])
        return AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_activity_rollup(*, limit: int | None = None) -> int:
    """Count the records written since the last call into the per-person, per-hour
    summary; returns how many records were counted. Idempotent: the mark of the last
    record counted moves in the same transaction as the counts."""
    head = _committed_head()
    activity = connection.ops.quote_name(AuditActivityHour._meta.db_table)
    trail = connection.ops.quote_name(AuditRecord._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_ID])
        mark, _created = AuditActivityMark.objects.select_for_update().get_or_create(pk=1)
        after = mark.last_record_id
        upto = head if limit is None else min(head, after + limit)
        if upto <= after:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {activity}
                    (person_id, hour, total, dossiers_outside, person_searches, exports)
                SELECT actor_id,
                       date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                       count(*),
                       count(*) FILTER (WHERE {DOSSIER_OUTSIDE_SQL}),
                       count(*) FILTER (WHERE {PERSON_SEARCH_SQL}),
                       count(*) FILTER (WHERE {EXPORT_SQL})
                FROM {trail}
                WHERE id > %(after)s AND id <= %(upto)s AND actor_id IS NOT NULL
                GROUP BY 1, 2
                ON CONFLICT (person_id, hour) DO UPDATE SET
                    total = {activity}.total + EXCLUDED.total,
                    dossiers_outside = {activity}.dossiers_outside + EXCLUDED.dossiers_outside,
                    person_searches = {activity}.person_searches + EXCLUDED.person_searches,
                    exports = {activity}.exports + EXCLUDED.exports
                """,  # noqa: S608  table names are our own, quoted; values are parameters
                {"after": after, "upto": upto, **_vocabulary_parameters()},
            )
            cursor.execute(
                f"SELECT count(*) FROM {trail} WHERE id > %s AND id <= %s",  # noqa: S608
                [after, upto],
            )
            counted = int(cursor.fetchone()[0])
        mark.last_record_id = upto
        mark.updated_at = timezone.now()
        mark.save(update_fields=["last_record_id", "updated_at"])
    return counted


@dataclass(frozen=True)
class FlagKey:
    rule: str
    person: User
    day: date


def audit_flag_review(*, actor: User, key: FlagKey, note: str) -> AuditFlagReview:
    """Mark a flag reviewed with a note. Raises ValidationError when the flag does not
    stand (nothing unusual that day), was reviewed already, or the note is empty."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write what you found.")})
    if len(note) > REASON_MAX:
        raise ValidationError(
            {"note": _("Keep the note to %(max)d characters.") % {"max": REASON_MAX}}
        )
    if key.rule not in AuditFlagRule.values:
        raise ValidationError({"rule": _("There is no such flag.")})
    audit_activity_rollup(limit=ROLLUP_BATCH)
    flags = audit_flags_for_day(person=key.person, day=key.day)
    if not any(flag.rule == key.rule for flag in flags):
        raise ValidationError(_("This flag does not stand: nothing unusual was found that day."))
    with transaction.atomic():
        if AuditFlagReview.objects.filter(rule=key.rule, person=key.person, day=key.day).exists():
            raise ValidationError(_("This flag has already been reviewed."))
        review = AuditFlagReview(
            rule=key.rule,
            person=key.person,
            day=key.day,
            note=note,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
        review.full_clean(validate_constraints=False)
        try:
            # Two administrators reviewing the same flag at once: the constraint decides.
            with transaction.atomic():
                review.save()
        except IntegrityError:
            raise ValidationError(_("This flag has already been reviewed.")) from None
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=review,
            object_repr=f"{AuditFlagRule(key.rule).label}: {key.person.get_username()}, {key.day}",
            changes={
                "reviewed": True,
                "rule": key.rule,
                "person": key.person.get_username(),
                "day": key.day.isoformat(),
            },
            reason=note,
        )
    return review
