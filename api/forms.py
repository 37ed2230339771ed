from django import forms

from govuk.forms import GdsFormMixin


class TokenForm(GdsFormMixin, forms.Form):
    submit_label = "Create token"

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as “Monthly figures script”.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
