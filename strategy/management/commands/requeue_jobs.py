"""Send again the background jobs still waiting (issue 16): after the broker lost its queue."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from strategy import jobs


class Command(BaseCommand):
    help = (
        "Send again to the broker every background job whose record is still waiting "
        "(downloads not started, Cabinet report PDFs not made, large imports not read; an "
        "import left being applied is handed back to be confirmed again). For after the "
        "broker lost its queue, e.g. Redis restarted without persistence. Jobs are safe to "
        "run twice, so a job still in the queue is not harmed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=10,
            metavar="MINUTES",
            help="Only jobs asked for at least this many minutes ago (default 10).",
        )

    def handle(self, *args, older_than: int, **options):
        before = timezone.now() - datetime.timedelta(minutes=older_than)
        sent = jobs.requeue_waiting(before)
        for name, count in sent.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{sum(sent.values())} job(s) sent again."))
