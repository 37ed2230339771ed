"""Forms for people and their accounts, in the GOV.UK style."""

import logging

from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.contrib.auth import forms as auth_forms

from govuk.forms import GdsFormMixin

from .addresses import client_address
from .models import Partner, User
from .roles import Role
from .services import allow_password_reset, validate_role_organisation

logger = logging.getLogger("accounts.security")


class LoginForm(GdsFormMixin, auth_forms.AuthenticationForm):
    """Sign in with an email address or a username."""

    submit_label = "Sign in"
    error_messages = {
        "invalid_login": (
            "Enter a correct email address or username and password. "
            "The password is case-sensitive."
        ),
        "inactive": "This account has been switched off. Ask an administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address or username"
        self.fields["username"].error_messages["required"] = "Enter your email address or username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper.layout = Layout(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
            Button("submit", self.submit_label),
        )


class PasswordChangeForm(GdsFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"


class PasswordResetForm(GdsFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )

    def save(self, *args, request=None, **kwargs):
        """Send the link unless this email or client address has had its share this hour."""
        email, address = self.cleaned_data["email"], client_address(request) or "unknown"
        if not allow_password_reset(email=email, address=address):
            logger.warning("Password reset refused (too many): address=%s", address)
            return
        super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        # Invited people who have not yet set a password may ask for a new link too.
        return User.objects.filter(email__iexact=email, is_active=True)


class SetPasswordForm(GdsFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Save password"


class InviteForm(forms.ModelForm):
    """Add a person: their details, organisation and role. They set their own password."""

    role = forms.ChoiceField(choices=Role.choices)

    class Meta:
        model = User
        fields = ["full_name", "email", "username", "organisation"]
        help_texts = {"username": "Optional: made from the email address when left blank."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].required = False
        self.fields["email"].required = True
        self.fields["organisation"].queryset = Partner.objects.active()

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role:
            try:
                validate_role_organisation(role=role, organisation=cleaned.get("organisation"))
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already uses this email address.")
        return email
