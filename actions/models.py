"""Strategy actions, the council's existing activity and proposed council actions."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Partner
from strategy.models import Cited, CorporatePriority
from themes.models import Theme

from .status import CLOSED, WORRYING, Status, percent_problem, severity_rank

PERCENT_AT_MOST_100 = MaxValueValidator(100, "Percent complete must be between 0 and 100.")


class TrackedActionQuerySet(models.QuerySet):
    """What both kinds of action can be asked, each rule written once."""

    #: The lookup from the action to its theme.
    theme_lookup = "theme"

    def open(self):
        """Neither completed nor withdrawn."""
        return self.exclude(status__in=CLOSED)

    def worrying(self):
        """Off track or at risk."""
        return self.filter(status__in=WORRYING)

    def overdue(self, today):
        """Open, and the target date (the revised one if there is one) is before `today`."""
        return self.open().filter(
            models.Q(revised_target_date__lt=today)
            | models.Q(revised_target_date__isnull=True, original_target_date__lt=today)
        )

    def in_current_plans(self):
        """Actions under the themes of current strategies and plans."""
        # A subquery on the (few) current themes: the planner uses the theme index, no join.
        themes = Theme.objects.in_current_plans().values("pk")
        return self.filter(**{f"{self.theme_lookup}_id__in": themes})


class TrackedAction(Cited):
    """Abstract base: what every action carries to track its progress."""

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(
        "percent complete", default=0, validators=[PERCENT_AT_MOST_100]
    )
    original_target_date = models.DateField(null=True, blank=True)
    revised_target_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with each change, so a stale edit can be refused.",
    )
    percent_from_milestones = models.BooleanField(
        "percent complete from milestones",
        default=False,
        help_text=(
            "Percent complete is the share of its milestones done, not a number people type "
            "(actions/milestones.py)."
        ),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="%(class)s_percent_complete_0_to_100",
                violation_error_message="Percent complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="%(class)s_status_valid",
                violation_error_message="Choose a status from the list.",
            ),
        ]

    @property
    def status_choice(self):
        """The status as a :class:`Status`, which knows its RAG colour."""
        return Status(self.status)

    @property
    def target_date(self):
        """The date the action is now due: the revised date if there is one."""
        return self.revised_target_date or self.original_target_date

    @property
    def is_overdue(self):
        """As TrackedActionQuerySet.overdue(), for one action already loaded."""
        due = self.target_date
        return due is not None and due < timezone.localdate() and self.status not in CLOSED

    @property
    def milestones_done_count(self) -> int:
        """How many of its milestones are done, from the prefetched ones (actions/selectors.py)."""
        return sum(m.done_on is not None for m in self.milestones.all())

    @property
    def milestones_count(self) -> int:
        return len(self.milestones.all())

    @property
    def has_slipped(self):
        """The revised target date is later than the original."""
        return bool(
            self.original_target_date
            and self.revised_target_date
            and self.revised_target_date > self.original_target_date
        )


class StrategyActionManager(models.Manager.from_queryset(TrackedActionQuerySet)):
    def get_by_natural_key(self, strategy_slug, theme_number, reference):
        return self.get(
            theme__strategy__slug=strategy_slug, theme__number=theme_number, reference=reference
        )


class StrategyAction(TrackedAction):
    """An action of a strategy's action plan, within one of its themes, in the strategy's words."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(help_text="The action's order within its theme.")
    reference = models.CharField(
        max_length=20, help_text="A short reference such as T2.1 (theme 2, action 1)."
    )
    text = models.TextField(help_text="The action, word for word.")
    corporate_priorities = models.ManyToManyField(
        CorporatePriority, through="ActionPriority", blank=True, related_name="strategy_actions"
    )
    partners = models.ManyToManyField(
        Partner, through="ActionPartner", blank=True, related_name="strategy_actions"
    )
    last_update = models.ForeignKey(
        "ProgressUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The latest progress update, kept here so lists need no extra query.",
    )
    plan_position = models.BigIntegerField(
        default=0, editable=False, help_text="Plan order in one number (actions/ordering.py)."
    )

    history = HistoricalRecords(excluded_fields=["last_update", "plan_position"])
    objects = StrategyActionManager()

    class Meta(TrackedAction.Meta):
        ordering = ["theme", "position"]
        indexes = [models.Index(fields=["plan_position"], name="strategyaction_plan_position")]
        constraints = [
            *TrackedAction.Meta.constraints,
            models.UniqueConstraint(
                fields=["theme", "position"],
                name="strategyaction_unique_position_per_theme",
                violation_error_message="This theme already has an action at that position.",
            ),
            models.UniqueConstraint(
                fields=["theme", "reference"],
                name="strategyaction_unique_reference_per_theme",
                violation_error_message="This theme already has an action with that reference.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.text}"

    def natural_key(self):
        return (*self.theme.natural_key(), self.reference)

    natural_key.dependencies = ["themes.theme"]

    def get_absolute_url(self):
        return reverse("action", args=[self.pk])

    @property
    def voices(self):
        """The Forum's view beside the council's (see actions/voices.py)."""
        from .voices import two_voices

        return two_voices(self)


class SubPointManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, position):
        return self.get(
            strategy_action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            position=position,
        )


class SubPoint(Cited):
    """One of the ordered points listed under a strategy action."""

    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="sub_points"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = SubPointManager()

    class Meta:
        ordering = ["strategy_action", "position"]
        verbose_name = "sub-point"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy_action", "position"],
                name="subpoint_unique_position_per_action",
                violation_error_message="This action already has a sub-point at that position.",
            )
        ]

    def __str__(self):
        return f"{self.strategy_action.reference} ({self.position}): {self.text}"

    def natural_key(self):
        return (*self.strategy_action.natural_key(), self.position)

    natural_key.dependencies = ["actions.strategyaction"]


class ActionPartnerManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, partner_slug):
        return self.get(
            strategy_action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            partner__slug=partner_slug,
        )


class Role(models.TextChoices):
    """How a partner is responsible for a strategy action."""

    LEAD = "lead", "Lead"
    SUPPORTING = "supporting", "Supporting"


class ActionPartner(Cited):
    """A partner responsible for a strategy action, as its lead or in support."""

    Role = Role

    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="responsible_partners"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="action_roles")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.LEAD)

    objects = ActionPartnerManager()

    class Meta:
        ordering = ["strategy_action", "role", "partner__name"]
        verbose_name = "responsible partner"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy_action", "partner"],
                name="actionpartner_unique_partner_per_action",
                violation_error_message="This partner is already responsible for this action.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="actionpartner_role_valid",
                violation_error_message="Choose lead or supporting.",
            ),
        ]

    def __str__(self):
        role = self.get_role_display().lower()
        return f"{self.partner} ({role}) for {self.strategy_action.reference}"

    def natural_key(self):
        return (*self.strategy_action.natural_key(), self.partner.slug)

    natural_key.dependencies = ["actions.strategyaction", "accounts.partner"]


class ActionPriorityManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, priority_number):
        return self.get(
            strategy_action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            priority__number=priority_number,
        )


class ActionPriority(Cited):
    """A corporate priority that a strategy action supports, with where the source says so."""

    strategy_action = models.ForeignKey(StrategyAction, on_delete=models.CASCADE)
    priority = models.ForeignKey(CorporatePriority, on_delete=models.PROTECT)

    objects = ActionPriorityManager()

    class Meta:
        ordering = ["strategy_action", "priority__number"]
        verbose_name = "corporate priority supported"
        verbose_name_plural = "corporate priorities supported"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy_action", "priority"],
                name="actionpriority_unique_priority_per_action",
                violation_error_message="This action already supports that priority.",
            )
        ]

    def __str__(self):
        return f"{self.strategy_action.reference} supports {self.priority}"

    def natural_key(self):
        return (*self.strategy_action.natural_key(), self.priority.number)

    natural_key.dependencies = ["actions.strategyaction", "strategy.corporatepriority"]


class ExistingActivityManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, position):
        return self.get(
            strategy_action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            position=position,
        )


class ExistingActivity(Cited):
    """What the council already does towards a strategy action."""

    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="existing_activities"
    )
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    objects = ExistingActivityManager()

    class Meta:
        ordering = ["strategy_action", "position"]
        verbose_name = "existing council activity"
        verbose_name_plural = "existing council activity"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy_action", "position"],
                name="existingactivity_unique_position_per_action",
                violation_error_message="This action already has activity at that position.",
            )
        ]

    def __str__(self):
        return f"Existing council activity for {self.strategy_action.reference}"

    def natural_key(self):
        return (*self.strategy_action.natural_key(), self.position)

    natural_key.dependencies = ["actions.strategyaction"]


class Decision(models.TextChoices):
    """The decision on a proposed council action."""

    ENDORSED = "endorsed", "Endorsed"
    ACCEPTED = "accepted", "Accepted"
    IN_PROGRESS = "in_progress", "In progress"
    DEFERRED = "deferred", "Deferred"
    DECLINED = "declined", "Declined"


