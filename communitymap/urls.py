app_name = "communitymap"

urlpatterns: list = []
