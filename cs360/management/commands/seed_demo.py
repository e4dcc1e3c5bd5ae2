import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from cs360 import demo
from cs360.models import Agency

# In dependency order, so each app can build on what the ones before it seeded.
PROJECT_APPS = ["cs360", "communitymap", "teams", "scanning", "dashboard"]


class Command(BaseCommand):
    help = (
        "Build the demo world: two agencies with overlapping jurisdiction and their people, "
        "then each app's own demo data (its demo.py). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any agency exists already."
        )
        parser.add_argument(
            "--police-scale",
            type=float,
            default=1.0,
            help="Generate this share of the demo's police data (e.g. 0.05 for a quick demo).",
        )

    def handle(self, *args, if_empty=False, police_scale=1.0, **options):
        if if_empty and Agency.objects.exists():
            self.stdout.write("Database already has data; demo not loaded again.")
            return
        world = demo.DemoWorld(police_scale=police_scale)
        for config in sorted(
            apps.get_app_configs(),
            key=lambda c: c.name in PROJECT_APPS and PROJECT_APPS.index(c.name),
        ):
            if config.name not in PROJECT_APPS:
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            started = time.monotonic()
            with transaction.atomic():
                module.seed(world)
            self.stdout.write(f"  {config.verbose_name}: {time.monotonic() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
