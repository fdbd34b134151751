"""Changes to a case's link chart: saving where its entities stand."""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors.graph import MAX_EXPORT_IDS, entities_in_reach
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# Coordinates beyond this are a broken client, not a chart.
MAX_COORDINATE = 1_000_000


def _positions_clean(positions: Any) -> dict[int, list[int]]:
    if not isinstance(positions, dict) or not positions:
        raise ValidationError({"positions": _("The chart is empty: nothing to save.")})
    if len(positions) > MAX_EXPORT_IDS:
        raise ValidationError(
            {"positions": _("At most %(limit)d entities per chart.") % {"limit": MAX_EXPORT_IDS}}
        )
    cleaned: dict[int, list[int]] = {}
    for key, value in positions.items():
        if not str(key).isdigit() or not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError(
                {"positions": _("Each position is an entity id with two coordinates.")}
            )
        numbers = []
        for coordinate in value:
            if (
                isinstance(coordinate, bool)
                or not isinstance(coordinate, int | float)
                or not math.isfinite(coordinate)
                or abs(coordinate) > MAX_COORDINATE
            ):
                raise ValidationError(
                    {"positions": _("Each position is an entity id with two coordinates.")}
                )
            numbers.append(round(coordinate))
        cleaned[int(key)] = numbers
    return cleaned


@transaction.atomic
def case_chart_save(*, actor: User, case: Case, positions: Any) -> int:
    """Save where the entities of ``case``'s chart stand ({entity id: [x, y]}); ``case``
    reached with case_get_for_user(for_work=True). Entities outside ``actor``'s reach are
    refused (the chart cannot hold them). Audited; returns how many were saved."""
    cleaned = _positions_clean(positions)
    unknown = set(cleaned) - entities_in_reach(user=actor, ids=list(cleaned))
    if unknown:
        raise ValidationError({"positions": _("Some entities on this chart were not found.")})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.chart_layout = {"positions": {str(pk): at for pk, at in sorted(cleaned.items())}}
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(update_fields=["chart_layout"])
    case.chart_layout = locked.chart_layout
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={"chart_layout": {"entities": sorted(cleaned)}},
    )
    return len(cleaned)
