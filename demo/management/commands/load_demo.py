"""Add made-up demo progress on top of the Cabinet report. Development only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import loader


class Command(BaseCommand):
    help = (
        "Add a year of made-up demo progress (quarterly rounds, updates, council input, "
        "milestones, indicators, comments, Cabinet reports) on top of the Cabinet report, "
        "every record marked Demo. Needs the report and the demo accounts. Only when DEBUG "
        "is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo progress is for trying the service: this command refuses to run when "
                "DEBUG is off, so it never reaches a live tracker."
            )
        try:
            counts = loader.load()
        except loader.NotReady as reason:
            raise CommandError(str(reason)) from reason
        except loader.AlreadyLoaded as reason:
            self.stdout.write(str(reason))  # safe to run again, as `make demo` does
            return
        for line in counts.lines():
            self.stdout.write(f"Added {line}.")
        self.stdout.write(self.style.SUCCESS("Demo progress is loaded; every page says so."))
