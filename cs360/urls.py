from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cs360 import two_factor, views

agency_patterns = [
    path("", views.agency_home, name="agency-home"),
    path("members/", views.member_list, name="member-list"),
    path("members/two-factor/", views.agency_two_factor, name="agency-two-factor"),
    path("members/<int:membership_id>/role/", views.member_role, name="member-role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "history/<str:app_label>/<str:model_name>/<int:object_id>/",
        views.object_history,
        name="object-history",
    ),
    path("map/", include("communitymap.urls")),
    path("teams/", include("teams.urls")),
    path("scanning/", include("scanning.urls")),
    path("dashboard/", include("dashboard.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("a/<slug:agency_slug>/", include(agency_patterns)),
    path("p/<slug:agency_slug>/", include("dashboard.public_urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
    # Browsers and feed readers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
]
