"""Strategy actions, the council's existing activity and proposed council actions."""

from django.db import models
from django.urls import reverse

from accounts.models import Partner
from strategy.models import Cited, CorporatePriority
from themes.models import Theme

from .status import Status


class TrackedAction(Cited):
    """Abstract base: what every action carries to track its progress."""

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField("percent complete", default=0)
    original_target_date = models.DateField(null=True, blank=True)
    revised_target_date = models.DateField(null=True, blank=True)

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


class StrategyActionManager(models.Manager):
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

    objects = StrategyActionManager()

    class Meta(TrackedAction.Meta):
        ordering = ["theme", "position"]
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
        return f"{reverse('plan')}#action-{self.pk}"


class SubPointManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, position):
        return self.get(
            action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            position=position,
        )


class SubPoint(Cited):
    """One of the ordered points listed under a strategy action."""

    action = models.ForeignKey(StrategyAction, on_delete=models.CASCADE, related_name="sub_points")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = SubPointManager()

    class Meta:
        ordering = ["action", "position"]
        verbose_name = "sub-point"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "position"],
                name="subpoint_unique_position_per_action",
                violation_error_message="This action already has a sub-point at that position.",
            )
        ]

    def __str__(self):
        return f"{self.action.reference} ({self.position}): {self.text}"

    def natural_key(self):
        return (*self.action.natural_key(), self.position)

    natural_key.dependencies = ["actions.strategyaction"]


class ActionPartnerManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, partner_slug):
        return self.get(
            action=StrategyAction.objects.get_by_natural_key(
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

    action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="responsible_partners"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="action_roles")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.LEAD)

    objects = ActionPartnerManager()

    class Meta:
        ordering = ["action", "role", "partner__name"]
        verbose_name = "responsible partner"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "partner"],
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
        return f"{self.partner} ({self.get_role_display().lower()}) for {self.action.reference}"

    def natural_key(self):
        return (*self.action.natural_key(), self.partner.slug)

    natural_key.dependencies = ["actions.strategyaction", "accounts.partner"]


class ActionPriorityManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, priority_number):
        return self.get(
            action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            priority__number=priority_number,
        )


class ActionPriority(Cited):
    """A corporate priority that a strategy action supports, with where the source says so."""

    action = models.ForeignKey(StrategyAction, on_delete=models.CASCADE)
    priority = models.ForeignKey(CorporatePriority, on_delete=models.PROTECT)

    objects = ActionPriorityManager()

    class Meta:
        ordering = ["action", "priority__number"]
        verbose_name = "corporate priority supported"
        verbose_name_plural = "corporate priorities supported"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "priority"],
                name="actionpriority_unique_priority_per_action",
                violation_error_message="This action already supports that priority.",
            )
        ]

    def __str__(self):
        return f"{self.action.reference} supports {self.priority}"

    def natural_key(self):
        return (*self.action.natural_key(), self.priority.number)

    natural_key.dependencies = ["actions.strategyaction", "strategy.corporatepriority"]


class ExistingActivityManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, reference, position):
        return self.get(
            action=StrategyAction.objects.get_by_natural_key(
                strategy_slug, theme_number, reference
            ),
            position=position,
        )


class ExistingActivity(Cited):
    """What the council already does towards a strategy action."""

    action = models.ForeignKey(
        StrategyAction, on_delete=models.CASCADE, related_name="existing_activities"
    )
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    objects = ExistingActivityManager()

    class Meta:
        ordering = ["action", "position"]
        verbose_name = "existing council activity"
        verbose_name_plural = "existing council activity"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "position"],
                name="existingactivity_unique_position_per_action",
                violation_error_message="This action already has activity at that position.",
            )
        ]

    def __str__(self):
        return f"Existing council activity for {self.action.reference}"

    def natural_key(self):
        return (*self.action.natural_key(), self.position)

    natural_key.dependencies = ["actions.strategyaction"]


class CouncilActionManager(models.Manager):
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

    objects = CouncilActionManager()

    class Meta(TrackedAction.Meta):
        ordering = ["strategy_action", "position"]
        verbose_name = "proposed council action"
        constraints = [
            *TrackedAction.Meta.constraints,
            models.UniqueConstraint(
                fields=["strategy_action", "position"],
                name="councilaction_unique_position_per_action",
                violation_error_message=(
                    "This strategy action already has a council action at that position."
                ),
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
        return f"{reverse('plan')}#council-action-{self.pk}"
