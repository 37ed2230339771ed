"""The plan page's filters, kept in the query string so a view can be bookmarked.

A drop-down lists its choices only while they are few (CHOICES_MAX). A large council's
plans can have a thousand themes and thousands of partners: rendering every one on every
page cost most of the plan page's time and hundreds of kilobytes, and such a list is no
use to anyone on a phone. Past that size the drop-down gives way to a text box that
matches words in the names (the GOV.UK pattern for a long list without JavaScript). The
drop-down's own parameter (`?theme=<id>`, used by links such as an action's breadcrumbs)
still works either way.
"""

import django_filters
from crispy_forms.layout import HTML
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Partner
from govuk.forms import gds_helper, no_silent_cuts
from strategy.models import Strategy
from themes.models import Theme

from . import search
from .models import ActionPartner, Decision, ProgressUpdate
from .selectors import open_round
from .status import Status

SEARCH_MAX = 200
CHOICES_MAX = 100
APPLY = Button("apply", "Apply filters", css_class="govuk-button--secondary")


def words_filter(label: str, help_text: str, method: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        help_text=help_text,
        method=method,
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"{label} must be {SEARCH_MAX} characters or fewer"},
    )


def _selected_id(data, name: str) -> int | None:
    value = data.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class LongChoicesMixin:
    """Drop-downs (`long_choices`: field -> its text-box alternative) that become text boxes
    when they would list more than CHOICES_MAX choices."""

    long_choices: dict[str, str] = {}

    def setup_long_choices(self) -> set[str]:
        """Decide each drop-down's form; return the names of the fields to lay out."""
        shown = set()
        for name, words in self.long_choices.items():
            field = self.form.fields[name]
            choices = self.choices_for(name, field.queryset)
            field.queryset = choices
            if len(choices.values("pk")[: CHOICES_MAX + 1]) > CHOICES_MAX:
                field.widget = forms.HiddenInput()
                shown.add(words)
            else:
                del self.form.fields[words]
                shown.add(name)
        return shown

    def choices_for(self, name: str, queryset: QuerySet) -> QuerySet:
        return queryset


