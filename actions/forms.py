"""Forms for posting progress, in the GOV.UK style."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms

from .fields import GovukDateField
from .models import ProgressUpdate
from .status import Status


class HttpsURLField(forms.URLField):
    """A link typed without a scheme, like example.org, means https://example.org."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class ProgressUpdateForm(forms.ModelForm):
    """What a Forum member reports; the hidden version detects a stale edit."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        help_text="A whole number from 0 to 100.",
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
            "narrative": "What has happened",
            "next_steps": "Next steps (optional)",
            "evidence_url": "Link to evidence (optional)",
            "revision_reason": "Why the target date has changed",
        }
        help_texts = {
            "narrative": "What your organisation has done on this action since the last update.",
            # A hint is also needed by crispy-forms-gds 2.0's character count (KeyError without).
            "next_steps": "What your organisation will do next, and by when.",
            "evidence_url": (
                "A web address, starting with https://, for example a report or a web page."
            ),
            "revision_reason": "Needed if you give a new target date.",
        }
        error_messages = {
            "narrative": {
                "required": "Enter what has happened",
                "max_length": "What has happened must be 5,000 characters or fewer",
            },
            "next_steps": {"max_length": "Next steps must be 2,000 characters or fewer"},
            "evidence_url": {
                "invalid": "Enter a web address that starts with http:// or https://",
                "max_length": "The link must be 500 characters or fewer",
            },
            "revision_reason": {
                "max_length": "The reason must be 1,000 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_url"].widget = forms.TextInput(attrs={"spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.text("percent_complete", field_width=Fixed.THREE, label_size=Size.MEDIUM),
            Field.textarea("narrative", label_size=Size.MEDIUM, rows=6, max_characters=5000),
            Field.textarea("next_steps", label_size=Size.MEDIUM, rows=3, max_characters=2000),
            Field.text("evidence_url", label_size=Size.MEDIUM),
            Field("revised_target_date", context={"legend_size": Size.MEDIUM}),
            Field.textarea("revision_reason", label_size=Size.SMALL, rows=2),
            Button("submit", "Save update"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revised_target_date") and not cleaned.get("revision_reason", "").strip():
            self.add_error("revision_reason", "Give a reason for the new target date")
        return cleaned
