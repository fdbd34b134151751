"""Latitude and longitude typed the wrong way round (25.28, 54.69 for Vilnius) are
pointed out where a place is checked against the operational area."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from cases.services.violations import violation_submit_problems
from dispatch.services.notices import NoticeInput, notice_create
from portal.selectors.geo import point_swapped_into_area

pytestmark = pytest.mark.django_db

VILNIUS = Point(25.2797, 54.6872, srid=4326)
VILNIUS_SWAPPED = Point(54.6872, 25.2797, srid=4326)
MADRID = Point(-3.70, 40.42, srid=4326)


def test_a_swapped_pair_is_recognised_and_only_that():
    swapped = point_swapped_into_area(VILNIUS_SWAPPED)
    assert swapped is not None
    assert (swapped.x, swapped.y) == (VILNIUS.x, VILNIUS.y)
    assert point_swapped_into_area(VILNIUS) is None  # inside already
    assert point_swapped_into_area(MADRID) is None  # outside either way


def test_a_violation_placed_swapped_is_told_to_check_the_order(violation_of_officer):
    violation_of_officer.location = VILNIUS_SWAPPED

    problem = violation_submit_problems(violation_of_officer)["outside_area_confirmed"]

    assert "latitude and longitude swapped (54.68720, 25.27970)" in problem


def test_a_violation_far_away_gets_the_plain_message(violation_of_officer):
    violation_of_officer.location = MADRID

    problem = violation_submit_problems(violation_of_officer)["outside_area_confirmed"]

    assert problem.startswith("The location is outside the operational area. Check it")


def test_a_notice_placed_swapped_says_so(dispatcher):
    with pytest.raises(ValidationError) as refused:
        notice_create(
            actor=dispatcher,
            data=NoticeInput(title="Van seen", all_units=True, location=VILNIUS_SWAPPED),
        )

    message = " ".join(refused.value.message_dict["location"])
    assert "with latitude and longitude swapped (54.68720, 25.27970) it would be inside" in message
