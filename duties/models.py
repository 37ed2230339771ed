"""The council's duties as records (issue 15): the public sector equality duty and the Public
Services (Social Value) Act 2012, from paragraph 2.7.1 of the Cabinet report.

* ProtectedCharacteristic: the nine the report lists (seeded, cited).
* EqualityAssessment: an equality impact assessment of a strategy action, a proposed council
  action or, for the Forum's completed assessment of the strategy (2.12.1), a strategy.
* SocialValue: the Act's three considerations on a proposed council action that involves
  procurement or service agreements.

Both kinds of assessment are edited by several people: each carries a `version` that refuses
a stale save, and a history of every change with who made it and when.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actions.models import CouncilAction, StrategyAction
from strategy.models import Cited, Strategy


class ProtectedCharacteristicManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class ProtectedCharacteristic(Cited):
    """One of the relevant protected characteristics of the public sector equality duty."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(
        help_text="Where the report lists it (paragraph 2.7.1)."
    )

    objects = ProtectedCharacteristicManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class State(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    DUE = "due", "Due"
    DONE = "done", "Done"


class Outcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative, with mitigation"


#: What an assessment can be of, as (field, model): exactly one is set on each.
SUBJECTS = (
    ("strategy", Strategy),
    ("strategy_action", StrategyAction),
    ("council_action", CouncilAction),
)


class EqualityAssessmentManager(models.Manager):
    def get_by_natural_key(self, kind, *key):
        model = dict(SUBJECTS)[kind]
        return self.get(**{kind: model.objects.get_by_natural_key(*key)})


class EqualityAssessment(Cited):
    """An equality impact assessment: which characteristics the subject is likely to affect,
    whether it affects voluntary groups serving people with them, and where the assessment
    stands (not needed with the reason, due, or done with its date, outcome and a link)."""

    strategy = models.OneToOneField(
        Strategy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equality_assessment",
    )
    strategy_action = models.OneToOneField(
        StrategyAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equality_assessment",
    )
    council_action = models.OneToOneField(
        CouncilAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equality_assessment",
    )
    characteristics = models.ManyToManyField(
        ProtectedCharacteristic,
        blank=True,
        related_name="assessments",
        verbose_name="protected characteristics it is likely to affect",
    )
    affects_groups = models.BooleanField(
        "affects voluntary groups serving people with protected characteristics",
        default=False,
        help_text="Then a full equality impact assessment comes before a decision to accept.",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DUE)
    reason_not_needed = models.TextField("why it is not needed", blank=True)
    assessed_on = models.DateField(
        "date done",
        null=True,
        blank=True,
        help_text="Required for an assessment recorded here; the report gives none for 2.12.1.",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    mitigation = models.TextField(blank=True, help_text="How a negative impact is mitigated.")
    summary = models.TextField("what it found", blank=True)
    link = models.URLField("link to the assessment", max_length=500, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with each change, so a stale edit can be refused.",
    )
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[characteristics])

    objects = EqualityAssessmentManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        strategy__isnull=False,
                        strategy_action__isnull=True,
                        council_action__isnull=True,
                    )
                    | models.Q(
                        strategy__isnull=True,
                        strategy_action__isnull=False,
                        council_action__isnull=True,
                    )
                    | models.Q(
                        strategy__isnull=True,
                        strategy_action__isnull=True,
                        council_action__isnull=False,
                    )
                ),
                name="equalityassessment_of_exactly_one_subject",
                violation_error_message="An assessment is of one strategy or action.",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values),
                name="equalityassessment_state_valid",
            ),
        ]

    def __str__(self):
        return f"Equality impact assessment of {self.subject_label}"

    @property
    def kind(self) -> str:
        return next(name for name, _ in SUBJECTS if getattr(self, f"{name}_id"))

    @property
    def subject(self):
        return getattr(self, self.kind)

    @property
    def subject_label(self) -> str:
        subject = self.subject
        if isinstance(subject, Strategy):
            return subject.title
        noun = (
            "proposed council action" if isinstance(subject, CouncilAction) else "strategy action"
        )
        return f"{noun} {subject.reference}"

    def natural_key(self):
        return (self.kind, *self.subject.natural_key())

    natural_key.dependencies = [
        "strategy.strategy",
        "actions.strategyaction",
        "actions.councilaction",
        "duties.protectedcharacteristic",
    ]

    def get_absolute_url(self):
        if self.council_action_id:
            return reverse("council_action_equality", args=[self.council_action_id])
        if self.strategy_action_id:
            return reverse("action_equality", args=[self.strategy_action_id])
        return self.strategy.get_absolute_url()

    @property
    def settled(self) -> bool:
        """Done, or not needed with its reason: a decision to accept may follow."""
        return self.state in (State.DONE, State.NOT_NEEDED)

    def clean(self):
        errors = {}
        if self.state == State.NOT_NEEDED and not self.reason_not_needed.strip():
            errors["reason_not_needed"] = "Say why an assessment is not needed"
        if self.state == State.DONE:
            if not self.outcome:
                errors["outcome"] = "Choose the outcome of the assessment"
            if self.assessed_on is None and not self.source_id:
                # Only a record cited from a report may stay silent where the report is.
                errors["assessed_on"] = "Enter the date the assessment was done"
            if self.outcome == Outcome.NEGATIVE and not self.mitigation.strip():
                errors["mitigation"] = "Say how the negative impact is mitigated"
        if errors:
            raise ValidationError(errors)


class SocialValue(models.Model):
    """The Public Services (Social Value) Act 2012's considerations on a proposed council
    action (paragraph 2.7.1): recorded before a decision to accept one that involves
    procurement or service agreements."""

    council_action = models.OneToOneField(
        CouncilAction, on_delete=models.CASCADE, related_name="social_value"
    )
    involves_procurement = models.BooleanField(
        "involves procurement or service agreements", default=False
    )
    wellbeing = models.TextField(
        "how it may improve the area’s economic, social and environmental wellbeing", blank=True
    )
    securing = models.TextField(
        "how that benefit can be secured through the process of procurement", blank=True
    )
    consultation_needed = models.BooleanField(
        "whether the council needs to undertake any community consultation",
        null=True,
        blank=True,
    )
    consultation_notes = models.TextField("about the consultation", blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with each change, so a stale edit can be refused.",
    )
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "social value considerations"
        verbose_name_plural = "social value considerations"

    def __str__(self):
        return f"Social value of proposed council action {self.council_action.reference}"

    def get_absolute_url(self):
        return reverse("council_action_social_value", args=[self.council_action_id])

    @property
    def recorded(self) -> bool:
        """All three considerations answered."""
        return bool(
            self.wellbeing.strip()
            and self.securing.strip()
            and self.consultation_needed is not None
        )
