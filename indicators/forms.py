"""Forms to define an indicator with its targets, record a value and review it (GOV.UK style)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_

from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import Partner
from actions.models import CouncilAction, StrategyAction
from govuk.fields import GovukDateField
from govuk.forms import GdsFormMixin
from strategy.models import Strategy
from themes.models import Theme

from .models import LARGEST, Direction, Frequency

#: How many target rows the form offers beyond those an indicator already has.
SPARE_TARGETS = 2
MIN_TARGET_ROWS = 3
TARGET_BEFORE_BASELINE = "The target date must be after the baseline date"
TARGET_NEEDS_DATE = "Enter the date to reach the target by"
TARGET_NEEDS_VALUE = "Enter the target value"
TARGET_DATE_TWICE = "Each target needs its own date: this date has a target already"
NO_TARGET = "Enter at least one target: a value and the date to reach it by"
BASELINE_NEEDS_DATE = "Enter the baseline date, or remove the baseline value"
BASELINE_NEEDS_VALUE = "Enter the baseline value, or remove the baseline date"
FUTURE_MEASURE = "The date it was measured must be today or in the past"


class FigureField(forms.CharField):
    """A number as people type it: 1,200, £1,200, 45% or 12.5, up to two decimal places."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
        )
        kwargs.setdefault("error_messages", {"required": f"Enter {what}"})
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        plain = re.sub(r"[\s,£$€%]", "", text)
        subject = self.what[:1].upper() + self.what[1:]
        try:
            number = Decimal(plain)
        except InvalidOperation:
            raise ValidationError(f"{subject} must be a number, like 120 or 45.5") from None
        if not number.is_finite():
            raise ValidationError(f"{subject} must be a number, like 120 or 45.5")
        if abs(number) > LARGEST:  # before rounding, which a huge exponent would overflow
            raise ValidationError(f"{subject} must be less than 1,000,000,000,000")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(f"{subject} can have at most 2 decimal places")
        return number.quantize(Decimal("0.01"))


def _an_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


class ChoiceOfRecords(forms.ModelChoiceField):
    """A record chosen by id, where an id too long for the database is simply not a choice."""

    def to_python(self, value):
        if value not in self.empty_values and not _an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoicesOfRecords(forms.ModelMultipleChoiceField):
    """Records chosen by id, where an id too long for the database is simply not a choice."""

    def _check_values(self, value):
        if not isinstance(value, list | tuple) or not all(_an_id(v) for v in value):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            )
        return super()._check_values(value)


