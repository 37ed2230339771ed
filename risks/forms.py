"""Forms of the risk register: a risk with its mitigations, a review, and the register's
filter (GOV.UK style, every error in plain English by its field)."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Partner
from actions.models import CouncilAction, StrategyAction
from govuk.fields import GovukDateField
from govuk.forms import GdsFormMixin, gds_helper, no_silent_cuts
from indicators.forms import ChoiceOfRecords

from .models import DESCRIPTION_MAX, MITIGATION_MAX, NOTE_MAX, Rating, Status

LIKELIHOOD_CHOICES = [
    (1, "1 – Rare"),
    (2, "2 – Unlikely"),
    (3, "3 – Possible"),
    (4, "4 – Likely"),
    (5, "5 – Almost certain"),
]
IMPACT_CHOICES = [
    (1, "1 – Minimal"),
    (2, "2 – Minor"),
    (3, "3 – Moderate"),
    (4, "4 – Major"),
    (5, "5 – Severe"),
]
#: How many mitigation rows the form offers beyond those a risk already has, and at least.
SPARE_MITIGATIONS = 2
MIN_MITIGATION_ROWS = 3
MAX_MITIGATION_ROWS = 20

NO_MITIGATION = "Enter at least one mitigation: how the risk is reduced or managed"
BOTH_OR_NEITHER = "Choose both the likelihood and the impact, or neither if not yet assessed"
REVIEW_NOT_PAST = "The next review date must be today or in the future"
UNKNOWN_ACTION = "There is no strategy action or proposed council action {ref} in this strategy"


def _one_to_five(what: str, choices, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=what.capitalize(),
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose the {what}, from 1 to 5",
            "invalid_choice": f"The {what} must be a whole number from 1 to 5",
        },
    )


def _text(label: str, most: int, what: str, *, required=True, help_text="", rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=most,
        help_text=help_text,
        # crispy-forms-gds's character count adds to aria-describedby, which only a field with
        # a hint has: start it empty for one without.
        widget=forms.Textarea(
            attrs={"rows": rows, **({} if help_text else {"aria-describedby": ""})}
        ),
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[:1].upper()}{what[1:]} must be {most:,} characters or fewer",
        },
    )


def _tidy(text: str) -> str:
    """Spaces at the ends of each line and runs of blank lines taken away."""
    lines = [line.rstrip() for line in (text or "").strip().splitlines()]
    return "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))


class RiskForm(GdsFormMixin, forms.Form):
    """Add or change a risk: what it belongs to, the risk, its scores, owner, review date,
    status and mitigations (rows `mitigation_<n>`: the risk's own and SPARE_MITIGATIONS empty).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    applies_to = forms.CharField(
        label="Which action is it a risk to? (optional)",
        required=False,
        max_length=20,
        help_text=(
            "The reference of a strategy action (like T2.1) or a proposed council action "
            "(like T2.1a). Leave it empty for a risk to the strategy as a whole."
        ),
        error_messages={"max_length": "The reference must be 20 characters or fewer"},
    )
    description = _text(
        "The risk",
        DESCRIPTION_MAX,
        "the risk",
        help_text="What might happen, and what it would mean for the strategy.",
        rows=4,
    )
    likelihood = _one_to_five("likelihood", LIKELIHOOD_CHOICES, required=False)
    impact = _one_to_five("impact", IMPACT_CHOICES, required=False)
    owner = ChoiceOfRecords(
        queryset=Partner.objects.filter(is_active=True).order_by("name"),
        label="Owner organisation (optional)",
        required=False,
        help_text="The organisation or council unit that manages the risk.",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    review_date = GovukDateField(
        what="the next review date",
        label="Next review date (optional)",
        help_text="For example, 30 9 2026",
        required=False,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        initial=Status.OPEN,
        error_messages={
            "required": "Choose the status",
            "invalid_choice": "Choose a status from the list",
        },
    )

    def __init__(self, *args, strategy, mitigation_rows=MIN_MITIGATION_ROWS, submit_label, **kw):
        super().__init__(*args, **kw)
        self.strategy = strategy
        self.rows = min(max(mitigation_rows, MIN_MITIGATION_ROWS), MAX_MITIGATION_ROWS)
        rows = []
        for n in range(1, self.rows + 1):
            self.fields[f"mitigation_{n}"] = _text(
                f"Mitigation {n}", MITIGATION_MAX, f"mitigation {n}", required=False, rows=2
            )
            rows.append(Field.textarea(f"mitigation_{n}", rows=2, max_characters=MITIGATION_MAX))
        radios = {"legend_size": Size.SMALL}
        self.helper.layout = Layout(
            "version",
            Field.text("applies_to"),
            Field.textarea("description", rows=4, max_characters=DESCRIPTION_MAX),
            Field.radios("likelihood", **radios),
            Field.radios("impact", **radios),
            Fieldset(
                HTML(
                    '<p class="govuk-body">At least one: how the risk is reduced or managed. '
                    "Empty a row to remove its mitigation.</p>"
                ),
                *rows,
                legend="Mitigations",
                legend_size=Size.MEDIUM,
            ),
            Field.select("owner"),
            Field("review_date", context={"legend_size": Size.SMALL}),
            Field.radios("status", **radios),
            Button("submit", submit_label),
        )

    @staticmethod
    def initial_for(risk) -> dict:
        action = risk.action
        initial = {
            "version": risk.version,
            "applies_to": action.reference if action else "",
            "description": risk.description,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "owner": risk.owner_id,
            "review_date": risk.review_date,
            "status": risk.status,
        }
        for mitigation in risk.mitigations.all():
            initial[f"mitigation_{mitigation.position}"] = mitigation.text
        return initial

    def clean_description(self):
        text = _tidy(self.cleaned_data.get("description", ""))
        if not text:
            raise forms.ValidationError("Enter the risk")
        return text

    def clean(self):
        cleaned = super().clean()
        likelihood, impact = cleaned.get("likelihood"), cleaned.get("impact")
        scored = "likelihood" not in self.errors and "impact" not in self.errors
        if scored and (likelihood is None) != (impact is None):
            self.add_error("impact" if impact is None else "likelihood", BOTH_OR_NEITHER)
        mitigations = []
        for n in range(1, self.rows + 1):
            name = f"mitigation_{n}"
            if name in self.errors:
                continue
            text = _tidy(cleaned.get(name, ""))
            if text:
                mitigations.append(text)
        if not mitigations and not any(n.startswith("mitigation_") for n in self.errors):
            self.add_error("mitigation_1", NO_MITIGATION)
        cleaned["mitigations"] = mitigations
        cleaned["strategy_action"], cleaned["council_action"] = self._action(
            cleaned.get("applies_to", "")
        )
        return cleaned

    def _action(self, reference: str):
        reference = (reference or "").strip()
        if not reference:
            return None, None
        in_strategy = Q(theme__strategy=self.strategy)
        action = StrategyAction.objects.filter(in_strategy, reference__iexact=reference).first()
        if action is not None:
            return action, None
        council = (
            CouncilAction.objects.filter(
                strategy_action__theme__strategy=self.strategy, reference__iexact=reference
            )
            .select_related("responsible_unit")
            .first()
        )
        if council is not None:
            return None, council
        self.add_error("applies_to", UNKNOWN_ACTION.format(ref=reference))
        return None, None

    def service_fields(self) -> dict:
        data = self.cleaned_data
        names = ["description", "likelihood", "impact", "owner", "review_date", "status"]
        names += ["mitigations", "strategy_action", "council_action"]
        return {name: data[name] for name in names}


class ReviewForm(forms.Form):
    """A review of a risk: the likelihood and impact found now, its status, a note, and the
    next review date."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    likelihood = _one_to_five("likelihood", LIKELIHOOD_CHOICES, required=True)
    impact = _one_to_five("impact", IMPACT_CHOICES, required=True)
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the status",
            "invalid_choice": "Choose a status from the list",
        },
    )
    note = _text(
        "Note (optional)",
        NOTE_MAX,
        "the note",
        required=False,
        help_text="What you found: whether the mitigations are working, what changed.",
    )
    next_review_date = GovukDateField(
        what="the next review date",
        label="Next review date",
        help_text="For example, 31 3 2027",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        radios = {"legend_size": Size.SMALL}
        self.helper = gds_helper(
            "version",
            Field.radios("likelihood", **radios),
            Field.radios("impact", **radios),
            Field.radios("status", **radios),
            Field.textarea("note", rows=3, max_characters=NOTE_MAX),
            Field("next_review_date", context={"legend_size": Size.SMALL}),
            Button("submit", "Record the review"),
        )
        no_silent_cuts(self)

    def clean_note(self):
        return _tidy(self.cleaned_data.get("note", ""))

    def clean_next_review_date(self):
        date = self.cleaned_data.get("next_review_date")
        if date and date < timezone.localdate():
            self.fields["next_review_date"].mark(REVIEW_NOT_PAST)
            raise forms.ValidationError(REVIEW_NOT_PAST)
        return date

    @staticmethod
    def initial_for(risk) -> dict:
        return {
            "version": risk.version,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "status": risk.status,
        }


class RegisterFilterForm(forms.Form):
    """The register's filter: by status, by rating, and those due for review in the round."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    rating = forms.ChoiceField(
        label="Rating",
        required=False,
        choices=[("", "Any"), *Rating.choices],
        error_messages={"invalid_choice": "Choose a rating from the list"},
    )
    due = forms.BooleanField(label="Only those due for review in the open round", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("status"),
            Field.select("rating"),
            Field.checkbox("due"),
            Button("apply", "Apply filter", css_class="govuk-button--secondary"),
        )
