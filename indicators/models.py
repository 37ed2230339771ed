"""Indicators: measured outcomes of a strategy, with a baseline, targets and recorded values.

An indicator says what is measured (its definition and unit), which way is better, where it
started (the baseline) and where it should be by when (its targets). Values are recorded as
they are measured, each in the monitoring round open at the time, and reviewed like progress
updates where the strategy reviews updates. Only approved values count (`IndicatorValue.objects`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.models import Partner
from actions.models import CouncilAction, ReviewedRecord, ReviewState, StrategyAction
from strategy.models import Strategy
from themes.models import Theme

from .trajectory import Trajectory

#: Values and targets: up to 12 digits before the point and 2 after (people, %, £).
MAX_DIGITS, DECIMAL_PLACES = 14, 2
LARGEST = Decimal("999999999999.99")


class Direction(models.TextChoices):
    """Which way is better for an indicator."""

    UP = "up", "Up is better"
    DOWN = "down", "Down is better"
    HOLD = "hold", "Hold steady"


class Frequency(models.TextChoices):
    """How often an indicator is measured."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUALLY = "annually", "Annually"


def figure(value) -> str:
    """A value as people read it: 1,200.5 (thousands separated, no trailing zeros)."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".")


def with_unit(value, unit: str) -> str:
    """A value with its unit: £1,200, 45%, 120 people."""
    if value is None:
        return ""
    if unit in ("£", "$", "€"):
        return f"{unit}{figure(value)}"
    if unit == "%":
        return f"{figure(value)}%"
    return f"{figure(value)} {unit}".strip()


def _amount(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs
    )


class Indicator(models.Model):
    """A measured outcome of a strategy: what is counted, in what unit, which way is better,
    where it started and where it should be by when."""

    Direction = Direction
    Frequency = Frequency

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(max_length=200)
    definition = models.TextField(
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text="What is counted and how, so that anyone measures it the same.",
    )
    unit = models.CharField(max_length=30, help_text="For example people, %, £ or organisations.")
    direction = models.CharField(
        "which way is better", max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline_value = _amount("baseline value", null=True, blank=True)
    baseline_date = models.DateField("baseline date", null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the figures come from.")
    frequency = models.CharField(
        "how often it is measured",
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
    )
    owner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name="measured by",
        help_text="The organisation that measures it and records its values.",
    )
    strategy_actions = models.ManyToManyField(StrategyAction, blank=True, related_name="indicators")
    council_actions = models.ManyToManyField(
        CouncilAction,
        blank=True,
        related_name="indicators",
        verbose_name="proposed council actions",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="indicators")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Worked out again whenever its targets, baseline, direction or approved values change
    # (indicators/standing.py), so lists filter on it in the database instead of working out
    # every indicator's trajectory to find those behind.
    trajectory = models.CharField(
        max_length=14,
        choices=Trajectory.choices,
        default=Trajectory.NO_VALUES,
        editable=False,
        help_text="Where the latest approved value stands against the trajectory.",
    )

    history = HistoricalRecords(excluded_fields=["trajectory"])

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["trajectory"], name="indicator_trajectory")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="indicator_direction_valid",
                violation_error_message="Choose which way is better: up, down or hold steady.",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="indicator_frequency_valid",
                violation_error_message="Choose how often it is measured from the list.",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_value__isnull=True, baseline_date__isnull=True)
                | models.Q(baseline_value__isnull=False, baseline_date__isnull=False),
                name="indicator_baseline_has_value_and_date",
                violation_error_message="Give the baseline's value and its date, or neither.",
            ),
            models.UniqueConstraint(
                fields=["strategy", "name"],
                name="indicator_unique_name_per_strategy",
                violation_error_message="This strategy already has an indicator with that name.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicator", args=[self.pk])

    def clean(self):
        if (self.baseline_value is None) != (self.baseline_date is None):
            missing = "baseline_date" if self.baseline_date is None else "baseline_value"
            raise ValidationError({missing: "Give the baseline's value and its date, or neither"})

    def show(self, value) -> str:
        """A value of this indicator with its unit."""
        return with_unit(value, self.unit)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_date is not None


class IndicatorTarget(models.Model):
    """Where an indicator should be by a date. An indicator has one or more."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = _amount("target value")
    date = models.DateField("target date")

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = "indicator target"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                name="indicatortarget_unique_date_per_indicator",
                violation_error_message="This indicator already has a target for that date.",
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {figure(self.value)} by {self.date:%-d %B %Y}"


class IndicatorValue(ReviewedRecord):
    """A value of an indicator as measured on a date, recorded by a named person in the round
    open at the time. Reviewed like a progress update where the strategy reviews updates;
    `objects` holds approved values only, `all_records` every state."""

    kind_noun = "indicator value"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = _amount("value")
    measured_on = models.DateField("measured on")
    note = models.TextField(max_length=2000, blank=True, validators=[MaxLengthValidator(2000)])
    source = models.CharField(max_length=300, blank=True, help_text="Where this figure is from.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="indicator_values"
    )
    organisation = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        help_text="The author's organisation when they recorded it.",
    )
    round = models.ForeignKey(
        "monitoring.MonitoringRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        help_text="The monitoring round that was open when the value was recorded.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # No drafts: a value is one number and a note, submitted when recorded.
    review_state = models.CharField(
        "review", max_length=10, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-measured_on", "-pk"]
        default_manager_name = "objects"
        base_manager_name = "all_records"
        verbose_name = "indicator value"
        indexes = [
            models.Index(fields=["indicator", "measured_on"], name="indicatorvalue_measured"),
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(review_state=ReviewState.SUBMITTED),
                name="indicatorvalue_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_state__in=ReviewState.values),
                name="indicatorvalue_review_state_valid",
                violation_error_message="Choose a review state from the list.",
            ),
            models.CheckConstraint(
                condition=~models.Q(review_state=ReviewState.RETURNED)
                | ~models.Q(review_comment=""),
                name="indicatorvalue_returned_has_comment",
                violation_error_message="Say what to change when returning a value.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {figure(self.value)} on {self.measured_on:%-d %B %Y}"

    def get_absolute_url(self):
        return f"{self.indicator.get_absolute_url()}#value-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.review_state == ReviewState.APPROVED
