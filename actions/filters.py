"""The plan page's filters, kept in the query string so a view can be bookmarked."""

import django_filters
from crispy_forms.layout import HTML
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Partner
from govuk.forms import gds_helper, no_silent_cuts
from strategy.models import Strategy
from themes.models import Theme

from .models import Decision, ProgressUpdate
from .selectors import open_round
from .status import Status

SEARCH_MAX = 200
APPLY = Button("apply", "Apply filters", css_class="govuk-button--secondary")


class PlanFilter(django_filters.FilterSet):
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
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    partner = django_filters.ModelChoiceFilter(
        label="Responsible partner",
        queryset=Partner.objects.filter(action_roles__isnull=False).distinct(),
        method="by_partner",
        empty_label="Any partner",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["theme"].label_from_instance = lambda t: f"{t.strategy}: {t}"
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
            Field.select("theme", label_size=Size.SMALL),
            Field.checkboxes("status", legend_size=Size.SMALL, small=True),
            Field.select("partner", label_size=Size.SMALL),
            Field.checkbox("overdue", small=True),
            Field.checkbox("no_update", small=True),
            HTML("</div></details>"),
            APPLY,
        )

    def filter_queryset(self, queryset):
        if not (self.form.is_valid() and self.form.cleaned_data.get("strategy")):
            queryset = queryset.in_current_plans()
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        in_updates = ProgressUpdate.objects.filter(
            strategy_action=OuterRef("pk"), narrative__icontains=words
        )
        return queryset.filter(
            Q(text__icontains=words) | Q(reference__iexact=words) | Exists(in_updates)
        )

    def by_partner(self, queryset, name, value):
        return queryset.filter(responsible_partners__partner=value) if value else queryset

    def only_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def only_without_update(self, queryset, name, value):
        round_ = open_round() if value else None
        if round_ is None:
            return queryset
        updated = ProgressUpdate.objects.filter(strategy_action=OuterRef("pk"), round=round_)
        return queryset.exclude(Exists(updated))


class CouncilActionFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="Responsible unit",
        queryset=Partner.objects.council_units(),
        method="by_unit",
        empty_label="Any unit",
        help_text="Includes the units within it.",
    )
    decision = django_filters.ChoiceFilter(choices=Decision.choices, empty_label="Any decision")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue: target date passed and not completed",
        method="only_overdue",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.helper = gds_helper(
            Field.select("unit", label_size=Size.SMALL),
            Field.select("decision", label_size=Size.SMALL),
            Field.checkboxes("status", legend_size=Size.SMALL, small=True),
            Field.checkbox("overdue", small=True),
            APPLY,
        )

    def by_unit(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            responsible_unit__in=Partner.objects.unit_and_descendant_ids(value.pk)
        )

    only_overdue = PlanFilter.only_overdue
