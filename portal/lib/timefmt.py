"""Times as the portal reads and writes them: the datetime-local input format, UTC
timestamps in files and JSON, local days, and the range of years the forms and the API
accept.

Stored times are aware and in UTC; "local" is settings.TIME_ZONE (Europe/Vilnius)."""

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# Django's own Lithuanian catalogue leaves the words of `timesince` ("5 minutes")
# empty. Declaring the same messages here puts them in our catalogue, which Django reads
# first, so "{{ age }} ago" reads in Lithuanian. Translated in the accusative that
# "prieš …" (ago) takes, the only way the portal uses them.
TIMESINCE_WORDS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
    # Between two parts ("1 hour, 21 minutes"); Django's Lithuanian drops the space.
    _(", "),
)


# What an <input type="datetime-local"> sends and shows (to the minute).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


# Dates outside these years are typing errors here, and near the ends of Python's
# calendar (year 1, year 9999) adding a day or a time zone offset overflows.
EARLIEST_YEAR = 2000


LATEST_YEAR = 2100


OUT_OF_RANGE = _("Give a date between the years 2000 and 2100.")


def supported_date(value: date | datetime) -> None:
    """Validator for date and datetime fields of forms and serializers: the years
    EARLIEST_YEAR to LATEST_YEAR."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


# PostgreSQL refuses a time with an offset from UTC of 16 hours or more ("time zone
# displacement out of range"); Python accepts up to 24 hours. (Real offsets lie between
# -12:00 and +14:00.)
UTC_OFFSET_LIMIT = timedelta(hours=16)


OFFSET_OUT_OF_RANGE = _("Give a time zone offset between -15:59 and +15:59.")


def utc_offset_supported(value: datetime) -> bool:
    """Whether ``value``'s offset from UTC (if any) is one PostgreSQL can store."""
    offset = value.utcoffset()
    return offset is None or abs(offset) < UTC_OFFSET_LIMIT


def supported_offset(value: datetime) -> None:
    """Validator for datetime fields of forms, filters and serializers: an offset from
    UTC that PostgreSQL accepts."""
    if not utc_offset_supported(value):
        raise ValidationError(OFFSET_OUT_OF_RANGE, code="offset_out_of_range")


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z: seconds, or milliseconds when there are any."""
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")


def local_midnight(day: date) -> datetime:
    """The first moment of ``day`` in the portal's time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def start_of_today() -> datetime:
    """Local midnight today: "today" as the people on duty mean it."""
    return local_midnight(timezone.localdate())


def duration_text(seconds: float | None) -> str:
    """45 s, 4 min 05 s, 2 h 10 min; an em dash when there is no figure."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return gettext("%(s)d s") % {"s": whole}
    if whole < 3600:
        return gettext("%(m)d min %(s)02d s") % {"m": whole // 60, "s": whole % 60}
    return gettext("%(h)d h %(m)02d min") % {"h": whole // 3600, "m": whole % 3600 // 60}
