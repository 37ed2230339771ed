from crispy_forms_gds.layout import Button
from django import forms

from govuk.forms import GdsFormMixin, gds_helper

CONFIRMATION = "erase"


class FindPersonForm(forms.Form):
    """The search box of the people list (GET): any text, cut to a sensible length."""

    q = forms.CharField(required=False, max_length=200)


class EraseForm(GdsFormMixin, forms.Form):
    submit_label = "Erase this person"

    confirm = forms.CharField(
        label="Type the word erase to confirm",
        max_length=20,
        help_text="This cannot be undone.",
        error_messages={
            "required": "Type the word erase to confirm",
            "max_length": "Type the word erase to confirm",
        },
    )

    def __init__(self, *args, refusal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.helper = gds_helper("confirm", Button.warning("submit", self.submit_label))

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip().lower()
        if typed != CONFIRMATION:
            raise forms.ValidationError("Type the word erase to confirm")
        return typed

    def clean(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        return super().clean()