def _references(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", text or "") if part.strip()]


class IndicatorForm(GdsFormMixin, forms.Form):
    """Define or change an indicator: what it measures, its baseline, targets and links.

    Targets are rows of value and date (`target_<n>_value`, `target_<n>_date`): the indicator's
    existing targets and SPARE_TARGETS empty rows. Actions are named by their references
    (T2.1, T2.1a), which scales to a plan of any size.
    """

    submit_label = "Save the indicator"

    strategy = ChoiceOfRecords(
        queryset=Strategy.objects.current(),
        label="Strategy",
        empty_label=None,
        error_messages={
            "required": "Choose the strategy",
            "invalid_choice": "Choose a strategy from the list",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Volunteers placed by the volunteer centre.",
        error_messages={
            "required": "Enter the indicator's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    definition = forms.CharField(
        label="Definition",
        help_text="What is counted and how, so that anyone measures it the same way.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the definition",
            "max_length": "The definition must be 2,000 characters or fewer",
        },
    )
    unit = forms.CharField(
        label="Unit",
        max_length=30,
        help_text="For example people, %, £ or organisations.",
        error_messages={
            "required": "Enter the unit",
            "max_length": "The unit must be 30 characters or fewer",
        },
    )
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which way is better"},
    )
    baseline_value = FigureField(
        what="the baseline value",
        label="Baseline value (optional)",
        required=False,
        help_text="Where it started. Without a baseline, the first value recorded is the start.",
    )
    baseline_date = GovukDateField(
        what="the baseline date",
        label="Baseline date (optional)",
        help_text="When the baseline was measured. For example, 1 4 2026",
        required=False,
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        max_length=300,
        help_text="Where the figures come from.",
        error_messages={"max_length": "The source must be 300 characters or fewer"},
    )
    frequency = forms.ChoiceField(
        label="How often it is measured",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often it is measured"},
    )
    owner = ChoiceOfRecords(
        queryset=Partner.objects.filter(is_active=True).order_by("name"),
        label="Measured by",
        help_text="The organisation that measures it and records its values.",
        error_messages={
            "required": "Choose the organisation that measures it",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    strategy_action_refs = forms.CharField(
        label="Strategy actions it measures (optional)",
        required=False,
        max_length=1000,
        help_text="Their references, separated by commas. For example, T1.2, T2.1",
        error_messages={"max_length": "List at most 1,000 characters of references"},
    )
    council_action_refs = forms.CharField(
        label="Proposed council actions it measures (optional)",
        required=False,
        max_length=1000,
        help_text="Their references, separated by commas. For example, T2.1a",
        error_messages={"max_length": "List at most 1,000 characters of references"},
    )
    themes = ChoicesOfRecords(
        queryset=Theme.objects.in_current_plans().order_by("strategy", "number"),
        label="Themes it measures (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose themes from the list"},
    )

    def __init__(self, *args, target_rows: int = MIN_TARGET_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_rows = max(target_rows, MIN_TARGET_ROWS)
        legend = {"legend_size": Size.SMALL}
        target_fields = []
        for n in range(1, self.target_rows + 1):
            self.fields[f"target_{n}_value"] = FigureField(
                what=f"the value of target {n}", label=f"Target {n} value", required=False
            )
            self.fields[f"target_{n}_date"] = GovukDateField(
                what=f"the date of target {n}",
                label=f"Target {n} date",
                help_text="For example, 31 3 2027",
                required=False,
            )
            target_fields += [
                Field.text(f"target_{n}_value", field_width=Fixed.TEN),
                Field(f"target_{n}_date", context=legend),
            ]
        if len(self.fields["strategy"].queryset) == 1:
            self.fields["strategy"].widget = forms.HiddenInput()
            self.fields["strategy"].initial = self.fields["strategy"].queryset.first()
        self.helper.layout = Layout(
            Field("strategy"),
            Field.text("name"),
            Field.textarea("definition", rows=4, max_characters=2000),
            Field.text("unit", field_width=Fixed.TEN),
            Field.radios("direction", legend_size=Size.SMALL),
            Field.text("baseline_value", field_width=Fixed.TEN),
            Field("baseline_date", context=legend),
            Fieldset(
                HTML(
                    '<p class="govuk-body">At least one: the value to reach and the date to '
                    "reach it by. Leave a row empty to skip it; empty a row to remove its "
                    "target.</p>"
                ),
                *target_fields,
                legend="Targets",
                legend_size=Size.MEDIUM,
            ),
            Field.text("source"),
            Field.radios("frequency", legend_size=Size.SMALL),
            Field.select("owner"),
            Field.text("strategy_action_refs"),
            Field.text("council_action_refs"),
            Field.checkboxes("themes", legend_size=Size.SMALL),
            Button("submit", self.submit_label),
        )

    @classmethod
    def initial_for(cls, indicator) -> dict:
        """The form's starting values for an existing indicator."""
        initial = {
            "strategy": indicator.strategy_id,
            "name": indicator.name,
            "definition": indicator.definition,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "baseline_value": _plain(indicator.baseline_value),
            "baseline_date": indicator.baseline_date,
            "source": indicator.source,
            "frequency": indicator.frequency,
            "owner": indicator.owner_id,
            "strategy_action_refs": ", ".join(
                a.reference for a in indicator.strategy_actions.all()
            ),
            "council_action_refs": ", ".join(c.reference for c in indicator.council_actions.all()),
            "themes": list(indicator.themes.all()),
        }
        for n, target in enumerate(indicator.targets.order_by("date"), start=1):
            initial[f"target_{n}_value"] = _plain(target.value)
            initial[f"target_{n}_date"] = target.date
        return initial

    def clean(self):
        cleaned = super().clean()
        value, date = cleaned.get("baseline_value"), cleaned.get("baseline_date")
        if value is not None and date is None and "baseline_date" not in self.errors:
            self._date_error("baseline_date", BASELINE_NEEDS_DATE)
        if date is not None and value is None and "baseline_value" not in self.errors:
            self.add_error("baseline_value", BASELINE_NEEDS_VALUE)
        targets, seen = [], set()
        for n in range(1, self.target_rows + 1):
            v_name, d_name = f"target_{n}_value", f"target_{n}_date"
            if v_name in self.errors or d_name in self.errors:
                continue
            t_value, t_date = cleaned.get(v_name), cleaned.get(d_name)
            if t_value is None and t_date is None:
                continue
            if t_date is None:
                self._date_error(d_name, TARGET_NEEDS_DATE)
            elif t_value is None:
                self.add_error(v_name, TARGET_NEEDS_VALUE)
            elif date is not None and t_date <= date:
                self._date_error(d_name, TARGET_BEFORE_BASELINE)
            elif t_date in seen:
                self._date_error(d_name, TARGET_DATE_TWICE)
            else:
                seen.add(t_date)
                targets.append((t_value, t_date))
        if not targets and not any(name.startswith("target_") for name in self.errors):
            self.add_error("target_1_value", NO_TARGET)
        cleaned["targets"] = targets
        strategy = cleaned.get("strategy")
        if strategy is not None:
            cleaned["strategy_actions"] = self._actions(
                "strategy_action_refs",
                StrategyAction.objects.filter(theme__strategy=strategy),
                "strategy action",
            )
            cleaned["council_actions"] = self._actions(
                "council_action_refs",
                CouncilAction.objects.filter(strategy_action__theme__strategy=strategy),
                "proposed council action",
            )
        return cleaned

    def _actions(self, name: str, actions, noun: str) -> list:
        references = _references(self.cleaned_data.get(name, ""))
        if not references:
            return []
        if len(references) > 100:
            self.add_error(name, "List at most 100 references")
            return []
        matches = actions.filter(reduce(or_, (Q(reference__iexact=r) for r in references)))
        found = {action.reference.lower(): action for action in matches}
        unknown = [r for r in references if r.lower() not in found]
        if unknown:
            self.add_error(
                name,
                f"There is no {noun} {', '.join(unknown)} in this strategy: check the reference",
            )
        return list(dict.fromkeys(found[r.lower()] for r in references if r.lower() in found))

    def _date_error(self, name: str, message: str) -> None:
        self.fields[name].mark(message)
        self.add_error(name, message)

    def service_fields(self) -> dict:
        """The cleaned data as the services take it."""
        data = self.cleaned_data
        names = (
            "strategy",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "source",
            "frequency",
            "owner",
        )
        fields = {name: data[name] for name in names}
        fields.update(
            targets=data["targets"],
            strategy_actions=data["strategy_actions"],
            council_actions=data["council_actions"],
            themes=list(data["themes"]),
        )
        return fields


def _plain(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


class ValueForm(GdsFormMixin, forms.Form):
    """Record a measured value of an indicator."""

    submit_label = "Submit the value"

    value = FigureField(what="the value", label="Value")
    measured_on = GovukDateField(
        what="the date it was measured",
        label="Date measured",
        help_text="The day the figure applies to. For example, 30 6 2026",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        help_text="Anything a reader needs to know about this figure.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        max_length=300,
        help_text="Where this figure comes from, if not the indicator's usual source.",
        error_messages={"max_length": "The source must be 300 characters or fewer"},
    )

    def __init__(self, *args, unit: str = "", reviewed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if unit:
            self.fields["value"].label = f"Value ({unit})"
        self.submit_label = "Submit the value for review" if reviewed else "Save the value"
        self.helper.layout = Layout(
            Field.text("value", field_width=Fixed.TEN, label_size=Size.SMALL),
            Field("measured_on", context={"legend_size": Size.SMALL}),
            Field.textarea("note", rows=3, max_characters=2000),
            Field.text("source"),
            Button("submit", self.submit_label),
        )

    def clean_measured_on(self):
        day = self.cleaned_data.get("measured_on")
        if day and day > timezone.localdate():
            self.fields["measured_on"].mark(FUTURE_MEASURE)
            raise ValidationError(FUTURE_MEASURE)
        return day


class ValueReviewForm(GdsFormMixin, forms.Form):
    """Approve a value, or return it with a comment saying what to change."""

    APPROVE = "approve"
    RETURN = "return"
    submit_label = "Save your review"

    decision = forms.ChoiceField(
        label="Your review",
        choices=[(APPROVE, "Approve it: it counts from now on"), (RETURN, "Return it for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the value or return it"},
    )
    comment = forms.CharField(
        label="What to change",
        help_text="Needed if you return it. The person who recorded it sees this.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The comment must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comment", rows=3, max_characters=2000),
            Button("submit", self.submit_label),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Say what to change, so it can be put right")
        return cleaned


class ApproveValuesForm(GdsFormMixin, forms.Form):
    """The values waiting for this reviewer, as boxes to tick and approve at once."""

    submit_label = "Approve the selected values"

    values = forms.MultipleChoiceField(
        label="Values to approve",
        help_text="Each counts from now on. Open a value from the review queue to return it.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the values to approve",
            "invalid_choice": "Select values from the list",
        },
    )

    def __init__(self, *args, waiting=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["values"].choices = [(str(value.pk), _choice(value)) for value in waiting]
        self.helper.layout = Layout(
            Field.checkboxes("values", legend_size=Size.MEDIUM, small=True),
            Button("submit", self.submit_label),
        )


def _choice(value) -> str:
    indicator = value.indicator
    who = value.author.get_full_name() or value.author.username
    organisation = f", {value.organisation.name}" if value.organisation_id else ""
    return (
        f"{indicator.name}: {indicator.show(value.value)} on {value.measured_on:%-d %B %Y} "
        f"(recorded by {who}{organisation})"
    )