class CouncilActionQuerySet(TrackedActionQuerySet):
    theme_lookup = "strategy_action__theme"

    def council_views(self):
        """Per strategy action, `worst`: the SEVERITY index of its worst proposed council action
        (withdrawn ones aside), the council's view in the two voices (actions/voices.py)."""
        return (
            self.exclude(status=Status.WITHDRAWN)
            .values("strategy_action")
            .annotate(worst=models.Min(severity_rank()))
            .order_by()
        )


class CouncilActionManager(models.Manager.from_queryset(CouncilActionQuerySet)):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, position):
        return self.get(
            strategy_action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            position=position,
        )


class CouncilAction(TrackedAction):
    """A proposed council action: what the council will do in support of a strategy action."""

    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="council_actions"
    )
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(
        max_length=20, help_text="A short reference such as T2.1a (the first for T2.1)."
    )
    text = models.TextField(help_text="The proposed action, word for word.")
    responsible_unit = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="council_actions",
        limit_choices_to={"kind__in": Partner.COUNCIL_KINDS},
        help_text="The council unit that answers for this action.",
    )
    responsible_unit_paragraph = models.CharField(
        max_length=60,
        blank=True,
        help_text="Where the source names the responsible unit, if it does.",
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_council_actions",
        help_text="The named officer who leads this action, once there is one.",
    )

    # The decision on the proposal: who decided, when, and why.
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by_body = models.CharField(
        max_length=100, blank=True, help_text="A body that decided, such as Cabinet."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who recorded the decision.",
    )
    decision_paragraph = models.CharField(
        max_length=60, blank=True, help_text="Where the source records the decision, if it does."
    )

    # Proposed council actions added through the product, rather than from the report.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(null=True, blank=True)

    last_input = models.ForeignKey(
        "CouncilInput",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The latest council input, kept here so lists need no extra query.",
    )
    plan_position = models.BigIntegerField(
        default=0, editable=False, help_text="Plan order in one number (actions/ordering.py)."
    )

    history = HistoricalRecords(excluded_fields=["last_input", "plan_position"])
    objects = CouncilActionManager()

    class Meta(TrackedAction.Meta):
        ordering = ["strategy_action", "position"]
        verbose_name = "proposed council action"
        indexes = [
            models.Index(fields=["plan_position"], name="councilaction_plan_position"),
            # What changed: proposed council actions added in a window.
            models.Index(fields=["added_at"], name="councilaction_added_at"),
        ]
        constraints = [
            *TrackedAction.Meta.constraints,
            models.UniqueConstraint(
                fields=["strategy_action", "position"],
                name="councilaction_unique_position_per_action",
                violation_error_message=(
                    "This strategy action already has a council action at that position."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(decision="") | models.Q(decision__in=Decision.values),
                name="councilaction_decision_valid",
                violation_error_message="Choose a decision from the list.",
            ),
            models.UniqueConstraint(
                fields=["strategy_action", "reference"],
                name="councilaction_unique_reference_per_action",
                violation_error_message=(
                    "This strategy action already has a council action with that reference."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.text}"

    def natural_key(self):
        return (*self.strategy_action.natural_key(), self.position)

    natural_key.dependencies = ["actions.strategyaction"]

    def get_absolute_url(self):
        return reverse("council_action", args=[self.pk])

    @property
    def added_after_report(self):
        return self.added_by_id is not None

    @property
    def decided_by_display(self):
        return self.decided_by_body or (self.decided_by and str(self.decided_by)) or ""


def evidence_url_validator():
    return URLValidator(
        schemes=["http", "https"],
        message="Enter a web address that starts with http:// or https://",
    )


class ReviewState(models.TextChoices):
    """Where a progress record is in its review (monitoring/services.py)."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class ApprovedRecords(models.Manager):
    """Only approved records: what counts everywhere the plan is read. The default manager,
    so that a read which forgets to ask shows nothing unreviewed (fail closed)."""

    def get_queryset(self):
        return super().get_queryset().filter(review_state=ReviewState.APPROVED)


def review_indexes(prefix: str) -> list[models.Index]:
    """The few records not approved, found without reading the many that are: the review
    queue (oldest submitted first) and an organisation's drafts and returned ones."""
    return [
        models.Index(
            fields=["submitted_at"],
            condition=models.Q(review_state=ReviewState.SUBMITTED),
            name=f"{prefix}_waiting",
        ),
        models.Index(
            fields=["organisation"],
            condition=models.Q(review_state__in=[ReviewState.DRAFT, ReviewState.RETURNED]),
            name=f"{prefix}_unfinished",
        ),
    ]


class ReviewedRecord(models.Model):
    """Abstract base: a record that counts once a reviewer approves it (a progress update,
    council input, an indicator's value). `objects` holds approved records only, so a read that
    forgets to ask shows nothing unreviewed; `all_records` holds every state."""

    review_state = models.CharField(
        "review", max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    review_comment = models.TextField(
        "what to change",
        max_length=2000,
        blank=True,
        help_text="Why a reviewer returned it, for its author.",
    )

    # Meta.default_manager_name makes `objects` (approved records only) the default manager.
    all_records = models.Manager()
    objects = ApprovedRecords()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "all_records"


class ProgressRecord(ReviewedRecord):
    """Abstract base: a dated record of where an action stands, by a named person.

    A progress update (the Forum's) or council input (the council's). It starts as a draft
    (only its organisation sees it), is submitted, and is approved or returned by a reviewer;
    where its strategy does not review updates, submitting approves. The action's current
    status moves only when a record is approved, so everything the plan shows is approved.
    `objects` holds approved records only; `all_records` every state.
    """

    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrections",
        help_text="The approved record, in a closed round, that this one corrects.",
    )
    correction_reason = models.TextField("why it needs correcting", max_length=1000, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    organisation = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="The author's organisation when they posted it.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    percent_complete = models.PositiveSmallIntegerField(
        "percent complete", validators=[PERCENT_AT_MOST_100]
    )
    evidence_url = models.URLField(
        "evidence link", max_length=500, blank=True, validators=[evidence_url_validator()]
    )
    previous_target_date = models.DateField(null=True, blank=True, editable=False)
    revised_target_date = models.DateField(null=True, blank=True)
    revision_reason = models.TextField(
        "reason for the new target date", max_length=1000, blank=True
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        default_manager_name = "objects"
        base_manager_name = "all_records"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_state__in=ReviewState.values),
                name="%(class)s_review_state_valid",
                violation_error_message="Choose a review state from the list.",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="%(class)s_correction_has_reason",
                violation_error_message="Say why the update needs correcting.",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="%(class)s_percent_complete_0_to_100",
                violation_error_message="Percent complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="%(class)s_status_valid",
                violation_error_message="Choose a status from the list.",
            ),
            models.CheckConstraint(
                condition=models.Q(revised_target_date__isnull=True)
                | ~models.Q(revision_reason=""),
                name="%(class)s_revised_date_has_reason",
                violation_error_message="Give a reason for the new target date.",
            ),
        ]

    def clean(self):
        errors = {}
        if self.revised_target_date and not self.revision_reason.strip():
            errors["revision_reason"] = "Give a reason for the new target date"
        if problem := percent_problem(self.status, self.percent_complete):
            errors["percent_complete"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def status_choice(self):
        return Status(self.status)

    @property
    def subject(self):
        """The action it reports on."""
        return getattr(self, self.subject_field)

    @property
    def is_locked(self):
        """Approved in a monitoring round that has closed: nobody may change or delete it
        (a correction is a new record). Council input made before rounds reached it has none."""
        return self.review_state == ReviewState.APPROVED and bool(
            self.round_id and self.round.state == "closed"
        )

    @property
    def is_editable(self):
        """A draft, or returned for changes: its organisation may still change it."""
        return self.review_state in (ReviewState.DRAFT, ReviewState.RETURNED)


class ProgressUpdate(ProgressRecord):
    """The Forum's report of progress on a strategy action, by a member or the coordinator."""

    # What kind of record it is: its action's field, that action's field for its newest
    # approved record, and what people call it.
    subject_field = "strategy_action"
    latest_field = "last_update"
    kind_noun = "update"

    strategy_action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="updates"
    )
    round = models.ForeignKey(
        "monitoring.MonitoringRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text="The monitoring round that was open when the update was posted.",
    )
    narrative = models.TextField("what has happened", max_length=5000)
    next_steps = models.TextField(max_length=2000, blank=True)

    milestones_done = models.ManyToManyField(
        "Milestone",
        blank=True,
        related_name="updates_marking_done",
        help_text="The action's milestones this update marks done, once it is approved.",
    )

    history = HistoricalRecords()

    class Meta(ProgressRecord.Meta):
        indexes = [
            models.Index(fields=["strategy_action", "round"], name="progressupdate_action_round"),
            # Who has updated in a round (the dashboard, the round page): an index-only scan.
            models.Index(fields=["round", "strategy_action"], name="progressupdate_round_action"),
            # What changed: target dates moved in a window, counted from the index alone.
            models.Index(
                fields=["created_at"],
                condition=models.Q(revised_target_date__isnull=False),
                name="progressupdate_target_moves",
            ),
            *review_indexes("progressupdate"),
        ]

    def __str__(self):
        return f"Update on {self.strategy_action.reference}, {self.created_at:%-d %B %Y}"

    def get_absolute_url(self):
        return f"{self.strategy_action.get_absolute_url()}#update-{self.pk}"


class CouncilInput(ProgressRecord):
    """The council's input on a proposed council action, recorded by an officer."""

    subject_field = "council_action"
    latest_field = "last_input"
    kind_noun = "council input"

    council_action = models.ForeignKey(
        "CouncilAction", on_delete=models.CASCADE, related_name="inputs"
    )
    round = models.ForeignKey(
        "monitoring.MonitoringRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_input",
        help_text="The monitoring round that was open when the input was submitted.",
    )
    commentary = models.TextField(max_length=5000)
    resources = models.CharField(
        max_length=300,
        blank=True,
        help_text="For example \u201cwithin existing resources\u201d, or a stated amount.",
    )
    milestones_done = models.ManyToManyField(
        "Milestone",
        blank=True,
        related_name="inputs_marking_done",
        help_text="The action's milestones this input marks done, once it is approved.",
    )

    history = HistoricalRecords()

    class Meta(ProgressRecord.Meta):
        verbose_name = "council input"
        verbose_name_plural = "council input"
        permissions = [
            (
                "review_councilinput",
                "Can review council input for their unit and the units below it",
            )
        ]
        indexes = [
            # What changed: target dates moved in a window, counted from the index alone.
            models.Index(
                fields=["created_at"],
                condition=models.Q(revised_target_date__isnull=False),
                name="councilinput_target_moves",
            ),
            *review_indexes("councilinput"),
        ]

    def __str__(self):
        return f"Council input on {self.council_action.reference}, {self.created_at:%-d %B %Y}"

    def get_absolute_url(self):
        return f"{self.council_action.get_absolute_url()}#input-{self.pk}"


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        """Not done yet."""
        return self.filter(done_on__isnull=True)

    def overdue(self, today):
        """Not done, and due before `today`."""
        return self.open().filter(due_date__lt=today)


class Milestone(models.Model):
    """A dated step of a strategy action or of a proposed council action (exactly one of them):
    what is to be done by when, the organisation that owns it, and when it was done.

    Its action may take its percent complete from its milestones (done ÷ all); the services
    in actions/milestones.py keep that percent in step with every change.
    """

    strategy_action = models.ForeignKey(
        StrategyAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
    )
    council_action = models.ForeignKey(
        CouncilAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
    )
    title = models.CharField(max_length=200, help_text="What is to be done, in a few words.")
    due_date = models.DateField("due")
    owner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name="owner organisation",
        help_text="The organisation that owns the milestone and marks it done.",
    )
    done_on = models.DateField("done", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who marked it done (the author of the update that did, if one did).",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # Overdue milestones (the dashboard's exceptions): the few open ones, by due date.
            models.Index(
                fields=["due_date"],
                condition=models.Q(done_on__isnull=True),
                name="milestone_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(strategy_action__isnull=False, council_action__isnull=True)
                    | models.Q(strategy_action__isnull=True, council_action__isnull=False)
                ),
                name="milestone_under_one_action",
                violation_error_message=(
                    "A milestone belongs to one strategy action or one proposed council action."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=False) | models.Q(done_by__isnull=True),
                name="milestone_done_by_only_when_done",
                violation_error_message="Only a milestone that is done has someone who did it.",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference}: {self.title}"

    def get_absolute_url(self):
        return f"{self.action.get_absolute_url()}#milestone-{self.pk}"

    @property
    def action(self) -> StrategyAction | CouncilAction:
        """The strategy action or proposed council action it belongs to."""
        return self.strategy_action if self.strategy_action_id else self.council_action

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_date < timezone.localdate()


class SearchDocument(models.Model):
    """What the plan's search looks in for one strategy action (actions/search.py).

    On PostgreSQL `vector` holds the words, weighted and stemmed, with a GIN index (made by
    migration 0008, PostgreSQL only); on SQLite `text` holds them plain.
    """

    strategy_action = models.OneToOneField(
        StrategyAction, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    text = models.TextField(blank=True, editable=False)
    vector = SearchVectorField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"Search document for strategy action {self.strategy_action_id}"
