"""Monitoring rounds, the reporting cycle's periods, and the reminders sent in them.

A progress update records the round that was open when it was posted: the
link is owned by ``actions.ProgressUpdate.round`` (a lazy reference, so the
plan's app never imports this one). The tables keep the names they had when
rounds lived in ``actions``, so no row moved when the app was made.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class MonitoringRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=MonitoringRound.State.OPEN)


class MonitoringRound(models.Model):
    """A period in which every responsible partner is asked to update its actions.

    The Forum coordinator opens a round and closes it. At most one round is
    open at a time; an update posted while a round is open counts for it.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.OPEN)
    period_start = models.DateField("period covered from")
    period_end = models.DateField("period covered to")
    due_date = models.DateField("updates due by")
    cabinet_meeting = models.DateField(
        "Cabinet meeting", null=True, blank=True, help_text="The meeting its report goes to."
    )
    scrutiny_meeting = models.DateField(
        "scrutiny meeting",
        null=True,
        blank=True,
        help_text="The Overview and Scrutiny meeting its report goes to.",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(table_name="actions_historicalmonitoringround")
    objects = MonitoringRoundQuerySet.as_manager()

    class Meta:
        db_table = "actions_monitoringround"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="open"),
                name="monitoringround_one_open_round",
                violation_error_message="Close the open round before opening another.",
            ),
            models.CheckConstraint(
                condition=models.Q(state="open", closed_at__isnull=True)
                | models.Q(state="closed", closed_at__isnull=False),
                name="monitoringround_closed_has_a_date",
                violation_error_message="A closed round records when it was closed.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="monitoringround_period_ends_after_it_starts",
                violation_error_message="The period covered must end on or after it starts.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("round", args=[self.pk])

    @property
    def is_open(self):
        return self.state == self.State.OPEN


class ReminderLog(models.Model):
    """A reminder email sent to a person, so nobody gets more than one a day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    action_count = models.PositiveIntegerField()

    class Meta:
        db_table = "actions_reminderlog"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "sent_on"],
                name="reminderlog_one_per_person_per_day",
                violation_error_message="This person has already been reminded today.",
            )
        ]

    def __str__(self):
        return f"Reminder to {self.recipient} on {self.sent_on}"