class PlanFilter(LongChoicesMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Words in an action or its updates.",
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"Search words must be {SEARCH_MAX} characters or fewer"},
    )
    strategy = django_filters.ModelChoiceFilter(
        field_name="theme__strategy",
        queryset=Strategy.objects.filter(kind=Strategy.Kind.STRATEGY),
        empty_label="Current strategies",
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.filter(strategy__kind=Strategy.Kind.STRATEGY).select_related(
            "strategy"
        ),
        empty_label="All themes",
    )
    theme_words = words_filter(
        "Theme", "Words in the theme's title, or its number.", "by_theme_words"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    partner = django_filters.ModelChoiceFilter(
        label="Responsible partner",
        queryset=Partner.objects.filter(
            Exists(ActionPartner.objects.filter(partner=OuterRef("pk")))
        ),
        method="by_partner",
        empty_label="Any partner",
    )
    partner_words = words_filter(
        "Responsible partner", "Words in the partner's name.", "by_partner_words"
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue: target date passed and not completed",
        method="only_overdue",
        widget=forms.CheckboxInput,
    )
    no_update = django_filters.BooleanFilter(
        label="No update in the current monitoring round",
        method="only_without_update",
        widget=forms.CheckboxInput,
    )

    long_choices = {"theme": "theme_words", "partner": "partner_words"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["theme"].label_from_instance = lambda t: f"{t.strategy}: {t}"

    def lay_out(self) -> "PlanFilter":
        """Make the form ready to show (the exports, which only filter, skip this)."""
        shown = self.setup_long_choices()
        no_silent_cuts(self.form)
        # The search box first; the other filters folded away (a GOV.UK details component,
        # which works without JavaScript) unless one is in use, so on a phone the actions
        # come first.
        in_use = any(self.data.get(name) for name in self.filters if name != "q")
        if self.is_bound and not self.form.is_valid():
            in_use = True
        self.form.helper = gds_helper(
            Field.text("q", label_size=Size.SMALL),
            HTML(
                f'<details class="govuk-details"{" open" if in_use else ""}>'
                '<summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">More filters</span></summary>'
                '<div class="govuk-details__text">'
            ),
            Field.select("strategy", label_size=Size.SMALL),
            self.choice_or_words("theme", "theme_words", shown),
            Field.checkboxes("status", legend_size=Size.SMALL, small=True),
            self.choice_or_words("partner", "partner_words", shown),
            Field.checkbox("overdue", small=True),
            Field.checkbox("no_update", small=True),
            HTML("</div></details>"),
            APPLY,
        )
        return self

    @staticmethod
    def choice_or_words(name: str, words: str, shown: set[str]):
        if name in shown:
            return Field.select(name, label_size=Size.SMALL)
        return Layout(Field(name), Field.text(words, label_size=Size.SMALL))

    def choices_for(self, name, queryset):
        """Themes of the chosen strategy, or of the current ones (and the theme already
        chosen, wherever it is); partners as they are."""
        if name != "theme":
            return queryset
        strategy = _selected_id(self.data, "strategy")
        in_scope = Q(strategy=strategy) if strategy else Q(strategy__in=Strategy.objects.current())
        if selected := _selected_id(self.data, "theme"):
            in_scope |= Q(pk=selected)
        return queryset.filter(in_scope)

    def filter_queryset(self, queryset):
        if not (self.form.is_valid() and self.form.cleaned_data.get("strategy")):
            queryset = queryset.in_current_plans()
        queryset = super().filter_queryset(queryset)
        # The search last: it takes the first matches among what the other filters leave.
        words = (self.form.cleaned_data.get("q") or "").strip()
        return search.matching(queryset, words) if words else queryset

    @property
    def searched(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("q", "").strip())

    def search(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def by_partner(self, queryset, name, value):
        return queryset.filter(responsible_partners__partner=value) if value else queryset

    def by_theme_words(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        if words.isascii() and words.isdigit() and len(words) <= 4:
            return queryset.filter(theme__number=int(words))
        return queryset.filter(theme__title__icontains=words)

    def by_partner_words(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        named = ActionPartner.objects.filter(
            strategy_action=OuterRef("pk"), partner__name__icontains=words
        )
        return queryset.filter(Exists(named))

    def only_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def only_without_update(self, queryset, name, value):
        round_ = open_round() if value else None
        if round_ is None:
            return queryset
        updated = ProgressUpdate.objects.filter(strategy_action=OuterRef("pk"), round=round_)
        return queryset.exclude(Exists(updated))


class CouncilActionFilter(LongChoicesMixin, django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="Responsible unit",
        queryset=Partner.objects.council_units(),
        method="by_unit",
        empty_label="Any unit",
        help_text="Includes the units within it.",
    )
    unit_words = words_filter("Responsible unit", "Words in the unit's name.", "by_unit_words")
    decision = django_filters.ChoiceFilter(choices=Decision.choices, empty_label="Any decision")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue: target date passed and not completed",
        method="only_overdue",
        widget=forms.CheckboxInput,
    )

    long_choices = {"unit": "unit_words"}

    def lay_out(self) -> "CouncilActionFilter":
        """Make the form ready to show."""
        shown = self.setup_long_choices()
        no_silent_cuts(self.form)
        self.form.helper = gds_helper(
            PlanFilter.choice_or_words("unit", "unit_words", shown),
            Field.select("decision", label_size=Size.SMALL),
            Field.checkboxes("status", legend_size=Size.SMALL, small=True),
            Field.checkbox("overdue", small=True),
            APPLY,
        )
        return self

    def by_unit(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            responsible_unit__in=Partner.objects.unit_and_descendant_ids(value.pk)
        )

    def by_unit_words(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(responsible_unit__name__icontains=words) if words else queryset

    only_overdue = PlanFilter.only_overdue
