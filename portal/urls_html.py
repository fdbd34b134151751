"""HTML pages of the core, namespace ``portal``."""

from django.urls import path

from portal.views import accounts, audit, dashboard, users

app_name = "portal"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password-change"),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two-factor-setup"),
    path("audit/", audit.audit_list, name="audit-list"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("users/", users.user_list, name="user-list"),
    path("users/new/", users.user_create, name="user-create"),
    path("users/<int:pk>/", users.user_detail, name="user-detail"),
    path(
        "users/<int:pk>/two-factor-reset/",
        users.user_two_factor_reset,
        name="user-two-factor-reset",
    ),
    path("users/<int:pk>/unlock/", users.user_unlock, name="user-unlock"),
    path("units/", users.org_unit_list, name="unit-list"),
    path("units/new/", users.org_unit_create, name="unit-create"),
    path("units/<int:pk>/edit/", users.org_unit_edit, name="unit-edit"),
    path("healthz", dashboard.healthz, name="healthz"),
]
