from django.conf import settings
from django.core.management.base import BaseCommand

from scanning import voting
from scanning.models import BallotReminder


class Command(BaseCommand):
    help = (
        "E-mail voting members who have not voted in a priority round closing within 48 hours. "
        "Each member is reminded once per round, so a scheduler may run this as often as it "
        "likes (e.g. hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "CS360_BASE_URL", "http://localhost:8000"),
            help="The site address used in the e-mailed links.",
        )

    def handle(self, *args, base_url, **options):
        total = 0
        for round_ in voting.rounds_closing_soon():
            sent = voting.send_reminders(
                round_=round_, trigger=BallotReminder.Trigger.CLOSING_SOON, base_url=base_url
            )
            if sent:
                self.stdout.write(f"{round_.agency}: {round_.title}: {sent} reminder(s)")
            total += sent
        self.stdout.write(self.style.SUCCESS(f"{total} reminder(s) sent."))
