"""Email Forum members whose organisation has actions to update in the open round (daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from monitoring.reminders import send_update_reminders
from monitoring.selectors import current_round


class Command(BaseCommand):
    help = (
        "Remind each Forum member whose organisation has actions not yet updated in the open "
        "monitoring round. Run it daily: nobody is reminded more than once a day, so running it "
        "again the same day sends nothing more."
    )

    def handle(self, *args, **options):
        if current_round() is None:
            self.stdout.write("No monitoring round is open; no reminders sent.")
            return
        sent = send_update_reminders(today=timezone.localdate(), base_url=settings.SITE_URL)
        for reminder in sent:
            count = len(reminder.actions)
            references = ", ".join(action.reference for action in reminder.actions)
            self.stdout.write(
                f"Sent a reminder to {reminder.recipient.username} {reminder.recipient.email} "
                f"about {count} action{'' if count == 1 else 's'}: {references}"
            )
        if sent:
            self.stdout.write(
                self.style.SUCCESS(f"Sent {len(sent)} reminder{'' if len(sent) == 1 else 's'}.")
            )
        else:
            self.stdout.write(
                "No reminders sent: every organisation has updated its actions, "
                "or its members have already been reminded today."
            )
