"""The shared time and API helpers: one format for datetime-local inputs, UTC stamps,
local days across the clock changes, the years forms and the API accept, and a
service's ValidationError in the API's error shape."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from portal.api.fields import BoundedDateTimeField
from portal.api.helpers import as_drf_error
from portal.lib.timefmt import duration_text, local_midnight, supported_date, utc_iso


def test_utc_stamps_carry_a_z_and_milliseconds_only_when_there_are_any():
    assert utc_iso(datetime(2026, 1, 5, 10, 0, tzinfo=UTC)) == "2026-01-05T10:00:00Z"
    assert utc_iso(datetime(2026, 1, 5, 10, 0, 0, 250_000, tzinfo=UTC)) == (
        "2026-01-05T10:00:00.250Z"
    )


def test_local_midnight_is_vilnius_midnight_on_either_side_of_a_clock_change():
    # Vilnius: UTC+3 in summer, UTC+2 from the last Sunday of October.
    assert local_midnight(date(2026, 10, 25)).astimezone(UTC) == datetime(
        2026, 10, 24, 21, 0, tzinfo=UTC
    )
    assert local_midnight(date(2026, 10, 26)).astimezone(UTC) == datetime(
        2026, 10, 25, 22, 0, tzinfo=UTC
    )


@pytest.mark.parametrize("value", [date(1999, 12, 31), date(2101, 1, 1), date(1, 1, 1)])
def test_years_outside_2000_to_2100_are_refused(value):
    with pytest.raises(ValidationError, match="between the years 2000 and 2100"):
        supported_date(value)


def test_the_api_field_refuses_year_one_instead_of_overflowing():
    field = BoundedDateTimeField()

    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation("0001-01-01T00:10")

    assert refused.value.detail == ["Give a date between the years 2000 and 2100."]
    assert field.run_validation("2026-01-05T10:00Z") == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_a_service_error_keeps_its_fields_or_becomes_a_non_field_error():
    by_field = as_drf_error(ValidationError({"note": "Give the reason."}))
    whole = as_drf_error(ValidationError("Nothing to do."))

    assert by_field.detail == {"note": ["Give the reason."]}
    assert whole.detail == {"non_field_errors": ["Nothing to do."]}


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "—"), (44.6, "45 s"), (245, "4 min 05 s"), (7800, "2 h 10 min")]
)
def test_durations_read_as_people_say_them(seconds, text):
    assert duration_text(seconds) == text
