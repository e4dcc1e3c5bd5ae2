from django.urls import path

from dashboard.views import imports, publishing

app_name = "dashboard"

urlpatterns = [
    path("", imports.overview, name="overview"),
    path("imports/new/", imports.import_new, name="import-new"),
    path("imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("imports/<int:job_id>/mapping/", imports.import_mapping, name="import-mapping"),
    path("imports/<int:job_id>/start/", imports.import_start, name="import-start"),
    path("imports/<int:job_id>/stop/", imports.import_stop, name="import-stop"),
    path("imports/<int:job_id>/cancel/", imports.import_cancel, name="import-cancel"),
    path("imports/<int:job_id>/retry/", imports.import_retry, name="import-retry"),
    path("mappings/<int:mapping_id>.json", imports.mapping_download, name="mapping-download"),
    path("boundaries/", imports.boundary_list, name="boundary-list"),
    path("publication/", publishing.publication, name="publication"),
    path("publication/categories/", publishing.category_review, name="category-review"),
    path("publication/preview/", publishing.publication_preview, name="publication-preview"),
]
