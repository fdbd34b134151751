"""Reads of a case's link chart: the entities it starts from and the positions saved
with the case, both narrowed to what the reader may see (a team member may have placed
an entity that only a restricted case the reader cannot open holds)."""

from dataclasses import dataclass

from cases.models import Case
from cases.selectors.graph import MAX_SEED_IDS, entities_in_reach
from portal.models import User


@dataclass(frozen=True)
class CaseChart:
    seeds: list[int]
    positions: dict[str, list[int]]


def case_chart_for_user(*, user: User, case: Case) -> CaseChart:
    """``case`` (reached through case_get_for_user) as its chart starts for ``user``: its
    linked entities within reach (at most MAX_SEED_IDS) and the saved positions of the
    entities within reach."""
    linked = list(
        case.entity_links.order_by("id").values_list("entity_id", flat=True)[: MAX_SEED_IDS * 4]
    )
    saved = (case.chart_layout or {}).get("positions") or {}
    saved_ids = [int(key) for key in saved if str(key).isdigit()]
    reach = entities_in_reach(user=user, ids=[*linked, *saved_ids])
    seeds = [pk for pk in linked if pk in reach][:MAX_SEED_IDS]
    positions = {str(pk): list(saved[str(pk)]) for pk in saved_ids if pk in reach}
    return CaseChart(seeds=seeds, positions=positions)
