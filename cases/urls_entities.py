"""HTML pages of the entity registry and entity resolution, namespace ``entities``,
mounted at /entities/."""

from django.urls import path

from cases.views import imports, list_exports, registry, resolution

app_name = "entities"

urlpatterns = [
    path("", registry.entity_list, name="entity-list"),
    path("export.ftm.jsonl", registry.entity_export, name="entity-export"),
    path("export/<str:file_format>/", list_exports.entity_table_export, name="entity-table-export"),
    path("matches/", resolution.match_list, name="match-list"),
    path("matches/<int:pk>/judge/", resolution.match_judge, name="match-judge"),
    path("matches/<int:pk>/merge/", resolution.match_merge, name="match-merge"),
    path("merges/<int:pk>/undo/", resolution.merge_undo, name="merge-undo"),
    path("imports/", imports.import_list, name="import-list"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.csv", imports.import_errors, name="import-errors"),
    path("<int:pk>/", registry.entity_detail, name="entity-detail"),
]
