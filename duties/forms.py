"""The equality impact assessment and social value forms, in the GOV.UK style."""

from crispy_forms.layout import HTML
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.utils import timezone

from actions.forms import HttpsURLField
from govuk.fields import GovukDateField
from govuk.forms import gds_helper, no_silent_cuts

from .models import Outcome, ProtectedCharacteristic, State

YES_NO = [("yes", "Yes"), ("no", "No")]
NOT_IN_FUTURE = "The date it was done must be today or in the past"


class CharacteristicsField(forms.ModelMultipleChoiceField):
    """The protected characteristics as checkboxes; anything but their ids (a number too large
    for the database included) is "choose from the list"."""

    CHOOSE = "Choose protected characteristics from the list"

    def __init__(self, **kwargs):
        kwargs["error_messages"] = {"invalid_choice": self.CHOOSE, "invalid_pk_value": self.CHOOSE}
        super().__init__(**kwargs)

    def _check_values(self, value):
        for pk in value:
            pk = str(pk)
            if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise forms.ValidationError(self.CHOOSE, code="invalid_choice")
        return super()._check_values(value)


def _text(label, help_text, limit, what):
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea,
        required=False,
        max_length=limit,
        error_messages={"max_length": f"{what} must be {limit:,} characters or fewer"},
    )


def _yes_no(value) -> str:
    return "" if value is None else ("yes" if value else "no")


class EqualityAssessmentForm(forms.Form):
    """Which characteristics an action is likely to affect, and its assessment's state."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    characteristics = CharacteristicsField(
        label="Which protected characteristics is it likely to affect? (optional)",
        help_text="Select all that apply.",
        queryset=ProtectedCharacteristic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    affects_groups = forms.ChoiceField(
        label="Does it affect voluntary groups who serve people with protected characteristics?",
        help_text=(
            "If it does, a full equality impact assessment is completed before a decision to "
            "accept it (paragraph 2.7.1 of the Cabinet report)."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether it affects voluntary groups who serve people "
            "with protected characteristics"
        },
    )
    state = forms.ChoiceField(
        label="Where does the equality impact assessment stand?",
        choices=State.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the assessment stands"},
    )
    reason_not_needed = _text(
        "If it is not needed: why not",
        "Needed if you choose “Not needed”.",
        2000,
        "The reason",
    )
    assessed_on = GovukDateField(
        what="the date the assessment was done",
        label="If it is done: the date it was done",
        help_text="For example, 27 3 2026.",
        required=False,
    )
    outcome = forms.ChoiceField(
        label="If it is done: its outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    mitigation = _text(
        "If the outcome is negative: how the impact is mitigated",
        "Needed if the outcome is negative.",
        3000,
        "The mitigation",
    )
    summary = _text(
        "If it is done: what it found (optional)",
        "In a sentence or two, for the action’s page.",
        3000,
        "What it found",
    )
    link = HttpsURLField(
        label="If it is done: link to the assessment (optional)",
        help_text="A web address, starting with https://, where the assessment can be read.",
        max_length=500,
        required=False,
        error_messages={
            "invalid": "Enter a web address that starts with http:// or https://",
            "max_length": "The link must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        if not self.is_bound:
            self.initial.update(
                version=assessment.version,
                affects_groups=_yes_no(assessment.affects_groups) if assessment.pk else "",
                state=assessment.state,
                reason_not_needed=assessment.reason_not_needed,
                outcome=assessment.outcome,
                mitigation=assessment.mitigation,
                summary=assessment.summary,
                link=assessment.link,
                characteristics=(
                    list(assessment.characteristics.values_list("pk", flat=True))
                    if assessment.pk
                    else []
                ),
            )
            if assessment.assessed_on:
                day = assessment.assessed_on
                self.initial["assessed_on"] = [day.day, day.month, day.year]
        self.fields["link"].widget = forms.TextInput(attrs={"spellcheck": "false"})
        no_silent_cuts(self)
        self.helper = gds_helper(
            "version",
            Field.checkboxes("characteristics", legend_size=Size.MEDIUM, small=True),
            Field.radios("affects_groups", legend_size=Size.MEDIUM, inline=True),
            Field.radios("state", legend_size=Size.MEDIUM),
            Field.textarea("reason_not_needed", label_size=Size.SMALL, rows=3, max_characters=2000),
            HTML('<h2 class="govuk-heading-m">If the assessment is done</h2>'),
            Field("assessed_on", context={"legend_size": Size.SMALL}),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("mitigation", label_size=Size.SMALL, rows=3, max_characters=3000),
            Field.textarea("summary", label_size=Size.SMALL, rows=3, max_characters=3000),
            Field.text("link", label_size=Size.SMALL),
            Button("submit", "Save the assessment"),
        )

    def clean_assessed_on(self):
        done_on = self.cleaned_data.get("assessed_on")
        if done_on and done_on > timezone.localdate():
            self.fields["assessed_on"].mark(NOT_IN_FUTURE)
            raise forms.ValidationError(NOT_IN_FUTURE)
        return done_on

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        if state == State.NOT_NEEDED and not cleaned.get("reason_not_needed", "x").strip():
            self.add_error("reason_not_needed", "Say why an assessment is not needed")
        if state == State.DONE:
            if "assessed_on" in cleaned and cleaned["assessed_on"] is None:
                message = "Enter the date the assessment was done"
                self.fields["assessed_on"].mark(message)
                self.add_error("assessed_on", message)
            if not cleaned.get("outcome") and "outcome" not in self.errors:
                self.add_error("outcome", "Choose the outcome of the assessment")
            negative = cleaned.get("outcome") == Outcome.NEGATIVE
            if negative and not cleaned.get("mitigation", "x").strip():
                self.add_error("mitigation", "Say how the negative impact is mitigated")
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers, as the service takes them."""
        data = dict(self.cleaned_data)
        data.pop("version")
        data["affects_groups"] = data["affects_groups"] == "yes"
        return data


