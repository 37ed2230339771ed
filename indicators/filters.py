"""The indicators list's filter: where each indicator stands against its trajectory, kept in
the query string so "See all indicators behind trajectory" can link to it."""

import django_filters
from crispy_forms_gds.layout import Button, Field

from govuk.forms import gds_helper

from .models import Indicator
from .trajectory import Trajectory


class IndicatorFilter(django_filters.FilterSet):
    trajectory = django_filters.ChoiceFilter(
        label="Trajectory",
        choices=Trajectory.choices,
        empty_label="Any",
        error_messages={"invalid_choice": "Choose where the indicators stand from the list"},
    )

    class Meta:
        model = Indicator
        fields = ["trajectory"]

    def lay_out(self) -> "IndicatorFilter":
        self.form.helper = gds_helper(
            Field.select("trajectory"),
            Button("apply", "Apply filter", css_class="govuk-button--secondary"),
        )
        return self
