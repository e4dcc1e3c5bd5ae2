"""Public pages: no login, agency resolved from the slug, only published data."""

from django.urls import path

from dashboard.views import public

app_name = "public"

urlpatterns = [
    path("", public.overview, name="overview"),
    path("data/", public.explorer, name="explorer"),
    path("data/<slug:chart>.csv", public.chart_csv, name="chart-csv"),
    path("open-data/", public.open_data, name="open-data"),
    path(
        "open-data/<slug:dataset>.<str:fmt>",
        public.open_data_download,
        name="open-data-download",
    ),
]
