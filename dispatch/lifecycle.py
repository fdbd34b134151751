"""The task lifecycle: new → assigned → acknowledged → en route → on scene → completed,
or cancelled from any open state. Who may make each move, and which timestamp it sets."""

from dispatch.models import TaskStatus

S = TaskStatus

TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.ASSIGNED, S.CANCELLED},
    S.ASSIGNED: {S.ASSIGNED, S.ACKNOWLEDGED, S.CANCELLED},  # assigned again = reassigned
    S.ACKNOWLEDGED: {S.EN_ROUTE, S.CANCELLED},
    S.EN_ROUTE: {S.ON_SCENE, S.CANCELLED},
    S.ON_SCENE: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}

# The unit's own officers move their task along; the operations centre assigns and cancels.
UNIT_MOVES = {S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE, S.COMPLETED}
DISPATCH_MOVES = {S.ASSIGNED, S.CANCELLED}

TIMESTAMP_FIELD: dict[str, str] = {
    S.ASSIGNED: "assigned_at",
    S.ACKNOWLEDGED: "acknowledged_at",
    S.EN_ROUTE: "en_route_at",
    S.ON_SCENE: "on_scene_at",
    S.COMPLETED: "closed_at",
    S.CANCELLED: "closed_at",
}

OPEN_STATUSES = {S.ASSIGNED, S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE}


def transition_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())
