"""The risk register: risks to a strategy, or to one of its actions, with their mitigations and
reviews.

A risk is scored on the usual 5 × 5 matrix: likelihood and impact each from 1 (rare, minimal)
to 5 (almost certain, severe), and its score is likelihood × impact (1 to 25). The score falls
in one of three bands (RATING_BANDS): low 1–4, medium 5–12, high 15–25. A risk whose likelihood
and impact nobody has assessed yet (the report names the main risk but does not score it) has
neither, and no score: it is "not yet assessed" and needs review.

Each monitoring round, every risk not closed comes up for review: "reviewed" records a
RiskReview (who, when, in which round, a note, the likelihood and impact then) and sets the
next review date (risks/services.py).
"""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Partner
from actions.models import CouncilAction, StrategyAction
from monitoring.models import MonitoringRound
from strategy.models import Cited, Strategy

LOWEST, HIGHEST = 1, 5
#: The score bands of the 5 × 5 matrix: (lowest score, rating). A score is in the band of the
#: highest lowest score it reaches: 1–4 low, 5–12 medium, 15–25 high (13 and 14 cannot occur).
HIGH_FROM = 15
MEDIUM_FROM = 5

ONE_TO_FIVE = [
    MinValueValidator(LOWEST, "Choose a number from 1 to 5"),
    MaxValueValidator(HIGHEST, "Choose a number from 1 to 5"),
]
DESCRIPTION_MAX = 2000
MITIGATION_MAX = 1000
NOTE_MAX = 2000


class Rating(models.TextChoices):
    """Where a risk's score falls on the matrix."""

    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


#: The GOV.UK tag colour of each rating.
RATING_COLOURS = {
    Rating.NOT_ASSESSED: "grey",
    Rating.LOW: "green",
    Rating.MEDIUM: "yellow",
    Rating.HIGH: "red",
}


def rating_of(score: int | None) -> Rating:
    if score is None:
        return Rating.NOT_ASSESSED
    if score >= HIGH_FROM:
        return Rating.HIGH
    if score >= MEDIUM_FROM:
        return Rating.MEDIUM
    return Rating.LOW


def rating_filter(rating: str) -> Q:
    """The risks of a rating, as a filter on the stored score."""
    return {
        Rating.NOT_ASSESSED: Q(score__isnull=True),
        Rating.LOW: Q(score__lt=MEDIUM_FROM),
        Rating.MEDIUM: Q(score__gte=MEDIUM_FROM, score__lt=HIGH_FROM),
        Rating.HIGH: Q(score__gte=HIGH_FROM),
    }[Rating(rating)]


class Status(models.TextChoices):
    OPEN = "open", "Open"
    MANAGED = "managed", "Managed (tolerated)"
    CLOSED = "closed", "Closed"


class RiskQuerySet(models.QuerySet):
    def live(self):
        """Not closed: still to be managed and reviewed."""
        return self.exclude(status=Status.CLOSED)

    def high(self):
        """Live risks scoring in the high band."""
        return self.live().filter(score__gte=HIGH_FROM)

    def past_review_date(self, today: datetime.date):
        """Live risks whose review date has passed without a review moving it on."""
        return self.live().filter(review_date__lt=today)

    def not_assessed(self):
        return self.live().filter(score__isnull=True)

    def needing_review(self, today: datetime.date):
        """Live risks past their review date, or not yet assessed."""
        return self.live().filter(Q(review_date__lt=today) | Q(score__isnull=True))

    def with_reviewed_in(self, round_: MonitoringRound | None):
        """Each with `reviewed_in_round`: whether it has a review in `round_` (a subquery, so
        one query however many risks)."""
        if round_ is None:
            return self.annotate(reviewed_in_round=models.Value(False))
        return self.annotate(
            reviewed_in_round=Exists(RiskReview.objects.filter(risk=OuterRef("pk"), round=round_))
        )

    def due_for_review(self, round_: MonitoringRound | None):
        """Live risks with no review in the round (none while no round is open)."""
        if round_ is None:
            return self.none()
        return self.live().exclude(
            Exists(RiskReview.objects.filter(risk=OuterRef("pk"), round=round_))
        )

    def in_current_plans(self):
        return self.filter(strategy__status=Strategy.Status.CURRENT)


class RiskManager(models.Manager.from_queryset(RiskQuerySet)):
    def get_by_natural_key(self, strategy_slug, reference):
        return self.get(strategy__slug=strategy_slug, reference=reference)


