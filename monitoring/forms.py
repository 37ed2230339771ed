"""The form to open a monitoring round, in the GOV.UK style."""

from __future__ import annotations

from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from govuk.fields import GovukDateField
from govuk.forms import GdsFormMixin

from .models import MonitoringRound

NAME_REQUIRED = "Enter a name for the round"
NAME_TOO_LONG = "The name must be 100 characters or fewer"
NAME_TAKEN = "A round with this name already exists"
END_BEFORE_START = "The period covered must end on or after it starts"
DUE_BEFORE_START = "The due date must be on or after the start of the period"
MEETING_BEFORE_DUE = "The meeting must be on or after the date updates are due"


class OpenRoundForm(GdsFormMixin, forms.Form):
    submit_label = "Open the round"

    name = forms.CharField(
        label="Name of the round",
        help_text="For example, Quarter 1 2025 to 2026",
        max_length=100,
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
    )
    period_start = GovukDateField(
        what="the start of the period covered",
        label="Start of the period covered",
        help_text="For example, 1 4 2025",
    )
    period_end = GovukDateField(
        what="the end of the period covered",
        label="End of the period covered",
        help_text="For example, 30 6 2025",
    )
    due_date = GovukDateField(
        what="the due date",
        label="Updates due by",
        help_text="Partners are reminded by email until they have updated. For example, 15 7 2025",
    )

    cabinet_meeting = GovukDateField(
        what="the date of the Cabinet meeting",
        label="Cabinet meeting the report goes to (optional)",
        help_text="For example, 17 9 2025",
        required=False,
    )
    scrutiny_meeting = GovukDateField(
        what="the date of the scrutiny meeting",
        label="Overview and Scrutiny meeting the report goes to (optional)",
        help_text="For example, 24 9 2025",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        legend = {"legend_size": "govuk-fieldset__legend--s"}
        self.helper.layout = Layout(
            Field.text("name", field_width=Fixed.TWENTY),
            Field("period_start", context=legend),
            Field("period_end", context=legend),
            Field("due_date", context=legend),
            Field("cabinet_meeting", context=legend),
            Field("scrutiny_meeting", context=legend),
            Button("submit", self.submit_label),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if MonitoringRound.objects.filter(name__iexact=name).exists():
            raise ValidationError(NAME_TAKEN, code="unique")
        return name

    def clean(self):
        cleaned = super().clean()
        start, end, due = (cleaned.get(n) for n in ("period_start", "period_end", "due_date"))
        if start and end and end < start:
            self.add_date_error("period_end", END_BEFORE_START)
        if start and due and due < start:
            self.add_date_error("due_date", DUE_BEFORE_START)
        for meeting in ("cabinet_meeting", "scrutiny_meeting"):
            if due and cleaned.get(meeting) and cleaned[meeting] < due:
                self.add_date_error(meeting, MEETING_BEFORE_DUE)
        return cleaned

    def add_date_error(self, name: str, message: str) -> None:
        self.fields[name].mark(message)
        self.add_error(name, message)


# --- Reviewing progress -----------------------------------------------------------------------

NOTHING_SELECTED = "Select at least one update to approve"
COMMENT_NEEDED = "Say what to change, so the author can put it right"
DECISION_NEEDED = "Choose whether to approve the update or return it for changes"


class ApproveSelectedForm(forms.Form):
    """The review queue's boxes: the updates to approve at once ("update-12", "input-5")."""

    records = forms.MultipleChoiceField(
        label="Updates to approve",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": NOTHING_SELECTED,
            "invalid_choice": "Select updates from the list",
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = choices

    def clean_records(self) -> list[str]:
        # Anything that passed the choices is a "<kind>-<id>" of this reviewer's queue.
        return list(dict.fromkeys(self.cleaned_data["records"]))


class ReviewForm(GdsFormMixin, forms.Form):
    """Approve an update, or return it with a comment saying what to change."""

    APPROVE = "approve"
    RETURN = "return"
    submit_label = "Save your review"

    decision = forms.ChoiceField(
        label="Your review",
        choices=[(APPROVE, "Approve it: it counts from now on"), (RETURN, "Return it for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_NEEDED},
    )
    comment = forms.CharField(
        label="What to change",
        help_text=(
            "Needed if you return it. The author is emailed this and sees it when they change it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        error_messages={"max_length": "The comment must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comment", label_size=Size.SMALL, max_characters=2000),
            Button("submit", self.submit_label),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", COMMENT_NEEDED)
        return cleaned
