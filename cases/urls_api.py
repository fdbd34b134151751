"""API of violations, entities and reference lists (in the ``api`` namespace)."""

from django.urls import path

from cases.api import (
    categories,
    documents,
    entities,
    evidence,
    exchange,
    exports,
    goods,
    imports,
    investigations,
    map,
    registry,
    timeline,
    violations,
)

urlpatterns = [
    path("cases/", investigations.CaseListCreate.as_view(), name="case-list"),
    path(
        "cases/assistance-requests/",
        investigations.AssistanceRegister.as_view(),
        name="assistance-register",
    ),
    path("cases/<int:pk>/", investigations.CaseDetail.as_view(), name="case-detail"),
    path("cases/<int:pk>/timeline/", timeline.CaseTimeline.as_view(), name="case-timeline"),
    path("cases/<int:pk>/places/", timeline.CasePlaces.as_view(), name="case-places"),
    path(
        "cases/<int:pk>/documents/<int:document_id>/",
        investigations.CaseDocumentDownload.as_view(),
        name="case-document-download",
    ),
    path(
        "cases/<int:pk>/documents/",
        documents.CaseDocuments.as_view(),
        name="case-document-list",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_id>/suggestions/",
        documents.DocumentSuggestions.as_view(),
        name="document-suggestion-list",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/accept/",
        documents.SuggestionAccept.as_view(),
        name="document-suggestion-accept",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_id>/suggestions/<int:suggestion_id>/reject/",
        documents.SuggestionReject.as_view(),
        name="document-suggestion-reject",
    ),
    path(
        "violation-categories/",
        categories.CategoryList.as_view(),
        name="violation-category-list",
    ),
    path("hs-codes/", goods.HSCodeList.as_view(), name="hs-code-list"),
    path("entities/", entities.EntitySearch.as_view(), name="entity-search"),
    path("entities/<int:pk>/", registry.EntityDossier.as_view(), name="entity-detail"),
    path("entities/<int:pk>/places/", registry.EntityPlaces.as_view(), name="entity-places"),
    path("entity-matches/", registry.MatchQueue.as_view(), name="entity-match-list"),
    path("entity-imports/", imports.ImportCreate.as_view(), name="entity-import-create"),
    path("entity-imports/<int:pk>/", imports.ImportDetail.as_view(), name="entity-import-detail"),
    path("import-mappings/", imports.MappingList.as_view(), name="import-mapping-list"),
    path(
        "entity-matches/<int:pk>/judge/",
        registry.MatchJudge.as_view(),
        name="entity-match-judge",
    ),
    path(
        "entity-matches/<int:pk>/merge/",
        registry.MatchMerge.as_view(),
        name="entity-match-merge",
    ),
    path(
        "entity-merges/<int:pk>/undo/",
        registry.MergeUndo.as_view(),
        name="entity-merge-undo",
    ),
    path("violations/", violations.ViolationListCreate.as_view(), name="violation-list"),
    path("violations/map/", map.ViolationMap.as_view(), name="violation-map"),
    path(
        "violations/export.<str:file_format>",
        exports.ViolationExport.as_view(),
        name="violation-export",
    ),
    path("violations/<int:pk>/", violations.ViolationDetail.as_view(), name="violation-detail"),
    path(
        "violations/<int:pk>/submit/",
        violations.ViolationSubmit.as_view(),
        name="violation-submit",
    ),
    path(
        "violations/<int:pk>/exchange/<str:kind>/",
        exchange.ViolationExchangeRecord.as_view(),
        name="violation-exchange",
    ),
    path(
        "violations/<int:pk>/verify/",
        violations.ViolationVerify.as_view(),
        name="violation-verify",
    ),
    path("violations/<int:pk>/goods/", goods.ViolationGoods.as_view(), name="violation-goods"),
    path(
        "violations/<int:pk>/goods/<int:line_id>/",
        goods.ViolationGoodsLine.as_view(),
        name="violation-goods-line",
    ),
    path(
        "violations/<int:pk>/entities/",
        entities.ViolationEntities.as_view(),
        name="violation-entities",
    ),
    path(
        "violations/<int:pk>/evidence/",
        evidence.ViolationEvidence.as_view(),
        name="violation-evidence",
    ),
]
