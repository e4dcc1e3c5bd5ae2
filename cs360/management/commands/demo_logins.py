from django.core.management.base import BaseCommand

from cs360 import demo


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})\n")
        for email, where, title in demo.logins():
            self.stdout.write(f"  {email:<40} {where}\n  {'':<40} {title}\n")
        self.stdout.write("\nOpen http://127.0.0.1:8000/ and log in with one of them.\n")
