"""Load the Cabinet report of 14 March 2013 unless it is already in the database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from strategy.models import SourceDocument
from strategy.seed import REPORT_SLUG, load_report


class Command(BaseCommand):
    help = (
        "Seed the database with the Cabinet report of 14 March 2013, once. "
        "Safe to run again: an already seeded database, and everything people have "
        "changed in it since, is left alone. Use --force to reload the report's words."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the fixture even if the report is already there (restores its texts).",
        )

    def handle(self, *args, force=False, **options):
        if not force and SourceDocument.objects.filter(slug=REPORT_SLUG).exists():
            self.stdout.write("The Cabinet report is already loaded; nothing to do.")
            return
        load_report(verbosity=options["verbosity"])
        # Fixtures load raw, which django-simple-history does not record: give each seeded
        # record its first history entry, so later changes show what they changed from.
        call_command("populate_history", auto=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Loaded the Cabinet report of 14 March 2013."))