class SocialValueForm(forms.Form):
    """The Public Services (Social Value) Act 2012's considerations (paragraph 2.7.1)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    involves_procurement = forms.ChoiceField(
        label="Does it involve procurement or service agreements?",
        help_text=(
            "If it does, the Act’s three considerations are recorded before a decision to "
            "accept it."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it involves procurement or service agreements"},
    )
    wellbeing = _text(
        "How what is proposed to be procured may improve the economic, social and environmental "
        "wellbeing of the area",
        "Needed before a decision to accept, if it involves procurement.",
        3000,
        "How it may improve the area’s wellbeing",
    )
    securing = _text(
        "How that benefit can be secured through the process of procurement",
        "Needed before a decision to accept, if it involves procurement.",
        3000,
        "How the benefit can be secured",
    )
    consultation_needed = forms.ChoiceField(
        label="Does the council need to undertake any community consultation?",
        help_text="Needed before a decision to accept, if it involves procurement.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    consultation_notes = _text(
        "About the consultation (optional)",
        "Who would be consulted and when, or why none is needed.",
        3000,
        "About the consultation",
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                version=record.version,
                involves_procurement=_yes_no(record.involves_procurement) if record.pk else "",
                wellbeing=record.wellbeing,
                securing=record.securing,
                consultation_needed=_yes_no(record.consultation_needed),
                consultation_notes=record.consultation_notes,
            )
        no_silent_cuts(self)
        self.helper = gds_helper(
            "version",
            Field.radios("involves_procurement", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("wellbeing", label_size=Size.SMALL, rows=4, max_characters=3000),
            Field.textarea("securing", label_size=Size.SMALL, rows=4, max_characters=3000),
            Field.radios("consultation_needed", legend_size=Size.SMALL, inline=True),
            Field.textarea(
                "consultation_notes", label_size=Size.SMALL, rows=3, max_characters=3000
            ),
            Button("submit", "Save the considerations"),
        )

    def answers(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["involves_procurement"] = data["involves_procurement"] == "yes"
        needed = data["consultation_needed"]
        data["consultation_needed"] = None if not needed else needed == "yes"
        return data
