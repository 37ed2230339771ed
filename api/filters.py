"""The API's filters (django-filter), mirroring the plan page's (actions/filters.py): records are
chosen by id, so a filter never lists or validates choices (and never tells an anonymous caller
that an unpublished record exists: an id it may not see simply matches nothing)."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from accounts.models import Partner
from actions import search
from actions.filters import SEARCH_MAX
from actions.models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Decision,
    Milestone,
    ProgressUpdate,
    ReviewState,
    StrategyAction,
)
from actions.status import Status
from indicators.models import Indicator, IndicatorValue
from strategy.models import Strategy
from themes.models import Theme

ID_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class MomentField(IsoDateTimeField):
    """An ISO 8601 date and time, turned into UTC: PostgreSQL refuses offsets beyond ±15:59,
    which Python accepts (up to ±23:59), so a caller's odd offset must not reach it."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(
                "Enter a date and time between the years 1 and 9999", code="invalid"
            ) from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


def _id(field_name: str, help_text: str) -> IdFilter:
    return IdFilter(field_name=field_name, help_text=help_text)


def _status():
    return django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="One or more statuses (repeat the parameter)."
    )


def _review_state():
    return django_filters.MultipleChoiceFilter(
        choices=ReviewState.choices,
        help_text="Only signed-in callers see records not yet approved.",
    )


def _overdue():
    return django_filters.BooleanFilter(
        method="only_overdue", help_text="Target date passed and not completed or withdrawn."
    )


class _Overdue(django_filters.FilterSet):
    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class StrategyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Strategy.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Strategy.Kind.choices)

    class Meta:
        model = Strategy
        fields = ["status", "kind"]


class ThemeFilter(django_filters.FilterSet):
    strategy = _id("strategy", "A strategy's id.")

    class Meta:
        model = Theme
        fields = ["strategy"]


class ActionFilter(_Overdue):
    strategy = _id("theme__strategy", "A strategy's id.")
    theme = _id("theme", "A theme's id.")
    status = _status()
    partner = IdFilter(method="by_partner", help_text="A responsible partner's id.")
    current = django_filters.BooleanFilter(
        method="only_current", help_text="Only actions of the strategies and plans in force."
    )
    overdue = _overdue()
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_MAX,
        help_text="Words in an action or its updates (the first 1,000 matches).",
    )

    class Meta:
        model = StrategyAction
        fields = ["strategy", "theme", "status", "partner", "current", "overdue", "q"]

    def by_partner(self, queryset, name, value):
        linked = ActionPartner.objects.filter(strategy_action=OuterRef("pk"), partner=value)
        return queryset.filter(Exists(linked))

    def only_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = queryset.in_current_plans()
        return current if value else queryset.exclude(pk__in=current.values("pk"))

    def search(self, queryset, name, value):
        words = value.strip()
        return search.matching(queryset, words) if words else queryset


class CouncilActionFilter(_Overdue):
    strategy = _id("strategy_action__theme__strategy", "A strategy's id.")
    strategy_action = _id("strategy_action", "A strategy action's id.")
    unit = IdFilter(method="by_unit", help_text="A council unit's id (includes units within it).")
    decision = django_filters.ChoiceFilter(choices=Decision.choices)
    status = _status()
    overdue = _overdue()

    class Meta:
        model = CouncilAction
        fields = ["strategy", "strategy_action", "unit", "decision", "status", "overdue"]

    def by_unit(self, queryset, name, value):
        return queryset.filter(responsible_unit__in=Partner.objects.unit_and_descendant_ids(value))


class ProgressUpdateFilter(django_filters.FilterSet):
    strategy = _id("strategy_action__theme__strategy", "A strategy's id.")
    theme = _id("strategy_action__theme", "A theme's id.")
    strategy_action = _id("strategy_action", "A strategy action's id.")
    organisation = _id("organisation", "The posting organisation's id.")
    round = _id("round", "A monitoring round's id.")
    review_state = _review_state()
    status = _status()
    since = MomentFilter(
        field_name="created_at", lookup_expr="gte", help_text="Posted at or after (ISO 8601)."
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "strategy",
            "theme",
            "strategy_action",
            "organisation",
            "round",
            "review_state",
            "status",
            "since",
        ]


class CouncilInputFilter(django_filters.FilterSet):
    strategy = _id("council_action__strategy_action__theme__strategy", "A strategy's id.")
    strategy_action = _id("council_action__strategy_action", "A strategy action's id.")
    council_action = _id("council_action", "A proposed council action's id.")
    organisation = _id("organisation", "The recording unit's id.")
    round = _id("round", "A monitoring round's id.")
    review_state = _review_state()
    status = _status()
    since = MomentFilter(
        field_name="created_at", lookup_expr="gte", help_text="Recorded at or after (ISO 8601)."
    )

    class Meta:
        model = CouncilInput
        fields = [
            "strategy",
            "strategy_action",
            "council_action",
            "organisation",
            "round",
            "review_state",
            "status",
            "since",
        ]


class MilestoneFilter(django_filters.FilterSet):
    strategy_action = _id("strategy_action", "A strategy action's id.")
    council_action = _id("council_action", "A proposed council action's id.")
    owner = _id("owner", "The owner organisation's id.")
    done = django_filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)
    overdue = django_filters.BooleanFilter(method="only_overdue", help_text="Due and not done.")

    class Meta:
        model = Milestone
        fields = ["strategy_action", "council_action", "owner", "done", "overdue"]

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class IndicatorFilter(django_filters.FilterSet):
    strategy = _id("strategy", "A strategy's id.")
    owner = _id("owner", "The measuring organisation's id.")
    theme = IdFilter(field_name="themes", distinct=True, help_text="A theme's id.")
    strategy_action = IdFilter(
        field_name="strategy_actions", distinct=True, help_text="A strategy action's id."
    )

    class Meta:
        model = Indicator
        fields = ["strategy", "owner", "theme", "strategy_action"]


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = _id("indicator", "An indicator's id.")
    strategy = _id("indicator__strategy", "A strategy's id.")
    review_state = _review_state()
    measured_from = django_filters.DateFilter(field_name="measured_on", lookup_expr="gte")
    measured_to = django_filters.DateFilter(field_name="measured_on", lookup_expr="lte")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "strategy", "review_state", "measured_from", "measured_to"]
