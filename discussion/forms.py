"""The comment form and the hide form, in the GOV.UK style."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from govuk.forms import gds_helper, no_silent_cuts

from .models import BODY_MAX, REASON_MAX


class CommentForm(forms.Form):
    """A comment: a question or an answer. It does not change the action's status."""

    body = forms.CharField(
        label="Add a comment",
        help_text=(
            "A question or an answer for the officers and the Forum. Everyone who can read the "
            "plan can read it. To report progress, post an update instead."
        ),
        widget=forms.Textarea,
        max_length=BODY_MAX,
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {BODY_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, label_size=Size.SMALL, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cuts(self)
        self.helper = gds_helper(
            Field.textarea("body", label_size=label_size, rows=5, max_characters=BODY_MAX),
            Button("submit", "Post comment"),
        )


class HideCommentForm(forms.Form):
    """Why an administrator hides a comment: recorded, and shown to administrators."""

    reason = forms.CharField(
        label="Why are you hiding this comment?",
        help_text=(
            "For example, it names a person or shares something private. Administrators see "
            "the reason; everyone else sees only that the comment was hidden."
        ),
        widget=forms.Textarea,
        max_length=REASON_MAX,
        error_messages={
            "required": "Give the reason for hiding the comment",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cuts(self)
        self.helper = gds_helper(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=3, max_characters=REASON_MAX),
            Button("submit", "Hide the comment", css_class="govuk-button--warning"),
        )
