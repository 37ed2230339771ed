"""Email each person the new comments on the actions they answer for (daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from discussion.digests import send_discussion_digests


class Command(BaseCommand):
    help = (
        "Email the responsible partners' Forum members and the units' council officers the new "
        "comments on the actions they answer for. Run it daily: nobody gets more than one "
        "digest a day, so running it again the same day sends nothing more."
    )

    def handle(self, *args, **options):
        run = send_discussion_digests(
            now=timezone.now(), today=timezone.localdate(), base_url=settings.SITE_URL
        )
        for digest in run.sent:
            count = len(digest.comments)
            references = ", ".join(subject.reference for subject in digest.subjects)
            self.stdout.write(
                f"Sent a digest to {digest.recipient.username} {digest.recipient.email} "
                f"of {count} comment{'' if count == 1 else 's'} on {references}"
            )
        for person in run.failed:
            self.stderr.write(
                f"Could not send the digest to {person.username} {person.email}: "
                "it will be tried again on the next run."
            )
        if run.sent:
            total = len(run.sent)
            self.stdout.write(
                self.style.SUCCESS(f"Sent {total} digest{'' if total == 1 else 's'}.")
            )
        elif not run.failed:
            self.stdout.write(
                "No digests sent: there are no new comments, or everyone has had today's."
            )
