"""Themes of a strategy and the partnership work recorded under them."""

from django.db import models
from django.urls import reverse

from strategy.models import Cited, Strategy


class ThemeQuerySet(models.QuerySet):
    def in_current_plans(self):
        """Themes of the strategies and plans in force (Strategy.objects.current())."""
        return self.filter(strategy__in=Strategy.objects.current())


class ThemeManager(models.Manager.from_queryset(ThemeQuerySet)):
    def get_by_natural_key(self, strategy_slug, number):
        return self.get(strategy__slug=strategy_slug, number=number)


class Theme(Cited):
    """A numbered theme of a strategy, such as 'Theme 2: Strengthening Support'."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    plan_rank = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="The theme's place in plan order, kept up to date by actions/ordering.py.",
    )

    objects = ThemeManager()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="theme_unique_number_per_strategy",
                violation_error_message="This strategy already has a theme with that number.",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="theme_number_positive",
                violation_error_message="Theme numbers start at 1.",
            ),
        ]

    def __str__(self):
        return f"Theme {self.number}: {self.title}"

    def natural_key(self):
        return (*self.strategy.natural_key(), self.number)

    natural_key.dependencies = ["strategy.strategy"]

    def get_absolute_url(self):
        return f"{reverse('plan')}#theme-{self.strategy.slug}-{self.number}"


class PartnershipExampleManager(models.Manager):
    def get_by_natural_key(self, strategy_slug, theme_number, position):
        return self.get(
            theme__strategy__slug=strategy_slug, theme__number=theme_number, position=position
        )


class PartnershipExample(Cited):
    """An example of partnership work between the council and the Third Sector under a theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="examples")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = PartnershipExampleManager()

    class Meta:
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "position"],
                name="partnershipexample_unique_position_per_theme",
                violation_error_message="This theme already has an example at that position.",
            )
        ]

    def __str__(self):
        return f"{self.theme}: example {self.position}"

    def natural_key(self):
        return (*self.theme.natural_key(), self.position)

    natural_key.dependencies = ["themes.theme"]
