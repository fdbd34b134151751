"""HTML pages of violations, namespace ``cases``."""

from django.urls import path

from cases.views import (
    categories,
    entities,
    evidence,
    exchange,
    exports,
    goods,
    map,
    outbox,
    violations,
)

app_name = "cases"

urlpatterns = [
    path("", violations.violation_list, name="violation-list"),
    path("review/", violations.violation_review, name="violation-review"),
    path("map/", map.violation_map, name="violation-map"),
    path("new/", violations.violation_create, name="violation-create"),
    path("outbox/", outbox.outbox_page, name="outbox"),
    path("on-device/", outbox.violation_on_device, name="violation-on-device"),
    path("categories/", categories.category_list, name="category-list"),
    path("categories/<int:pk>/", categories.category_edit, name="category-edit"),
    path("export.<str:file_format>", exports.violation_export, name="violation-export"),
    path("<int:pk>/", violations.violation_detail, name="violation-detail"),
    path("<int:pk>/edit/", violations.violation_edit, name="violation-edit"),
    path("<int:pk>/exchange/", exchange.violation_cen_preview, name="violation-cen"),
    path(
        "<int:pk>/exchange/<str:kind>.json",
        exchange.violation_cen_download,
        name="violation-cen-download",
    ),
    path("<int:pk>/submit/", violations.violation_submit, name="violation-submit"),
    path("<int:pk>/verify/", violations.violation_verify, name="violation-verify"),
    path("<int:pk>/goods/", goods.goods_add, name="goods-add"),
    path("<int:pk>/goods/<int:line_id>/remove/", goods.goods_remove, name="goods-remove"),
    path("<int:pk>/vehicles/", entities.vehicle_add, name="vehicle-add"),
    path("<int:pk>/people/", entities.person_add, name="person-add"),
    path("<int:pk>/companies/", entities.company_add, name="company-add"),
    path(
        "<int:pk>/involvements/<int:involvement_id>/remove/",
        entities.involvement_remove,
        name="involvement-remove",
    ),
    path("<int:pk>/evidence/", evidence.evidence_add, name="evidence-add"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/<str:variant>/",
        evidence.evidence_download,
        name="evidence-file",
    ),
]
