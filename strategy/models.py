"""Strategy-level records: the source report, strategies and corporate priorities.

Every record seeded from the Cabinet report cites it through :class:`Cited`:
the source document and the paragraph the words come from.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class SourceDocumentManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceDocument(models.Model):
    """A published document the plan's records are taken from, e.g. a Cabinet report."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField("subject", max_length=200)
    meeting = models.CharField(max_length=100, help_text="For example, Cabinet.")
    meeting_date = models.DateField()
    responsible_officer_role = models.CharField(max_length=200, blank=True)
    portfolio = models.CharField(
        "portfolio holder", max_length=200, blank=True, help_text="The portfolio holder's role."
    )
    key_decision = models.BooleanField(default=False)
    exempt = models.BooleanField(default=False)
    subject_to_call_in = models.BooleanField(default=False)
    enclosures = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    reason_for_recommendations = models.TextField(blank=True)
    decision = models.TextField(
        blank=True,
        help_text="What the meeting decided, from its minutes. Blank until recorded.",
    )

    objects = SourceDocumentManager()

    class Meta:
        ordering = ["-meeting_date"]

    def __str__(self):
        return f"{self.meeting} report, {self.meeting_date:%-d %B %Y}: {self.title}"

    def natural_key(self):
        return (self.slug,)


class Cited(models.Model):
    """Abstract base: where a record's words come from.

    Records seeded from a report cite it and its paragraph; records people add
    later through the product have no source document.
    """

    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The document this record is taken from, if any.",
    )
    paragraph = models.CharField(
        max_length=60,
        blank=True,
        help_text="The paragraph(s) of the source document, for example 2.3.2.",
    )

    class Meta:
        abstract = True

    @property
    def citation(self):
        """A short human citation such as 'Cabinet report, 14 March 2013, paragraph 2.3.2'."""
        if not self.source_id:
            return ""
        where = f"{self.source.meeting} report, {self.source.meeting_date:%-d %B %Y}"
        if not self.paragraph:
            return where
        word = "paragraphs" if any(c in self.paragraph for c in ",;–-") else "paragraph"
        if self.paragraph[0].isalpha():  # "header", "section 6"
            return f"{where}, {self.paragraph}"
        return f"{where}, {word} {self.paragraph}"


class RecommendationManager(models.Manager):
    def get_by_natural_key(self, source_slug, number):
        return self.get(source__slug=source_slug, number=number)


class Recommendation(Cited):
    """A recommendation a source document put to its meeting."""

    # A recommendation always belongs to its document: override Cited's optional link.
    source = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = RecommendationManager()

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "number"],
                name="recommendation_unique_number_per_document",
                violation_error_message=(
                    "This document already has a recommendation with that number."
                ),
            )
        ]

    def __str__(self):
        return f"Recommendation {self.number}: {self.text}"

    def natural_key(self):
        return (*self.source.natural_key(), self.number)

    natural_key.dependencies = ["strategy.sourcedocument"]


class CorporatePriorityManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class CorporatePriority(Cited):
    """One of the council's corporate priorities that the strategy supports."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200, unique=True)

    objects = CorporatePriorityManager()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "corporate priorities"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.number,)


class StrategyQuerySet(models.QuerySet):
    def current(self):
        """The strategies and plans in force, of any kind: the one meaning of "current".

        Every figure, list and report counts the actions of these.
        """
        return self.filter(status=Strategy.Status.CURRENT)

    def published(self):
        """The strategies an administrator has published: their approved progress is open to
        anyone, signed in or not (the public site and the API's anonymous reads)."""
        return self.filter(published_at__isnull=False)


class StrategyManager(models.Manager.from_queryset(StrategyQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Strategy(Cited):
    """A strategy or plan for the council's work with the Third Sector.

    The report describes three: the 2010 Third Sector Strategy, the 2011
    Third Sector Investment Plan and the 2013 Third Sector Strategy.
    """

    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy"
        INVESTMENT_PLAN = "investment_plan", "Investment plan"

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"

    class Adoption(models.TextChoices):
        ADOPTED = "adopted", "Adopted"
        NOTED = "noted", "Noted"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STRATEGY)
    vision = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text="What the strategy sets out, in its words.")
    developed_by = models.CharField(max_length=300, blank=True)
    plan_years = models.PositiveSmallIntegerField(
        "length of action plan (years)", null=True, blank=True
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    adoption = models.CharField(
        "adopted or noted", max_length=10, choices=Adoption.choices, blank=True
    )
    adopted_by = models.CharField("adopted or noted by", max_length=100, blank=True)
    adopted_on = models.DateField("adopted or noted on", null=True, blank=True)
    adopted_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date is known: the report gives some dates as a month only.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CURRENT)
    supersedes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded_by"
    )
    stated_theme_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many themes the source says the strategy has, where it says so.",
    )
    corporate_priorities = models.ManyToManyField(
        CorporatePriority, blank=True, related_name="strategies"
    )
    reviews_updates = models.BooleanField(
        "updates are reviewed",
        default=True,
        help_text=(
            "On: progress updates and council input count only once a reviewer approves them. "
            "Off: submitting approves."
        ),
    )

    published_at = models.DateTimeField(
        "published on the public site",
        null=True,
        blank=True,
        help_text="Set when an administrator publishes the strategy; empty while it is private.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = StrategyManager()

    class Meta:
        ordering = ["-adopted_on", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="strategy_period_ends_after_it_starts",
                violation_error_message="The period must end after it starts.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('plan')}#strategy-{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def adopted_on_display(self):
        """The adoption date to the precision the source gives it."""
        if not self.adopted_on:
            return ""
        fmt = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}[self.adopted_on_precision]
        return self.adopted_on.strftime(fmt)


class StrategyElementManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, number):
        return self.get(strategy__slug=strategy_slug, number=number)


