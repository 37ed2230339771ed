"""Delete downloads (and their files) older than reports.downloads.KEEP_DAYS. Run daily."""

from django.core.management.base import BaseCommand

from reports import downloads


class Command(BaseCommand):
    help = f"Delete downloads and their files older than {downloads.KEEP_DAYS} days."

    def handle(self, *args, **options):
        count = downloads.prune()
        self.stdout.write(f"Deleted {count} download{'s' if count != 1 else ''}.")
