"""HTML pages of violations, namespace ``cases``."""

from django.urls import path

from cases import views, views_admin, views_cen, views_exports

app_name = "cases"

urlpatterns = [
    path("", views.violation_list, name="violation-list"),
    path("review/", views.violation_review, name="violation-review"),
    path("map/", views.violation_map, name="violation-map"),
    path("new/", views.violation_create, name="violation-create"),
    path("categories/", views_admin.category_list, name="category-list"),
    path("categories/<int:pk>/", views_admin.category_edit, name="category-edit"),
    path("export.<str:file_format>", views_exports.violation_export, name="violation-export"),
    path("<int:pk>/", views.violation_detail, name="violation-detail"),
    path("<int:pk>/edit/", views.violation_edit, name="violation-edit"),
    path("<int:pk>/exchange/", views_cen.violation_cen_preview, name="violation-cen"),
    path(
        "<int:pk>/exchange/<str:kind>.json",
        views_cen.violation_cen_download,
        name="violation-cen-download",
    ),
    path("<int:pk>/submit/", views.violation_submit, name="violation-submit"),
    path("<int:pk>/verify/", views.violation_verify, name="violation-verify"),
    path("<int:pk>/goods/", views.goods_add, name="goods-add"),
    path("<int:pk>/goods/<int:line_id>/remove/", views.goods_remove, name="goods-remove"),
    path("<int:pk>/vehicles/", views.vehicle_add, name="vehicle-add"),
    path("<int:pk>/people/", views.person_add, name="person-add"),
    path("<int:pk>/companies/", views.company_add, name="company-add"),
    path(
        "<int:pk>/involvements/<int:involvement_id>/remove/",
        views.involvement_remove,
        name="involvement-remove",
    ),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/<str:variant>/",
        views.evidence_download,
        name="evidence-file",
    ),
]
