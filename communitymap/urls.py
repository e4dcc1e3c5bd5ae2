from django.urls import path

from communitymap import views

app_name = "communitymap"

urlpatterns = [
    path("", views.worksheet, name="worksheet"),
    path("print/", views.worksheet_print, name="worksheet-print"),
    path("cell/<str:area>/<str:partner_type>/add/", views.cell_add, name="cell-add"),
    path(
        "cell/<str:area>/<str:partner_type>/examples/",
        views.cell_examples,
        name="cell-examples",
    ),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/export/", views.organization_export, name="organization-export"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path(
        "organizations/check-name/",
        views.organization_name_check,
        name="organization-name-check",
    ),
    path(
        "organizations/<int:organization_id>/",
        views.organization_detail,
        name="organization-detail",
    ),
    path(
        "organizations/<int:organization_id>/edit/",
        views.organization_edit,
        name="organization-edit",
    ),
    path(
        "organizations/<int:organization_id>/stance/",
        views.organization_stance,
        name="organization-stance",
    ),
    path(
        "organizations/<int:organization_id>/representatives/",
        views.representative_add,
        name="representative-add",
    ),
    path(
        "organizations/<int:organization_id>/outreach/",
        views.outreach_add,
        name="outreach-add",
    ),
    path("affiliations/<int:affiliation_id>/", views.affiliation_edit, name="affiliation-edit"),
    path("people/", views.person_list, name="person-list"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("import/", views.import_upload, name="import-upload"),
    path("import/<int:batch_id>/", views.import_preview, name="import-preview"),
]
