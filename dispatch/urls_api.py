from django.urls import path

from dispatch.api import live as api_live
from dispatch.api import notices as api_notices
from dispatch.api import officer as api_officer
from dispatch.api import planning as api_planning
from dispatch.api import positions as api_positions
from dispatch.api import tasks as api_tasks
from dispatch.api import tracks as api_tracks

urlpatterns = [
    path("positions/", api_positions.PositionIngest.as_view(), name="position-ingest"),
    path("my-unit/", api_officer.MyUnit.as_view(), name="my-unit"),
    path("my-unit/positions/", api_officer.MyUnitPositions.as_view(), name="my-unit-positions"),
    path("live/", api_live.LiveFeed.as_view(), name="live-feed"),
    path("tracks/", api_tracks.TrackList.as_view(), name="track-list"),
    path("tasks/", api_tasks.TaskListCreate.as_view(), name="task-list"),
    path("tasks/<int:pk>/", api_tasks.TaskDetail.as_view(), name="task-detail"),
    path("tasks/<int:pk>/transition/", api_tasks.TaskTransition.as_view(), name="task-transition"),
    path("tasks/<int:pk>/withdraw/", api_tasks.TaskWithdraw.as_view(), name="task-withdraw"),
    path(
        "tasks/<int:pk>/recommendations/",
        api_tasks.TaskRecommendations.as_view(),
        name="task-recommendations",
    ),
    path("zones/", api_planning.ZoneCollection.as_view(), name="zone-list"),
    path("alerts/", api_planning.AlertList.as_view(), name="alert-list"),
    path(
        "alerts/<int:pk>/acknowledge/",
        api_planning.AlertAcknowledge.as_view(),
        name="alert-acknowledge",
    ),
    path("notices/", api_notices.NoticeList.as_view(), name="notice-list"),
    path("notices/<int:pk>/read/", api_notices.NoticeRead.as_view(), name="notice-read"),
]
