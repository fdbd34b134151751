from django.urls import path
from rest_framework.routers import DefaultRouter

from portal.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", views.OrgUnitViewSet, basename="orgunit")
router.register("users", views.UserViewSet, basename="user")
router.register("audit-records", views.AuditRecordViewSet, basename="auditrecord")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("reference/layers/", views.ReferenceLayersView.as_view(), name="reference-layers"),
    *router.urls,
]
