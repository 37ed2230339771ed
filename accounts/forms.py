"""Forms for signing in, in the GOV.UK style."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Fixed, Layout
from crispy_forms_gds.layout import Field as GdsField
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with GOV.UK labels and layout."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False  # The template writes the <form>, with `next`.
        self.helper.disable_csrf = True  # ...and its CSRF token.
        # GOV.UK advises against moving focus on page load.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper.layout = Layout(
            GdsField.text("username", field_width=Fixed.TWENTY),
            GdsField.text("password", field_width=Fixed.TWENTY),
            Button("submit", "Sign in"),
        )
