from django.urls import path

from cases import api

urlpatterns = [
    path("violation-categories/", api.CategoryList.as_view(), name="violation-category-list"),
    path("hs-codes/", api.HSCodeList.as_view(), name="hs-code-list"),
    path("entities/", api.EntitySearch.as_view(), name="entity-search"),
    path("violations/", api.ViolationListCreate.as_view(), name="violation-list"),
    path("violations/map/", api.ViolationMap.as_view(), name="violation-map"),
    path(
        "violations/export.<str:file_format>",
        api.ViolationExport.as_view(),
        name="violation-export",
    ),
    path("violations/<int:pk>/", api.ViolationDetail.as_view(), name="violation-detail"),
    path("violations/<int:pk>/submit/", api.ViolationSubmit.as_view(), name="violation-submit"),
    path(
        "violations/<int:pk>/exchange/<str:kind>/",
        api.ViolationExchangeRecord.as_view(),
        name="violation-exchange",
    ),
    path("violations/<int:pk>/verify/", api.ViolationVerify.as_view(), name="violation-verify"),
    path("violations/<int:pk>/goods/", api.ViolationGoods.as_view(), name="violation-goods"),
    path(
        "violations/<int:pk>/goods/<int:line_id>/",
        api.ViolationGoodsLine.as_view(),
        name="violation-goods-line",
    ),
    path(
        "violations/<int:pk>/entities/", api.ViolationEntities.as_view(), name="violation-entities"
    ),
    path(
        "violations/<int:pk>/evidence/", api.ViolationEvidence.as_view(), name="violation-evidence"
    ),
]
