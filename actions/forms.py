"""Forms for reporting progress and deciding on proposals, in the GOV.UK style."""

import datetime

from crispy_forms_gds.layout import Button, Div, Field, Fixed, Size
from django import forms
from django.utils import timezone

from accounts.models import Partner, User
from accounts.roles import Role
from evidence.forms import EvidenceFilesField
from govuk.fields import GovukDateField
from govuk.forms import gds_helper, no_silent_cuts

from .models import CouncilInput, Decision, ProgressUpdate
from .status import Status

PAST_TARGET = "The new target date must be today or in the future"
# The name of the button that keeps a progress record as a draft instead of submitting it.
SAVE_DRAFT = "save_draft"
# A target date further ahead than this is asked about (a strategy's plan runs three years).
FAR_AHEAD = datetime.timedelta(days=5 * 365)

RECORD_LABELS = {
    "evidence_url": "Link to evidence (optional)",
    "revision_reason": "Why the target date has changed",
}
RECORD_HELP = {
    "evidence_url": "A web address, starting with https://, for example a report or a web page.",
    "revision_reason": "Needed if you give a new target date.",
}
RECORD_ERRORS = {
    "evidence_url": {
        "invalid": "Enter a web address that starts with http:// or https://",
        "max_length": "The link must be 500 characters or fewer",
    },
    "revision_reason": {"max_length": "The reason must be 1,000 characters or fewer"},
}


class HttpsURLField(forms.URLField):
    """A link typed without a scheme, like example.org, means https://example.org."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class ProgressRecordForm(forms.ModelForm):
    """What every progress report asks; subclasses add their own words in `text_fields`.

    The hidden version detects a stale edit.
    """

    text_fields: tuple = ()
    submit_label = "Save"

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        help_text="A whole number from 0 to 100.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter how complete the action is, from 0 to 100",
            "invalid": "Percent complete must be a whole number, like 40",
            "min_value": "Percent complete must be 0 or more",
            "max_value": "Percent complete must be 100 or less",
        },
    )
    revised_target_date = GovukDateField(
        what="the new target date",
        label="New target date (optional)",
        help_text=(
            "Only if the action will finish later or earlier than planned. For example, 31 3 2027."
        ),
        required=False,
    )

    confirm = forms.BooleanField(
        label="Yes, these answers are right",
        required=False,
        help_text="Tick the box to save them as they are, or change them.",
    )

    def __init__(self, *args, subject=None, reviewed=False, correcting=None, **kwargs):
        """`subject` is the action as it stands, to tell an unusual answer from a usual one;
        `reviewed`: whether its strategy reviews updates before they count; `correcting`: the
        approved record (in a closed round) this one corrects, which asks why."""
        super().__init__(*args, **kwargs)
        self.subject = subject
        if correcting is not None:
            self.fields["correction_reason"] = forms.CharField(
                label="Why it needs correcting",
                help_text="Say what was wrong in the update, for the history and the next report.",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
                error_messages={
                    "required": "Say why the update needs correcting",
                    "max_length": "The reason must be 1,000 characters or fewer",
                },
            )
        self.fields["evidence_url"].widget = forms.TextInput(attrs={"spellcheck": "false"})
        # Evidence files (issue 13): counted with those the draft being carried on with has.
        already = self.instance.evidence_files.count() if self.instance.pk else 0
        self.fields["evidence_files"] = EvidenceFilesField(already=already)
        no_silent_cuts(self)
        self.submit = Div(
            Button("submit", "Submit for review" if reviewed else self.submit_label),
            Button.secondary(SAVE_DRAFT, "Save as draft"),
            css_class="govuk-button-group",
        )
        correction = (
            [Field.textarea("correction_reason", label_size=Size.MEDIUM, max_characters=1000)]
            if correcting is not None
            else []
        )
        self.helper = gds_helper(
            "version",
            *correction,
            Field.radios("status", legend_size=Size.MEDIUM),
            Field(
                "percent_complete",
                css_class=Fixed.for_input(Fixed.THREE),
                context={"label_size": Size.for_label(Size.MEDIUM), "suffix": "%"},
                template="govuk/suffix_input.html",
            ),
            *self.text_fields,
            Field.text("evidence_url", label_size=Size.MEDIUM),
            Field("evidence_files", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("revised_target_date", context={"legend_size": Size.MEDIUM}),
            Field.textarea("revision_reason", label_size=Size.SMALL, rows=2, max_characters=1000),
            self.submit,
        )

    def clean(self):
        cleaned = super().clean()
        revised = cleaned.get("revised_target_date")
        if revised and revised < timezone.localdate():
            self.fields["revised_target_date"].mark(PAST_TARGET)
            self.add_error("revised_target_date", PAST_TARGET)
        unusual = self.unusual_answers(cleaned)
        if unusual:
            # Ask, rather than refuse: the question shows only when there is something to
            # confirm, and stays (ticked, if it was) while other answers are put right.
            self.helper.layout.insert(len(self.helper.layout) - 1, Field.checkbox("confirm"))
            if not cleaned.get("confirm"):
                self.add_error("confirm", " ".join(unusual) + " Check and confirm, or change it.")
        return cleaned

    def unusual_answers(self, cleaned) -> list[str]:
        """Answers that may be right but are worth a second look."""
        unusual = []
        percent = cleaned.get("percent_complete")
        before = self.subject.percent_complete if self.subject is not None else None
        if before is not None and percent is not None and percent < before:
            unusual.append(f"Percent complete goes down from {before}% to {percent}%.")
        revised = cleaned.get("revised_target_date")
        if revised and revised > timezone.localdate() + FAR_AHEAD:
            unusual.append(f"The new target date, {revised:%-d %B %Y}, is over 5 years away.")
        return unusual


class ProgressUpdateForm(ProgressRecordForm):
    """What a Forum member reports on a strategy action."""

    submit_label = "Save update"
    text_fields = (
        Field.textarea("narrative", label_size=Size.MEDIUM, rows=6, max_characters=5000),
        Field.textarea("next_steps", label_size=Size.MEDIUM, rows=3, max_characters=2000),
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "status",
            "percent_complete",
            "narrative",
            "next_steps",
            "evidence_url",
            "revised_target_date",
            "revision_reason",
        ]
        field_classes = {"evidence_url": HttpsURLField}
        labels = {
            **RECORD_LABELS,
            "narrative": "What has happened",
            "next_steps": "Next steps (optional)",
        }
        help_texts = {
            **RECORD_HELP,
            "narrative": "What your organisation has done on this action since the last update.",
            # A hint is also needed by crispy-forms-gds 2.0's character count (KeyError without).
            "next_steps": "What your organisation will do next, and by when.",
        }
        error_messages = {
            **RECORD_ERRORS,
            "narrative": {
                "required": "Enter what has happened",
                "max_length": "What has happened must be 5,000 characters or fewer",
            },
            "next_steps": {"max_length": "Next steps must be 2,000 characters or fewer"},
        }


class CouncilInputForm(ProgressRecordForm):
    """What a council officer records on a proposed council action."""

    submit_label = "Save council input"
    text_fields = (
        Field.textarea("commentary", label_size=Size.MEDIUM, rows=6, max_characters=5000),
        Field.text("resources", label_size=Size.MEDIUM),
    )

    class Meta:
        model = CouncilInput
        fields = [
            "status",
            "percent_complete",
            "commentary",
            "resources",
            "evidence_url",
            "revised_target_date",
            "revision_reason",
        ]
        field_classes = {"evidence_url": HttpsURLField}
        labels = {
            **RECORD_LABELS,
            "commentary": "Commentary",
            "resources": "Resources (optional)",
        }
        help_texts = {
            **RECORD_HELP,
            "commentary": "What the council has done on this action, and what comes next.",
            "resources": "For example, “within existing resources”, or an amount such as £5,000.",
        }
        error_messages = {
            **RECORD_ERRORS,
            "commentary": {
                "required": "Enter the commentary",
                "max_length": "The commentary must be 5,000 characters or fewer",
            },
            "resources": {"max_length": "Resources must be 300 characters or fewer"},
        }


class DecisionForm(forms.Form):
    """A decision on a proposal, with its reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="What has the council decided?",
        help_text=(
            "Endorsed is recorded when Cabinet endorses a proposal, as it did the report's six. "
            "Record here what the council has decided since."
        ),
        choices=[c for c in Decision.choices if c[0] != Decision.ENDORSED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        # A hint is also needed by crispy-forms-gds 2.0's character count.
        help_text="Why it was decided, and by whom if not you, for the record.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Give the reason for the decision",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cuts(self)
        self.helper = gds_helper(
            "version",
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4, max_characters=2000),
            Button("submit", "Record the decision"),
        )


