"""Public pages: no login, agency resolved from the slug, only published data."""

app_name = "public"

urlpatterns: list = []
