"""The one way forms are laid out in the GOV.UK style, with crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout


def gds_helper(*layout) -> FormHelper:
    """A crispy-forms-gds helper; the page template writes the <form> and CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def no_silent_cuts(form) -> None:
    """Take away the browser's `maxlength`, which cuts what people type without a word.

    The form still refuses text that is too long, with a message by the field (and the
    GOV.UK character count, where there is one, counts down as they type).
    """
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


class GdsFormMixin:
    """A form laid out with gds_helper: its fields in order, then a submit button.

    Forms set `submit_label`, and may replace `self.helper.layout` after __init__.
    """

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # GOV.UK advises against moving focus on page load.
            field.widget.attrs.pop("autofocus", None)
        no_silent_cuts(self)
        self.helper = gds_helper(*self.fields, Button("submit", self.submit_label))
