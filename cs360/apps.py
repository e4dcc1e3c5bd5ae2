from django.apps import AppConfig


class Cs360Config(AppConfig):
    name = "cs360"
    verbose_name = "CS360 core"