class AddCouncilActionForm(forms.Form):
    """A new proposed council action, added after the report as the plan evolves."""

    text = forms.CharField(
        label="What the council will do",
        help_text="In the words the council uses for it.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter what the council will do",
            "max_length": "The proposed action must be 2,000 characters or fewer",
        },
    )
    responsible_unit = forms.ModelChoiceField(
        label="Responsible council unit",
        queryset=Partner.objects.none(),
        empty_label="Choose a council unit",
        error_messages={"required": "Choose the council unit responsible"},
    )
    lead_officer = forms.ModelChoiceField(
        label="Lead officer (optional)",
        queryset=User.objects.none(),
        empty_label="No lead officer yet",
        required=False,
    )
    original_target_date = GovukDateField(
        what="the target date", label="Target date (optional)", required=False
    )

    def clean_original_target_date(self):
        date = self.cleaned_data.get("original_target_date")
        if date and date < timezone.localdate():
            message = "The target date must be today or in the future"
            self.fields["original_target_date"].mark(message)
            raise forms.ValidationError(message)
        return date

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units
        self.fields["lead_officer"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.COUNCIL_OFFICER, organisation__in=units
        ).distinct()
        no_silent_cuts(self)
        self.helper = gds_helper(
            Field.textarea("text", label_size=Size.MEDIUM, rows=4, max_characters=2000),
            Field.select("responsible_unit", label_size=Size.MEDIUM),
            Field.select("lead_officer", label_size=Size.MEDIUM),
            Field("original_target_date", context={"legend_size": Size.MEDIUM}),
            Button("submit", "Add the proposed council action"),
        )