class Risk(Cited):
    """A risk to a strategy as a whole, or to one of its strategy actions or proposed council
    actions (at most one), with its likelihood, impact and score, owner, review date and
    status, and its mitigations."""

    Status = Status

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="risks")
    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, null=True, blank=True, related_name="risks"
    )
    council_action = models.ForeignKey(
        CouncilAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name="proposed council action",
    )
    reference = models.CharField(
        max_length=12, help_text="A short reference within its strategy, such as R1."
    )
    description = models.TextField(
        "the risk",
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
        help_text="What might happen, and what it would mean.",
    )
    likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE, help_text="1 (rare) to 5 (almost certain)."
    )
    impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE, help_text="1 (minimal) to 5 (severe)."
    )
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Likelihood × impact, kept by save(); empty while not yet assessed.",
    )
    owner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name="owner organisation",
        help_text="The organisation that manages the risk.",
    )
    review_date = models.DateField("next review", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with each change, so a stale edit can be refused.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = RiskManager()

    class Meta:
        ordering = ["strategy", "pk"]
        indexes = [
            models.Index(fields=["strategy", "status"], name="risk_strategy_status"),
            models.Index(fields=["score"], name="risk_score"),
            models.Index(fields=["review_date"], name="risk_review_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "reference"],
                name="risk_unique_reference_per_strategy",
                violation_error_message="This strategy already has a risk with that reference.",
            ),
            models.CheckConstraint(
                condition=models.Q(strategy_action__isnull=True)
                | models.Q(council_action__isnull=True),
                name="risk_under_at_most_one_action",
                violation_error_message=(
                    "A risk belongs to the strategy, one strategy action or one proposed "
                    "council action."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="risk_status_valid",
                violation_error_message="Choose a status from the list.",
            ),
            models.CheckConstraint(
                condition=models.Q(likelihood__isnull=True, impact__isnull=True, score__isnull=True)
                | models.Q(
                    # Not null, spelled out: a check that comes to NULL would pass.
                    likelihood__isnull=False,
                    impact__isnull=False,
                    score__isnull=False,
                    likelihood__gte=LOWEST,
                    likelihood__lte=HIGHEST,
                    impact__gte=LOWEST,
                    impact__lte=HIGHEST,
                    score=models.F("likelihood") * models.F("impact"),
                ),
                name="risk_score_is_likelihood_times_impact",
                violation_error_message=(
                    "Give both likelihood and impact, each from 1 to 5, or neither."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.description}"

    def natural_key(self):
        return (*self.strategy.natural_key(), self.reference)

    natural_key.dependencies = ["strategy.strategy"]

    def get_absolute_url(self):
        return reverse("risk", args=[self.pk])

    def _keep_score(self) -> None:
        self.score = (
            self.likelihood * self.impact
            if self.likelihood is not None and self.impact is not None
            else None
        )

    def clean(self):
        self._keep_score()  # before full_clean() checks the constraints

    def save(self, *args, **kwargs):
        self._keep_score()
        super().save(*args, **kwargs)

    @property
    def action(self) -> StrategyAction | CouncilAction | None:
        """The action it belongs to; None for a risk to the strategy as a whole."""
        if self.strategy_action_id:
            return self.strategy_action
        if self.council_action_id:
            return self.council_action
        return None

    @property
    def level(self) -> str:
        if self.strategy_action_id:
            return "Strategy action"
        if self.council_action_id:
            return "Proposed council action"
        return "The strategy as a whole"

    @property
    def rating(self) -> Rating:
        return rating_of(self.score)

    @property
    def rating_colour(self) -> str:
        return RATING_COLOURS[self.rating]

    @property
    def is_assessed(self) -> bool:
        return self.score is not None

    @property
    def is_live(self) -> bool:
        return self.status != Status.CLOSED

    def is_past_review_date(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_live and self.review_date is not None and self.review_date < today

    @property
    def past_review_date(self) -> bool:
        return self.is_past_review_date()


class RiskMitigationManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, reference, position):
        return self.get(
            risk__strategy__slug=strategy_slug, risk__reference=reference, position=position
        )


class RiskMitigation(Cited):
    """One way a risk is mitigated, in its place among the risk's mitigations."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(
        "mitigation", max_length=MITIGATION_MAX, validators=[MaxLengthValidator(MITIGATION_MAX)]
    )

    history = HistoricalRecords()
    objects = RiskMitigationManager()

    class Meta:
        ordering = ["risk", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "position"],
                name="riskmitigation_unique_position_per_risk",
                violation_error_message="This risk already has a mitigation at that position.",
            )
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.risk.natural_key(), self.position)

    natural_key.dependencies = ["risks.risk"]


class RiskReview(models.Model):
    """A review of a risk: who reviewed it, when, in which monitoring round, the likelihood and
    impact they found, a note, and the next review date they set. Never changed once made."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    round = models.ForeignKey(
        MonitoringRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_reviews",
        verbose_name="monitoring round",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.TextField(
        blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    next_review_date = models.DateField("next review", null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        indexes = [models.Index(fields=["risk", "round"], name="riskreview_risk_round")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__isnull=True, impact__isnull=True)
                | models.Q(
                    likelihood__isnull=False,
                    impact__isnull=False,
                    likelihood__gte=LOWEST,
                    likelihood__lte=HIGHEST,
                    impact__gte=LOWEST,
                    impact__lte=HIGHEST,
                ),
                name="riskreview_likelihood_and_impact_1_to_5",
                violation_error_message="Give both likelihood and impact, each from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.risk.reference} on {self.reviewed_at:%-d %B %Y}"

    @property
    def score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def rating(self) -> Rating:
        return rating_of(self.score)
