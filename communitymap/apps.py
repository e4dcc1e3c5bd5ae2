from django.apps import AppConfig


class CommunitymapConfig(AppConfig):
    name = "communitymap"
    verbose_name = "Community Map"