class StrategyElement(Cited):
    """A numbered element of a strategic framework, such as the 2011 Investment Plan's three."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = StrategyElementManager()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="strategyelement_unique_number_per_strategy",
                violation_error_message="This strategy already has an element with that number.",
            )
        ]

    def __str__(self):
        return f"{self.strategy}: element {self.number}"

    def natural_key(self):
        return (*self.strategy.natural_key(), self.number)

    natural_key.dependencies = ["strategy.strategy"]


class DemoProgress(models.Model):
    """A record that demonstration progress was added on top of the source document
    (`manage.py load_demo`, development only). While one exists every page, the Cabinet
    report and its PDF say that the tracker holds made-up demo records."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(blank=True, help_text="What the demo added.")

    class Meta:
        verbose_name = "demo progress"
        verbose_name_plural = "demo progress"

    def __str__(self):
        return f"Demo progress loaded {self.loaded_at:%-d %B %Y}"

    @classmethod
    def present(cls) -> bool:
        return cls.objects.exists()


# The decision, whole (issue 15): what the report put to Cabinet besides its recommendations,
# word for word, each passage with its paragraph.


class DecisionOptionManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, number):
        return self.get(strategy__slug=strategy_slug, number=number)


class DecisionOption(Cited):
    """One of the options the report put to its meeting about a strategy (2.2.1): what it
    would do, and whether it is the one recommended and taken (2.2.2)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="decision_options"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    chosen = models.BooleanField(
        "the option chosen",
        default=False,
        help_text="The option the report recommended and the meeting took.",
    )
    history = HistoricalRecords()

    objects = DecisionOptionManager()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="decisionoption_unique_number_per_strategy",
                violation_error_message="This strategy already has an option with that number.",
            )
        ]

    def __str__(self):
        return f"Option {self.number}: {self.text}"

    def natural_key(self):
        return (*self.strategy.natural_key(), self.number)

    natural_key.dependencies = ["strategy.strategy"]


class DecisionOptionPointManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, number, kind, position):
        return self.get(
            option__strategy__slug=strategy_slug,
            option__number=number,
            kind=kind,
            position=position,
        )


class DecisionOptionPoint(Cited):
    """An advantage or a disadvantage of an option, as the report lists it."""

    class Kind(models.TextChoices):
        ADVANTAGE = "advantage", "Advantage"
        DISADVANTAGE = "disadvantage", "Disadvantage"

    option = models.ForeignKey(DecisionOption, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    objects = DecisionOptionPointManager()

    class Meta:
        ordering = ["option", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "kind", "position"],
                name="decisionoptionpoint_unique_position",
                violation_error_message="This option already has a point at that position.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of option {self.option.number}: {self.text}"

    def natural_key(self):
        return (*self.option.natural_key(), self.kind, self.position)

    natural_key.dependencies = ["strategy.decisionoption"]


class DecisionPassageManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, section, position):
        return self.get(strategy__slug=strategy_slug, section=section, position=position)


class DecisionPassage(Cited):
    """A passage of the report on a strategy's decision, in the part of the decision it
    belongs to: a paragraph, or an item of the list the paragraph before it introduces."""

    class Section(models.TextChoices):
        # In the order the report gives them, which is the order the decision page shows.
        OPTIONS = "options", "Options considered"
        CHOSEN = "chosen", "The option chosen and why"
        BACKGROUND = "background", "Background"
        WHY_CHANGE = "why_change", "Why a change is needed"
        EQUALITY_DUTY = "equality_duty", "The public sector equality duty"
        CHARACTERISTICS = "characteristics", "Protected characteristics"
        SOCIAL_VALUE = "social_value", "Social value"
        FINANCIAL = "financial", "Financial implications"
        ENVIRONMENTAL = "environmental", "Environmental impact"
        RISK = "risk", "Risk management implications"
        EQUALITY = "equality", "Equalities implications"

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="decision_passages"
    )
    section = models.CharField(max_length=20, choices=Section.choices)
    position = models.PositiveSmallIntegerField(help_text="Its place within the section.")
    label = models.CharField(
        max_length=5,
        blank=True,
        help_text="For an item of a lettered list, its letter, for example a.",
    )
    is_list_item = models.BooleanField(
        "an item of a list",
        default=False,
        help_text="On: an item of the list the paragraph before it introduces.",
    )
    text = models.TextField()
    history = HistoricalRecords()

    objects = DecisionPassageManager()

    class Meta:
        ordering = ["strategy", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "section", "position"],
                name="decisionpassage_unique_position",
                violation_error_message="This section already has a passage at that position.",
            )
        ]

    def __str__(self):
        return f"{self.get_section_display()}, {self.paragraph}: {self.text[:60]}"

    def natural_key(self):
        return (*self.strategy.natural_key(), self.section, self.position)

    natural_key.dependencies = ["strategy.strategy"]
