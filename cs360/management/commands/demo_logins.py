from django.core.management.base import BaseCommand

from cs360 import demo


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="Where the server listens (make run passes its HOST and PORT).",
        )

    def handle(self, *args, url, **options):
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})\n")
        for email, where, title in demo.logins():
            self.stdout.write(f"  {email:<40} {where}\n  {'':<40} {title}\n")
        self.stdout.write(f"\nOpen {url} and log in with one of them.\n")
        self.stdout.write(f"The public dashboard needs no login: {url}p/riverton-pd/\n")
        self.stdout.write("Press Ctrl+C to stop the server; the embedded database stops with it.\n")
