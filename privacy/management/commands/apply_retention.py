"""Delete personal logs kept longer than their retention period. Run daily."""

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Delete sign-in records, reminder and digest logs, expired sessions and API tokens, old "
        "downloads and imported spreadsheets kept longer than the periods in settings."
    )

    def handle(self, *args, **options):
        done = retention.apply()
        for what, count in done.items():
            self.stdout.write(f"Deleted {count} {what}.")
        total = sum(done.values())
        self.stdout.write(f"Done: {total} deleted in all.")
