"""Discussion on an action: comments between officers and the Forum, and the daily digests.

A comment is on exactly one strategy action or one proposed council action. It is not a
status change and never moves the action: progress is reported through updates and council
input. The plan's app never imports this one: the actions are named here as lazy strings
("actions.StrategyAction"), and the action pages show the thread through a template tag
(discussion/templatetags/discussion_tags.py).
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

#: The most a comment may hold, counted by the GOV.UK character count on the form.
BODY_MAX = 3000
#: The most a reason for hiding a comment may hold.
REASON_MAX = 1000


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments not hidden by an administrator."""
        return self.filter(hidden_at__isnull=True)

    def thread(self):
        """Oldest first, with what the page shows of each, in one query."""
        return self.select_related("author", "organisation", "hidden_by").order_by(
            "created_at", "pk"
        )


class Comment(models.Model):
    """A comment on a strategy action or a proposed council action: a question or an answer
    between council officers and the Forum, read by everyone who may read the plan.

    The author's organisation is kept as it was when they posted. An administrator may hide
    a comment, giving a reason: it then shows as hidden, with its text only to administrators.
    Hiding and showing again are recorded in the comment's history.
    """

    strategy_action = models.ForeignKey(
        "actions.StrategyAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,  # the thread's index below leads with it
    )
    council_action = models.ForeignKey(
        "actions.CouncilAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name="proposed council action",
        db_index=False,  # the thread's index below leads with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    organisation = models.ForeignKey(
        "accounts.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The author's organisation when they posted.",
    )
    # TextField keeps max_length for forms only: the validator makes full_clean() refuse too.
    body = models.TextField(
        "comment", max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )
    created_at = models.DateTimeField("posted at", default=timezone.now, db_index=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.TextField(
        "reason for hiding",
        max_length=REASON_MAX,
        blank=True,
        validators=[MaxLengthValidator(REASON_MAX)],
    )

    history = HistoricalRecords()
    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["strategy_action", "created_at"], name="comment_strategy_thread"),
            models.Index(fields=["council_action", "created_at"], name="comment_council_thread"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(strategy_action__isnull=False, council_action__isnull=True)
                | Q(strategy_action__isnull=True, council_action__isnull=False),
                name="comment_on_exactly_one_action",
                violation_error_message=(
                    "A comment is on one strategy action or one proposed council action."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True, hidden_by__isnull=True, hidden_reason="")
                | (Q(hidden_at__isnull=False, hidden_by__isnull=False) & ~Q(hidden_reason="")),
                name="comment_hidden_needs_a_reason",
                violation_error_message=(
                    "A hidden comment records who hid it, when and why; a shown one none of these."
                ),
            ),
        ]

    def __str__(self):
        return f"Comment by {self.author} on {self.subject.reference}"

    def get_absolute_url(self):
        return f"{self.subject.get_absolute_url()}#{self.anchor}"

    @property
    def subject(self):
        """The action the comment is on."""
        return self.strategy_action or self.council_action

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"


class DigestLog(models.Model):
    """A discussion digest emailed to a person, so nobody gets more than one a day.

    `sent_at` is when the digest was gathered: the person's next digest lists the comments
    posted after it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_digests"
    )
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    comment_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "sent_on"],
                name="digestlog_one_per_person_per_day",
                violation_error_message="This person has already been sent a digest today.",
            )
        ]

    def __str__(self):
        return f"Discussion digest to {self.recipient} on {self.sent_on}"
