"""The public site's sitemap (django.contrib.sitemaps): only published strategies' pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from actions.models import StrategyAction
from indicators.models import Indicator
from strategy.models import Strategy


class PublicPages(Sitemap):
    """The landing page and each published strategy's own pages."""

    changefreq = "weekly"

    def items(self):
        pages = [("public_landing", ())]
        for slug in Strategy.objects.published().order_by("slug").values_list("slug", flat=True):
            pages += [
                ("public_strategy", (slug,)),
                ("public_council_actions", (slug,)),
                ("public_decision", (slug,)),  # issue 15
                ("public_indicators", (slug,)),
                ("public_open_data", (slug,)),
            ]
        return pages

    def location(self, item):
        name, args = item
        return reverse(name, args=args)


class PublicActions(Sitemap):
    """A page per strategy action of the published strategies (the sitemap framework splits
    them into pages of 50,000 with an index)."""

    changefreq = "weekly"

    def items(self):
        return (
            StrategyAction.objects.filter(theme__strategy__published_at__isnull=False)
            .order_by("plan_position", "pk")
            .values_list("theme__strategy__slug", "pk")
        )

    def location(self, item):
        return reverse("public_action", args=item)


class PublicIndicators(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Indicator.objects.filter(strategy__published_at__isnull=False)
            .order_by("pk")
            .values_list("strategy__slug", "pk")
        )

    def location(self, item):
        return reverse("public_indicator", args=item)


SITEMAPS = {"pages": PublicPages, "actions": PublicActions, "indicators": PublicIndicators}
